/**
 * Scheduled source freshness as a state machine run (state-machines/source-freshness.asl.json), on the asynchronous
 * Data API like the transform run — no Lambda waits on SQL:
 *
 * - SubmitFreshness: the selected sources with `loaded_at_field` and `freshness`, one `max(loaded_at)` query each,
 *   submitted in batches of at most 40 (a BatchExecuteStatement; each sub-statement's rows are read as `<id>:<n>`);
 * - Wait, then CollectFreshness: while a batch runs, ask to wait again (1, 2, 4 … 30 s); when all ended, grade each
 *   source as `dbt source freshness` does, record the results per source in the incident book (src/incidents) and
 *   email what changed: a stale source with its loaded_at, its thresholds and the loader that feeds it (from the
 *   routing in its `meta.landfall`), and a resolved notice when it loads again.
 */
import { buildGraph, selectNodes, type Manifest } from '../engine';
import { freshnessQuery, gradeFreshness, hasFreshness, type FreshnessResult } from '../engine/freshness/freshness';
import type { Dialect } from '../engine/dialects';
import type { Observation } from '../incidents/incident';
import { updateBook } from '../incidents/incident-store';
import { trackIncidents } from '../incidents/track-incidents';
import { routingOf } from '../alerts/alert-routing';
import { TERMINAL_STATUSES, type Warehouse } from '../engine/warehouse/warehouse';
import { incidentStoreFromEnvironment } from './aws-incident-store';
import { deliverNotices, type Delivered } from './deliver-notices';
import { type AlertTarget, alertPolicyOf, settingsOf } from './publish-alert';

/** The Data API's limit on a BatchExecuteStatement. */
const BATCH = 40;
const MAX_WAIT_SECONDS = 30;

export interface FreshnessInput {
  select?: string[];
  exclude?: string[];
  reason?: string;
}

export interface FreshnessPayload {
  execution: { arn: string; name: string };
  reason?: string;
  batches: { statementId: string; sources: string[] }[];
  done: boolean;
  waitSeconds: number;
  iterations: number;
}

export interface FreshnessDependencies {
  manifest: Manifest;
  dialect: Pick<Dialect, 'name'>;
  warehouse: Warehouse;
}

export class InvalidFreshnessInputError extends Error {
  constructor(message: string) {
    super(`The freshness check input is invalid: ${message}`);
    this.name = 'InvalidFreshnessInputError';
  }
}

function stringList(value: unknown, field: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string' && v.length > 0 && v.length <= 500)) throw new InvalidFreshnessInputError(`${field} must be a list of selectors`);
  return value as string[];
}

/** The sources a check covers: the selection's sources that have a freshness check (all of them by default). */
export function sourcesToCheck(manifest: Manifest, input: FreshnessInput): string[] {
  const graph = buildGraph(manifest);
  const selected = selectNodes(graph, input.select ?? [], input.exclude ?? []);
  return [...selected].filter((id) => manifest.sources[id] && hasFreshness(manifest.sources[id]!)).sort();
}

/** SubmitFreshness. The execution input is `{ select?, exclude?, reason? }` (a schedule's, or a console run's). */
export async function submitFreshness(event: { input: unknown; execution: { arn: string; name: string } }, deps: FreshnessDependencies): Promise<FreshnessPayload> {
  const raw = (event.input ?? {}) as Record<string, unknown>;
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new InvalidFreshnessInputError('expected an object such as {"select": ["source:app"]}');
  const unknown = Object.keys(raw).filter((k) => !['select', 'exclude', 'reason'].includes(k));
  if (unknown.length > 0) throw new InvalidFreshnessInputError(`unknown field(s) ${unknown.join(', ')} (known: select, exclude, reason)`);
  const input = { select: stringList(raw.select, 'select'), exclude: stringList(raw.exclude, 'exclude'), reason: typeof raw.reason === 'string' ? raw.reason.slice(0, 500) : undefined };
  const sources = sourcesToCheck(deps.manifest, input);
  const batches: FreshnessPayload['batches'] = [];
  for (let at = 0; at < sources.length; at += BATCH) {
    const chunk = sources.slice(at, at + BATCH);
    const sqls = chunk.map((id) => freshnessQuery(deps.manifest.sources[id]!, deps.dialect.name));
    const statementId = await deps.warehouse.submit(sqls.length === 1 ? sqls[0]! : sqls, {
      name: `landfall/${event.execution.name}/freshness/${at / BATCH}`,
      clientToken: `${event.execution.name}-f${at / BATCH}`.slice(-64),
    });
    batches.push({ statementId, sources: chunk });
  }
  return { execution: event.execution, ...(input.reason && { reason: input.reason }), batches, done: false, waitSeconds: 1, iterations: 0 };
}

/** Grade every source of a finished batch; a failed batch is each of its sources' `runtime error`. */
async function gradeBatch(batch: FreshnessPayload['batches'][number], deps: FreshnessDependencies): Promise<FreshnessResult[]> {
  const description = await deps.warehouse.describe(batch.statementId);
  return Promise.all(batch.sources.map(async (id, index) => {
    const source = deps.manifest.sources[id];
    const base = { uniqueId: id, sourceName: source?.sourceName ?? id, tableName: source?.name ?? id, criteria: source?.freshness ?? {} };
    if (!source) return { ...base, status: 'runtime error' as const, error: 'the source is no longer in the project' };
    const sub = description.subStatements?.[index];
    const error = sub?.error ?? (description.status !== 'FINISHED' ? description.error ?? `the query ended ${description.status}` : undefined);
    if (error) return { ...base, status: 'runtime error' as const, error };
    try {
      const { rows } = await deps.warehouse.fetchRows(batch.sources.length === 1 ? batch.statementId : `${batch.statementId}:${index + 1}`);
      const [maxLoadedAt, snapshottedAt] = rows[0] ?? [null, null];
      return gradeFreshness(source, maxLoadedAt === null ? null : String(maxLoadedAt), String(snapshottedAt));
    } catch (e) {
      return { ...base, status: 'runtime error' as const, error: (e as Error).message };
    }
  }));
}

