/**
 * PublishAlert: turn a finished run with failures into an email a person can act on — which model or
 * test failed, the database's error or the failing rows (a few samples), the SQL to reproduce it, what
 * was skipped, and a link to the execution — and publish it to the alerts topic.
 */
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { composeRunFailureAlert, type AlertEmail } from '../alerts';
import type { FailedNode, LoadFailure, RunFailureReport, SkippedNode, TestFailure } from '../alerts/run-failure-report';
import { renderTests } from '../engine';
import { planFor } from '../engine/run/advance-run';
import { qualified } from '../engine/render/relation';
import { runQuery, StatementTimeoutError } from '../warehouse/run-query';
import type { RunState } from '../engine';
import { loadRun, type RunDependencies, type TransformRunPayload } from './transform-run';

const SAMPLE_ROWS = 5;
/** Sample queries in flight at once (each is one Data API statement). */
const SAMPLE_CONCURRENCY = 8;
/** Default time the sample queries may take together; the email goes out without the ones still running. */
export const DEFAULT_SAMPLE_BUDGET_MS = 20_000;

export interface AlertBudget {
  /** Milliseconds the sample-row queries may take in all. */
  sampleBudgetMs?: number;
}

export async function buildFailureReport(payload: TransformRunPayload, deps: RunDependencies & AlertBudget, region: string): Promise<RunFailureReport> {
  const { run, stored } = await loadRun(payload, deps);
  const { manifest } = deps;
  const samples: { failure: TestFailure; sql: string }[] = [];
  const failures: FailedNode[] = [];
  const skipped: SkippedNode[] = [];
  let passedModels = 0;
  let passedTests = 0;
  for (const node of run.nodes) {
    if (node.kind === 'load') {
      // A load is neither a model nor a test: named by its source, its COPY target shown instead of SQL.
      const failure = loadFailureOf(node, manifest);
      if (failure) failures.push(failure);
      if (node.status === 'skipped') skipped.push({ kind: 'load', nodeId: node.id, name: node.name });
      continue;
    }
    if (node.kind !== 'tests') {
      const source = manifest.models[node.id] ?? manifest.seeds[node.id];
      if (node.status === 'success') passedModels++;
      if (node.status === 'skipped') skipped.push({ kind: 'model', nodeId: node.id, name: node.name });
      if (node.status === 'error') {
        let compiledSql: string;
        try {
          compiledSql = planFor(node, run, deps).steps.map((s) => s.sqls.join(';\n')).join(';\n\n');
        } catch {
          compiledSql = source && 'rawSql' in source ? source.rawSql : '';
        }
        failures.push({ kind: 'model', nodeId: node.id, name: node.name, error: node.error ?? 'failed', compiledSql, file: source?.origin.file ?? node.id });
      }
      continue;
    }
    const rendered = new Map(safeRenderTests(node, run, deps).map((t) => [t.id, t.sql]));
    for (const t of node.tests ?? []) {
      const test = manifest.tests[t.id]!;
      if (t.status === 'pass' || t.status === 'warn') passedTests++;
      if (t.status === 'skipped') skipped.push({ kind: 'test', nodeId: t.id, name: t.name });
      if (t.status === 'error') {
        failures.push({
          kind: 'test', nodeId: t.id, name: t.name, failures: 0, sampleRows: { columns: [], rows: [] }, model: node.name,
          error: node.error ?? 'the test failed to run', compiledSql: rendered.get(t.id) ?? test.rawSql, file: test.origin.file,
        });
      }
      if (t.status === 'fail') {
        const sql = rendered.get(t.id) ?? test.rawSql;
        const failure: TestFailure = {
          kind: 'test', nodeId: t.id, name: t.name, failures: t.failures, compiledSql: sql,
          file: test.origin.file, model: node.name, sampleRows: { columns: [], rows: [] },
        };
        failures.push(failure);
        samples.push({ failure, sql });
      }
    }
  }
  await fetchSamplesWithin(samples, deps, deps.sampleBudgetMs ?? DEFAULT_SAMPLE_BUDGET_MS);
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

function safeRenderTests(node: RunState['nodes'][number], run: RunState, deps: RunDependencies) {
  try {
    return renderTests(node, run, deps.manifest);
  } catch {
    return [];
  }
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

/** Compose and publish. Returns what was sent, for the execution's output. */
export async function publishRunAlert(
  payload: TransformRunPayload,
  deps: RunDependencies & AlertBudget & { sns: SNSClient; topicArn: string; region: string },
): Promise<AlertEmail & { messageId?: string }> {
  const email = composeRunFailureAlert(await buildFailureReport(payload, deps, deps.region));
  const result = await deps.sns.send(new PublishCommand({ TopicArn: deps.topicArn, Subject: email.subject, Message: email.body }));
  return { ...email, messageId: result.MessageId };
}
