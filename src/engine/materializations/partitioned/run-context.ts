/**
 * How a run meets partitioned models. At prepare time (the run's one synchronous moment) each
 * partitioned model gets a window and the months it touches; every step re-derives the model's plan from
 * that; and its tests are scoped to the touched months, so a daily run costs the same in the 24th month
 * as in the first.
 *
 * The window, `[start, end)` on the partition field (wall-clock times of `partition_timezone`, default UTC):
 *   - `--vars '{"window_start": "2026-11-03", "window_end": "2026-11-04"}'` when given (end defaults to now);
 *   - else from the newest partition value already published (the watermark, kept in
 *     `landfall.partition_watermarks`) minus `window_lookback_days` (default 3), to a day past the run's start —
 *     relative to the data, so a row stamped before the previous run started (Firehose buffers, CDC lag) still
 *     lands when it comes within the lookback; rows outside the window fail the audit, counted (`late_rows`);
 *   - on a first build, the `retention_months` (or 12) months up to the current one, each rebuilt whole.
 * `--full-refresh` rebuilds every touched month whole (with no window given: every month kept).
 */
import { buildGraph, reachable } from '../../graph/graph';
import type { Dialect } from '../../dialects';
import type { Manifest, ModelNode, Relation } from '../../manifest';
import { RelationRef, qualified, quoteIdentifier } from '../../render/relation';
import { renderNodeSql } from '../../render/render-node';
import type { RunState } from '../../run/run-state';
import type { Cell, Warehouse } from '../../warehouse/warehouse';
import { runQuery } from '../../warehouse/run-query';
import { EngineError } from '../../errors';
import { planMaterialization } from '../index';
import type { MaterializationPlan } from '../plan';
import { DEFAULT_HISTORY_MONTHS, partitionConfigOf, type PartitionConfig } from './config';
import { addMonths, type Month, monthOf, monthRange, monthStart, monthsOverlapping, timestampText, wallClockIn } from './months';
import { ROW_WISE_TESTS, uniqueKeys, type PartitionPlanContext, type PartitionRunContext } from './plan';
import { auditProcedureDdl, auditProcedureExistsSql } from './audit';
import { runStatementsProcedureDdl, runStatementsProcedureExistsSql } from './one-transaction';
import { isNullsTable, lastWatermarksSql, lastWindowsSql, monthBounds, monthOfTable, partitionWatermarksDdl, partitionWindowsDdl, rangePredicate } from './relations';

const DAY_MS = 86_400_000;

/** Month tables of a model found in a catalog: `(schema, name, kind, column)` rows. */
export function monthTablesIn(catalogRows: Cell[][], model: Relation): { months: Month[]; columnsByMonth: Map<Month, string[]>; hasNullsTable: boolean } {
  const columnsByMonth = new Map<Month, string[]>();
  let hasNullsTable = false;
  for (const [schema, name, kind, column] of catalogRows) {
    if (String(schema) !== model.schema || kind === 'view') continue;
    if (isNullsTable(model, String(name))) hasNullsTable = true;
    const month = monthOfTable(model, String(name));
    if (!month) continue;
    const columns = columnsByMonth.get(month) ?? [];
    if (column !== null && column !== undefined) columns.push(String(column));
    columnsByMonth.set(month, columns);
  }
  return { months: [...columnsByMonth.keys()].sort(), columnsByMonth, hasNullsTable };
}

function parseWindowBound(value: unknown, name: string): Date {
  const date = new Date(typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : String(value));
  if (Number.isNaN(date.getTime())) throw new EngineError(`--vars ${name} must be a date or timestamp (e.g. "2026-11-03" or "2026-11-03T10:00:00Z"), got ${JSON.stringify(value)}`);
  return date;
}

/**
 * Decide a partitioned model's window, months and mode (pure).
 *
 * @example
 * resolvePartitionRun({ config, vars: {}, fullRefresh: false, startedAt: new Date('2026-11-15T02:00:00Z'), existingMonths: ['2026-10', '2026-11'], lastWindowEnd: new Date('2026-11-14T02:00:00Z') })
 * // { window: { start: '2026-11-14T02:00:00.000Z', end: '2026-11-15T02:00:00.000Z', … }, months: ['2026-11'], mode: 'merge' }
 */