/** The loader that feeds a source, from its routing meta: `fivetran connector X`, `dms task T`, `s3 s3://b/prefix`. */
export function feederOf(manifest: Manifest, sourceId: string): string | undefined {
  const meta = (manifest.sources[sourceId]?.meta.landfall ?? {}) as Record<string, Record<string, unknown> | undefined>;
  if (meta.fivetran?.connector_id) return `fivetran connector ${String(meta.fivetran.connector_id)}`;
  if (meta.dms) return `dms task ${String(meta.dms.task_id ?? meta.dms.task_arn ?? meta.dms.replication_config_arn ?? '?')}`;
  if (meta.s3?.bucket) return `s3 s3://${String(meta.s3.bucket)}/${String(meta.s3.prefix ?? '')}`;
  return undefined;
}

function threshold(t: { count: number; period: string } | undefined): string | undefined {
  return t ? `${t.count} ${t.period}${t.count === 1 ? '' : 's'}` : undefined;
}

/** Freshness results as observations for the incident book: warn → the digest, error and runtime error → an alert. */
export function freshnessObservations(results: readonly FreshnessResult[], manifest: Manifest): Observation[] {
  return results.map((r) => {
    const routing = routingOf(manifest, r.uniqueId);
    const feeder = feederOf(manifest, r.uniqueId);
    const age = r.ageSeconds === undefined ? undefined : r.ageSeconds >= 7200 ? `${(r.ageSeconds / 3600).toFixed(1)} h ago` : `${Math.round(r.ageSeconds / 60)} min ago`;
    const source = manifest.sources[r.uniqueId];
    const detail = r.status === 'runtime error'
      ? [`the freshness query failed: ${(r.error ?? '').split('\n')[0]}`, feeder && `fed by ${feeder}`].filter(Boolean).join('; ')
      : [
        `max(${source?.loadedAtField ?? 'loaded_at'}) = ${r.maxLoadedAt ?? 'none (empty table)'}${age ? `, ${age}` : ''}`,
        [threshold(r.criteria.warn_after) && `warn after ${threshold(r.criteria.warn_after)}`, threshold(r.criteria.error_after) && `error after ${threshold(r.criteria.error_after)}`].filter(Boolean).join(', '),
        feeder ? `fed by ${feeder}` : 'no loader routed to it in meta.landfall',
      ].filter(Boolean).join('; ');
    return {
      key: `freshness:${r.uniqueId}`, kind: 'freshness', name: `${r.sourceName}.${r.tableName}`,
      failing: r.status !== 'pass', severity: r.status === 'warn' ? 'warn' : 'error', detail,
      cause: feeder ?? `${r.sourceName}.${r.tableName}`,
      owners: routing.owners, tags: routing.tags, ...(routing.muted && { muted: true }), ...(routing.suppressionHours > 0 && { suppressionHours: routing.suppressionHours }),
    };
  });
}

/** Where freshness alerts go: the same target as the run's alerts. */
export type FreshnessAlertTarget = AlertTarget;

/** Record the results in the incident book and email what changed. */
export async function recordFreshness(results: readonly FreshnessResult[], context: { executionArn?: string; reason?: string }, deps: { manifest: Manifest } & FreshnessAlertTarget): Promise<Delivered[]> {
  const settings = settingsOf(deps.manifest);
  const now = deps.now?.() ?? new Date();
  const store = deps.incidents ?? incidentStoreFromEnvironment(deps.manifest.projectName);
  const observations = freshnessObservations(results, deps.manifest);
  const notices = await updateBook(store, (book) => {
    const { book: next, notices: result } = trackIncidents(book, observations, now, alertPolicyOf(settings));
    return { book: next, result };
  });
  return deliverNotices(notices, {
    project: deps.manifest.projectName, region: deps.region, checkLabel: `source freshness of ${results.length} source table${results.length === 1 ? '' : 's'}${context.reason ? ` (${context.reason})` : ''}`,
    executionArn: context.executionArn, now,
  }, { sns: deps.sns, topicArn: deps.topicArn, settings });
}

/** CollectFreshness: wait while a batch runs; then grade, record and alert. */
export async function collectFreshness(payload: FreshnessPayload, deps: FreshnessDependencies & FreshnessAlertTarget): Promise<FreshnessPayload & { results?: { source: string; status: string }[]; emails?: number }> {
  for (const batch of payload.batches) {
    const { status } = await deps.warehouse.describe(batch.statementId);
    if (!TERMINAL_STATUSES.has(status)) return { ...payload, iterations: payload.iterations + 1, waitSeconds: Math.min(MAX_WAIT_SECONDS, payload.waitSeconds * 2) };
  }
  const results = (await Promise.all(payload.batches.map((b) => gradeBatch(b, deps)))).flat();
  const delivered = await recordFreshness(results, { executionArn: payload.execution.arn, reason: payload.reason }, deps);
  return { ...payload, done: true, results: results.map((r) => ({ source: `${r.sourceName}.${r.tableName}`, status: r.status })), emails: delivered.length };
}
