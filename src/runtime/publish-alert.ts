/**
 * PublishAlert (and UpdateIncidents, the same task after a run that passed): record what the run saw as
 * incidents (src/incidents) and email what changed — a new failure with what failed and where, the database's
 * error or the failing rows (a few samples, PII masked), the model's SELECT or the test's SQL to reproduce it,
 * what was not built because of it, and links to the execution; a resolution; the daily reminder or warn digest.
 * A failure already reported is not emailed again. Objects a load node set aside are emailed here too, once per
 * node (quarantine-alert.ts).
 */
import { docsRunPageLink } from './docs-run-page-link';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { FailedNode, LoadFailure, RunFailureReport, SkippedNode, TestFailure } from '../alerts/run-failure-report';
import type { ManifestWithAlerting } from '../alerts/alerting-facts';
import { failureKey } from '../alerts/compose-incident-email';
import { maskEmailsInText, maskRows, piiRuleForTest } from '../alerts/mask-pii';
import { qualified } from '../engine/render/relation';
import { DEFAULT_ALERT_POLICY, type AlertPolicy } from '../incidents/incident';
import { updateBook, type IncidentStore } from '../incidents/incident-store';
import { trackIncidents } from '../incidents/track-incidents';
import { DEFAULT_LANDFALL_SETTINGS } from '../schedules/default-settings';
import type { LandfallSettings } from '../schedules/landfall-settings';
import { runQuery, StatementTimeoutError } from '../engine/warehouse/run-query';
import type { RunState } from '../engine';
import { incidentStoreFromEnvironment } from './aws-incident-store';
import { deliverNotices, type Delivered } from './deliver-notices';
import { observationsOfRun } from './run-observations';
import { publishQuarantineAlerts } from './quarantine-alert';
import type { renderReproduceSql } from './reproduce-sql';
import { loadRun, type LoadedRun, type RunDependencies, type TransformRunPayload } from './transform-run';

const SAMPLE_ROWS = 5;
/** Sample queries in flight at once (each is one Data API statement). */
const SAMPLE_CONCURRENCY = 8;
/** Default time the sample queries may take together; the email goes out without the ones still running. */
export const DEFAULT_SAMPLE_BUDGET_MS = 20_000;

/** What the alert reads of a run: no SQL dialect (it renders nothing; the function's bundle carries none). */
export type AlertRunDependencies = Omit<RunDependencies, 'dialect'>;

export interface AlertBudget {
  /** Milliseconds the sample-row queries may take in all. */
  sampleBudgetMs?: number;
  /**
   * Renders a failed node's SQL when the run state has none recorded (a state AdvanceRun did not write, e.g. a test's):
   * `renderReproduceSql` from reproduce-sql.ts. The function passes none (its bundle carries no template engine); without
   * it and without a record, the alert shows the raw SQL.
   */
  renderReproduceSql?: typeof renderReproduceSql;
}