export function resolvePartitionRun(input: {
  config: PartitionConfig;
  vars: Record<string, unknown>;
  fullRefresh: boolean;
  startedAt: Date;
  existingMonths: Month[];
  /** The newest partition value published (the watermark). */
  watermark?: Date;
  /** The end of the last published window (runs before watermarks were recorded). */
  lastWindowEnd?: Date;
}): Pick<PartitionRunContext, 'window' | 'months' | 'mode'> {
  const { config, vars, fullRefresh, existingMonths, watermark, lastWindowEnd } = input;
  // The partition field's wall clock at the run's start: "now" and "the current month" in its zone.
  const startedAt = wallClockIn(input.startedAt, config.timezone);
  const current = monthOf(startedAt);
  const history = monthRange(addMonths(current, 1 - (config.retentionMonths ?? DEFAULT_HISTORY_MONTHS)), current);
  const firstKept = config.retentionMonths ? history[0]! : '0000-01';
  const kept = (months: Month[]) => months.filter((m) => m >= firstKept);
  const asWindow = (start: Date, end: Date, source: PartitionRunContext['window']['source']) => ({ start: start.toISOString(), end: end.toISOString(), source });

  if (vars.window_start !== undefined || vars.window_end !== undefined) {
    if (vars.window_start === undefined) throw new EngineError('--vars window_end needs a window_start');
    const start = parseWindowBound(vars.window_start, 'window_start');
    const end = vars.window_end === undefined ? startedAt : parseWindowBound(vars.window_end, 'window_end');
    if (end.getTime() <= start.getTime()) throw new EngineError(`the run window is empty: window_end (${end.toISOString()}) is not after window_start (${start.toISOString()})`);
    return { window: asWindow(start, end, 'vars'), months: kept(monthsOverlapping(start, end)), mode: fullRefresh || existingMonths.length === 0 ? 'rebuild' : 'merge' };
  }
  if (fullRefresh || existingMonths.length === 0 || (!watermark && !lastWindowEnd)) {
    const months = kept([...new Set([...existingMonths, ...history])].sort());
    return { window: asWindow(monthStart(months[0]!), monthStart(addMonths(months[months.length - 1]!, 1)), 'first-build'), months, mode: 'rebuild' };
  }
  // A day past the run's start: rows stamped slightly ahead (clock skew, a zone set wrong) land, not wait.
  const end = new Date(startedAt.getTime() + DAY_MS);
  const base = watermark ?? lastWindowEnd!;
  const start = new Date(Math.min(base.getTime() - config.windowLookbackDays * DAY_MS, startedAt.getTime()));
  return { window: asWindow(start, end, watermark ? 'since-watermark' : 'since-last-window'), months: kept(monthsOverlapping(start, end)), mode: 'merge' };
}

/**
 * Prepare-time step for partitioned models: make sure the window table exists, read each model's last
 * published window, and record its window and months in the run state.
 */
export async function preparePartitions(
  state: RunState,
  ctx: { manifest: Manifest; dialect: Dialect; warehouse: Warehouse },
  catalogRows: Cell[][],
): Promise<RunState> {
  const models = state.nodes
    .map((n) => ctx.manifest.models[n.id])
    .filter((m): m is ModelNode => m !== undefined && partitionConfigOf(m.config) !== undefined);
  if (models.length === 0) return state;
  await runQuery(ctx.warehouse, [...partitionWindowsDdl(), partitionWatermarksDdl()]);
  if ((await runQuery(ctx.warehouse, auditProcedureExistsSql())).rows.length === 0) await runQuery(ctx.warehouse, auditProcedureDdl());
  if ((await runQuery(ctx.warehouse, runStatementsProcedureExistsSql())).rows.length === 0) await runQuery(ctx.warehouse, runStatementsProcedureDdl());
  const ids = models.map((m) => m.uniqueId);
  const asDate = (value: Cell) => new Date(`${String(value).replace(' ', 'T')}Z`);
  const last = await runQuery(ctx.warehouse, lastWindowsSql(ids));
  const lastEnd = new Map(last.rows.map(([id, end]) => [String(id), asDate(end)]));
  const watermarks = new Map<string, Date>();
  for (const [id, value] of (await runQuery(ctx.warehouse, lastWatermarksSql(ids))).rows) {
    if (value === null || value === undefined) continue;
    const date = asDate(value);
    if (!watermarks.has(String(id)) || watermarks.get(String(id))! < date) watermarks.set(String(id), date);
  }
  const vars = { ...ctx.manifest.vars, ...state.vars };
  const partitions: Record<string, PartitionRunContext> = {};
  for (const model of models) {
    const { months: existingMonths, columnsByMonth, hasNullsTable } = monthTablesIn(catalogRows, model.relation);
    const resolved = resolvePartitionRun({
      config: partitionConfigOf(model.config)!,
      vars,
      fullRefresh: state.fullRefresh && model.config.full_refresh !== false,
      startedAt: new Date(state.startedAt),
      existingMonths,
      lastWindowEnd: lastEnd.get(model.uniqueId),
      watermark: watermarks.get(model.uniqueId),
    });
    const newest = existingMonths[existingMonths.length - 1];
    const watermark = watermarks.get(model.uniqueId)?.toISOString();
    partitions[model.uniqueId] = {
      ...resolved, existingMonths, columns: newest ? columnsByMonth.get(newest)! : [], runId: state.runId, hasNullsTable, ...(watermark ? { watermark } : {}),
    };
  }
  return { ...state, partitions };
}

/** The vars a partitioned model's template sees: the run's window as `window_start`/`window_end` timestamps. */
export function windowVars(partition: PartitionRunContext): Record<string, string> {
  return { window_start: timestampText(new Date(partition.window.start)), window_end: timestampText(new Date(partition.window.end)) };
}

const upstreamCache = new WeakMap<Manifest, Map<string, Set<string>>>();