export async function buildFailureReport(
  payload: TransformRunPayload, deps: AlertRunDependencies & AlertBudget, region: string,
  options: { loaded?: LoadedRun; sampleFor?: (failure: TestFailure) => boolean } = {},
): Promise<RunFailureReport> {
  const { run, stored } = options.loaded ?? await loadRun(payload, deps);
  const { manifest } = deps;
  const samples: { failure: TestFailure; sql: string }[] = [];
  const failures: FailedNode[] = [];
  const skipped: SkippedNode[] = [];
  let passedModels = 0;
  let passedTests = 0;
  const reproduceSqlOf = (node: RunState['nodes'][number]): Record<string, string> =>
    stored.reproduceSql?.[node.id]?.sql ?? deps.renderReproduceSql?.(node, run, manifest) ?? {};
  for (const node of run.nodes) {
    if (node.kind === 'load') {
      // A load is neither a model nor a test: named by its source, its COPY target shown instead of SQL.
      const failure = loadFailureOf(node, manifest);
      if (failure) failures.push(failure);
      if (node.status === 'skipped') skipped.push({ kind: 'load', nodeId: node.id, name: node.name, ...(node.skippedBecause && { cause: node.skippedBecause }) });
      continue;
    }
    if (node.kind !== 'tests') {
      const source = manifest.models[node.id] ?? manifest.seeds[node.id];
      if (node.status === 'success') passedModels++;
      if (node.status === 'skipped') skipped.push({ kind: 'model', nodeId: node.id, name: node.name, ...(node.skippedBecause && { cause: node.skippedBecause }) });
      if (node.status === 'error') {
        failures.push({ kind: 'model', nodeId: node.id, name: node.name, error: maskEmailsInText(node.error ?? 'failed'), compiledSql: reproduceSqlOf(node)[node.id] ?? manifest.models[node.id]?.rawSql ?? '', file: source?.origin.file ?? node.id });
      }
      continue;
    }
    const rendered = new Map(Object.entries(reproduceSqlOf(node)));
    for (const t of node.tests ?? []) {
      const test = manifest.tests[t.id]!;
      if (t.status === 'pass' || t.status === 'warn') passedTests++;
      if (t.status === 'skipped') skipped.push({ kind: 'test', nodeId: t.id, name: t.name, ...(node.skippedBecause && { cause: node.skippedBecause }) });
      if (t.status === 'error') {
        failures.push({
          kind: 'test', nodeId: t.id, name: t.name, failures: 0, sampleRows: { columns: [], rows: [] }, model: node.name,
          error: maskEmailsInText(node.error ?? 'the test failed to run'), compiledSql: rendered.get(t.id) ?? test.rawSql, file: test.origin.file,
        });
      }
      if (t.status === 'fail') {
        const sql = rendered.get(t.id) ?? test.rawSql;
        const failure: TestFailure = {
          kind: 'test', nodeId: t.id, name: t.name, failures: t.failures, compiledSql: sql,
          file: test.origin.file, model: node.name, sampleRows: { columns: [], rows: [] },
        };
        failures.push(failure);
        if (options.sampleFor?.(failure) ?? true) samples.push({ failure, sql });
      }
    }
  }
  await fetchSamplesWithin(samples, deps, deps.sampleBudgetMs ?? DEFAULT_SAMPLE_BUDGET_MS);
  // PII never leaves: every test's sample rows are masked by the columns of what it reads (src/alerts/mask-pii.ts).
  for (const { failure } of samples) {
    const columns = failure.sampleRows.columns.map((c) => (typeof c === 'string' ? c : c.name));
    failure.sampleRows = maskRows(piiRuleForTest(manifest, failure.nodeId), { columns, rows: failure.sampleRows.rows }, manifest.projectName);
  }
  return {
    runId: run.runId,
    executionArn: payload.execution.arn,
    region,
    trigger: {
      loader: stored.trigger.loader,
      connector: stored.trigger.connector,
      arrivedAt: stored.trigger.arrivedAt,
      description: stored.trigger.description,
    },
    failures,
    skipped,
    passed: { models: passedModels, tests: passedTests },
    project: manifest.projectName,
    replayHint: `npx landfall replay ${payload.execution.name}`,
  };
}

/** A failed load node as the email describes it: its source, its objects, the table its COPY writes into. */
export function loadFailureOf(node: RunState['nodes'][number], manifest: RunDependencies['manifest']): LoadFailure | undefined {
  if (node.status !== 'error') return undefined;
  const source = node.load ? manifest.sources[node.load.sourceId] : undefined;
  return {
    kind: 'load',
    nodeId: node.id,
    name: node.name,
    source: source ? `${source.sourceName}.${source.name}` : node.name.replace(/^load\./, ''),
    objects: node.load?.objects.length ?? 0,
    copyTarget: source ? qualified({ schema: source.relation.schema, identifier: source.relation.identifier }) : '(the source is no longer in the project)',
    error: node.error ?? 'failed',
    file: source?.origin.file ?? node.id,
  };
}

/**
 * Sample rows of every failing test, fetched concurrently (a few at a time) within one time budget. A query
 * still running when the budget is spent is left behind and its test says so: the email goes out without
 * those samples rather than not at all (a bad load failing many tests on big tables must still alert).
 */
export async function fetchSamplesWithin(samples: { failure: TestFailure; sql: string }[], deps: Pick<RunDependencies, 'warehouse'>, budgetMs: number): Promise<void> {
  const outOfTime = { columns: ['sample rows not fetched'], rows: [[`the alert's ${Math.round(budgetMs / 1000)} s budget for sample queries ran out; run the SQL below`]] };
  const fetched: (TestFailure['sampleRows'] | undefined)[] = [];
  const deadlineAt = Date.now() + budgetMs;
  let next = 0;
  const worker = async () => {
    while (next < samples.length && Date.now() < deadlineAt) {
      const i = next++;
      fetched[i] = await sampleRows(deps, samples[i]!.sql, deadlineAt);
    }
  };
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((resolve) => { timer = setTimeout(resolve, budgetMs); });
  await Promise.race([Promise.all(Array.from({ length: Math.min(SAMPLE_CONCURRENCY, samples.length) }, worker)), deadline]);
  clearTimeout(timer);
  next = samples.length; // no new queries after the deadline
  samples.forEach((sample, i) => { sample.failure.sampleRows = fetched[i] ?? outOfTime; });
}

/** One test's failing rows, or undefined when its query did not end by the deadline (it is then cancelled). */
async function sampleRows(deps: Pick<RunDependencies, 'warehouse'>, sql: string, deadlineAt: number): Promise<TestFailure['sampleRows'] | undefined> {
  try {
    const result = await runQuery(deps.warehouse, `select * from (\n${sql}\n) as failing_rows limit ${SAMPLE_ROWS}`, undefined, { timeoutMs: Math.max(0, deadlineAt - Date.now()) });
    return { columns: result.columns.map((c) => c.name), rows: result.rows };
  } catch (error) {
    if (error instanceof StatementTimeoutError) {
      await deps.warehouse.cancel(error.statementId).catch(() => undefined);
      return undefined;
    }
    return { columns: ['could not fetch sample rows'], rows: [[(error as Error).message]] };
  }
}

export interface AlertTarget {
  sns: SNSClient;
  topicArn: string;
  region: string;
  /** Default: the table in LANDFALL_INCIDENT_TABLE (none: no memory between runs). */
  incidents?: IncidentStore;
  /** Default: the real time (tests pass a simulated clock). */
  now?: () => Date;
}

/** The project's landfall.yml as compiled into the manifest (defaults when it has none). */
export function settingsOf(manifest: RunDependencies['manifest']): LandfallSettings {
  return (manifest as ManifestWithAlerting).alerting?.settings ?? DEFAULT_LANDFALL_SETTINGS;
}

export function alertPolicyOf(settings: LandfallSettings): AlertPolicy {
  return { ...DEFAULT_ALERT_POLICY, reminderIntervalMs: settings.alerts.reminder_interval_hours * 3600_000, digestHourUtc: settings.alerts.digest_hour_utc };
}

/**
 * Record the run's results as incidents and publish what changed. Returns what was sent, for the execution's output.
 */
export async function publishRunAlert(
  payload: TransformRunPayload,
  deps: AlertRunDependencies & AlertBudget & AlertTarget,
): Promise<{ subject: string; notices: string[]; delivered: Delivered[] }> {
  const loaded = await loadRun(payload, deps);
  const { manifest } = deps;
  // Quarantined objects first, whatever the incidents say; what was emailed is stored so no run end emails it twice.
  const quarantineAlerted = await publishQuarantineAlerts(loaded.run, manifest, deps, loaded.stored.quarantineAlerted);
  if (quarantineAlerted !== loaded.stored.quarantineAlerted) await deps.runStates.write(payload.state, { ...loaded.stored, quarantineAlerted });
  const settings = settingsOf(manifest);
  const now = deps.now?.() ?? new Date();
  const store = deps.incidents ?? incidentStoreFromEnvironment(manifest.projectName);
  const observations = observationsOfRun(loaded.run, manifest, loaded.stored.trigger as { loader?: string; connector?: string });
  const notices = await updateBook(store, (book) => {
    const { book: next, notices: result } = trackIncidents(book, observations, now, alertPolicyOf(settings));
    return { book: next, result };
  });
  if (notices.length === 0) return { subject: '(nothing new: no email)', notices: [], delivered: [] };
  const opened = new Set(notices.flatMap((n) => (n.kind === 'alert' ? n.opened.map((i) => i.key) : [])));
  const report = await buildFailureReport(payload, deps, deps.region, { loaded, sampleFor: (failure) => opened.has(failureKey(failure)) });
  // landfall.yml's run_page_url template wins; else the docs site's page of this run (CloudFront, or pre-signed S3
  // links valid until `expiresAt`), with the failing rows gathered here added to it (src/runtime/docs-run-page-link.ts).
  const docsLink = settings.alerts.run_page_url ? undefined : await docsRunPageLink(payload.execution.name, report.failures).catch(() => undefined);
  const runPageUrl = settings.alerts.run_page_url?.replace('{execution}', encodeURIComponent(payload.execution.name)) ?? docsLink?.url;
  const runPageExpiresAt = settings.alerts.run_page_url ? undefined : docsLink?.expiresAt;
  const delivered = await deliverNotices(notices, {
    project: manifest.projectName, region: deps.region, report, executionArn: payload.execution.arn, runPageUrl, runPageExpiresAt, replayHint: report.replayHint, now,
  }, { sns: deps.sns, topicArn: deps.topicArn, settings });
  return { subject: delivered[0]?.subject ?? '', notices: notices.map((n) => n.kind), delivered };
}