/** The model's error-severity tests that can run before its downstream exists: those over the model and its upstream only. */
export function auditableTests(manifest: Manifest, model: ModelNode): string[] {
  let cache = upstreamCache.get(manifest);
  if (!cache) upstreamCache.set(manifest, (cache = new Map()));
  let upstream = cache.get(model.uniqueId);
  if (!upstream) {
    upstream = new Set(reachable(buildGraph(manifest).parents, model.uniqueId).keys());
    cache.set(model.uniqueId, upstream);
  }
  return Object.values(manifest.tests)
    .filter((t) => t.attachedTo === model.uniqueId && t.severity === 'error' && t.dependsOn.every((d) => d === model.uniqueId || upstream!.has(d)))
    .map((t) => t.uniqueId)
    .sort();
}

/** A partitioned model's plan for this run (what `planFor` returns for it). */
export function planPartitionedModel(
  model: ModelNode,
  partition: PartitionRunContext,
  state: RunState,
  ctx: { manifest: Manifest; dialect: Dialect },
): MaterializationPlan {
  const vars = { ...ctx.manifest.vars, ...state.vars, ...windowVars(partition) };
  const render = { vars, invocationId: state.runId, runStartedAt: new Date(state.startedAt) };
  const sql = renderNodeSql(ctx.manifest, model, { ...render, isIncremental: partition.mode === 'merge' });
  const testIds = auditableTests(ctx.manifest, model);
  const context: PartitionPlanContext = {
    ...partition,
    auditTests: (relationSql) => testIds.map((id) => {
      const test = ctx.manifest.tests[id]!;
      const scoped = new SqlRelationRef(model.relation, relationSql({ id, testName: test.testName, columnName: test.columnName, kind: test.kind }));
      return { id, sql: renderNodeSql(ctx.manifest, test, { ...render, isIncremental: false, refOverrides: { [model.name]: scoped } }) };
    }),
  };
  const key = `${model.relation.schema}.${model.relation.identifier}`;
  return planMaterialization({
    node: model, sql, dialect: ctx.dialect, existing: state.existing[key], fullRefresh: state.fullRefresh, partition: context,
    // What the delta step fetched (its columns and the newest month's), once it has run.
    columns: state.nodes.find((n) => n.id === model.uniqueId)?.columns,
    runId: state.runId, stagingLeftovers: state.stagingLeftovers?.[key],
  });
}

/** `ref('model')` printed as a subquery with its alias (`(select …) as x`). */
export class SqlRelationRef extends RelationRef {
  constructor(relation: Relation, private readonly sql: string) {
    super(relation.schema, relation.identifier);
  }
  override toString(): string {
    return this.sql;
  }
}

/** The rows a run wrote: the window inside each month it merged, whole months it rebuilt, and NULL partition values. */
export function writtenRowsPredicate(field: string, partition: PartitionRunContext): string {
  const window = { start: new Date(partition.window.start), end: new Date(partition.window.end) };
  const ranges = partition.months.map((month) => {
    const bounds = monthBounds(month);
    const merged = partition.mode === 'merge' && partition.existingMonths.includes(month);
    return merged ? { start: new Date(Math.max(window.start.getTime(), bounds.start.getTime())), end: new Date(Math.min(window.end.getTime(), bounds.end.getTime())) } : bounds;
  });
  return `(${[...ranges.map((r) => `(${rangePredicate(field, r)})`), `${quoteIdentifier(field)} is null`].join(' or ')})`;
}

/**
 * The ref overrides that scope a test of a partitioned model after a run published, where scoping gives the
 * verdict the whole view would:
 *   - `not_null`, `accepted_values` (a verdict per row): the rows in the run's window (and NULL partition
 *     values); the run's late rows outside it were tested by the audit, every other row by the run that wrote it;
 *   - `unique` on the model's unique_key: the same rows — every publish deletes the keys it brings from every month
 *     first, so a duplicate key can only be one the run's rows hold twice;
 *   - every other test (singular tests, `relationships`, unique on another column, custom generic tests): undefined,
 *     the whole view.
 * A test added or changed since the rows were written sees only new rows this way: `landfall test` (no model in the
 * run) or `--full-refresh` tests everything.
 */
export function scopedTestRefs(manifest: Manifest, state: RunState, testId: string): Record<string, RelationRef> | undefined {
  const test = manifest.tests[testId];
  const model = test ? manifest.models[test.attachedTo] : undefined;
  const partition = model ? state.partitions?.[model.uniqueId] : undefined;
  if (!test || !model || !partition || test.kind !== 'generic' || partition.months.length === 0) return undefined;
  const keys = uniqueKeys(model);
  const keyColumn = keys.length === 1 ? keys[0]! : undefined;
  const scoped = (test.testName !== undefined && ROW_WISE_TESTS.has(test.testName))
    || (test.testName === 'unique' && keyColumn !== undefined && test.columnName?.toLowerCase() === keyColumn.toLowerCase());
  if (!scoped) return undefined;
  const written = writtenRowsPredicate(partitionConfigOf(model.config)!.field, partition);
  return { [model.name]: new SqlRelationRef(model.relation, `(select * from ${qualified(model.relation)} where ${written}) as ${quoteIdentifier(`${model.relation.identifier}_written_rows`)}`) };
}
