/**
 * Names and SQL pieces of a partitioned model: one table per month (`<model>__p202611`), a shadow per
 * month built before publishing (`<model>__p202611__lf_shadow_<run token>`), the view with the model's name over all
 * months, and the state table that remembers each model's last published window. Pure.
 */
import { stagingRelation } from '../../dialects/dialect';
import type { Relation } from '../../manifest';
import { qualified, quoteIdentifier } from '../../render/relation';
import { sqlStringLiteral } from '../../tests/generic-tests';
import { addMonths, type Month, monthStart, monthSuffix, timestampText } from './months';

const MONTH_TABLE = /__p(\d{4})(\d{2})$/;

/** The table holding one month of a model. Short enough for PostgreSQL's 63-byte names. */
export function monthRelation(model: Relation, month: Month): Relation {
  const suffix = `__p${monthSuffix(month)}`;
  return { schema: model.schema, identifier: `${model.identifier.slice(0, 63 - suffix.length - 11)}${suffix}` };
}

/**
 * Where a month is built and audited before it is published: named after the run (`<month table>__lf_shadow_<token>`,
 * see dialects/staging-names.ts), so two runs never share one; the run-less name without a run id.
 */
export function shadowRelation(model: Relation, month: Month, runId?: string, maxIdentifierBytes = 63): Relation {
  return stagingRelation(monthRelation(model, month), 'shadow', runId, maxIdentifierBytes);
}

/** The table holding a model's rows whose partition field is NULL (`<model>__pnull`), read by the view like a month. */
export function nullsRelation(model: Relation): Relation {
  return { schema: model.schema, identifier: `${model.identifier.slice(0, 63 - 7 - 11)}__pnull` };
}

/** Is `identifier` the NULL-partition table of `model`? */
export function isNullsTable(model: Relation, identifier: string): boolean {
  return nullsRelation(model).identifier === identifier;
}

/** The month of a month table of `model`, or undefined when `identifier` is not one. */
export function monthOfTable(model: Relation, identifier: string): Month | undefined {
  const match = MONTH_TABLE.exec(identifier);
  if (!match) return undefined;
  const month = `${match[1]}-${match[2]}`;
  return monthRelation(model, month).identifier === identifier ? month : undefined;
}

/** A half-open time range `[start, end)` on the partition field. */
export interface TimeRange {
  start: Date;
  end: Date;
}

export function monthBounds(month: Month): TimeRange {
  return { start: monthStart(month), end: monthStart(addMonths(month, 1)) };
}

/** `"created_at" >= '2026-11-01 00:00:00' and "created_at" < '2026-12-01 00:00:00'` */
export function rangePredicate(field: string, range: TimeRange): string {
  const column = quoteIdentifier(field);
  return `${column} >= ${sqlStringLiteral(timestampText(range.start))} and ${column} < ${sqlStringLiteral(timestampText(range.end))}`;
}

/** The complement of {@link rangePredicate} for rows whose field is set. */
export function outsideRangePredicate(field: string, range: TimeRange): string {
  const column = quoteIdentifier(field);
  return `(${column} < ${sqlStringLiteral(timestampText(range.start))} or ${column} >= ${sqlStringLiteral(timestampText(range.end))})`;
}

export function columnList(columns: string[]): string {
  return columns.length ? columns.map(quoteIdentifier).join(', ') : '*';
}

/**
 * The SELECT behind the model's view: one schema-qualified branch per month, each filtered to its own
 * month so a date filter lets the planner skip the other months. With `branchFilters: false` the range
 * lives in each table's CHECK constraint instead (PostgreSQL flattens only unfiltered UNION ALL branches,
 * and then excludes months by their constraints).
 *
 * @example
 * unionViewSql({ schema: 'marts', identifier: 'fct' }, 'created_at', ['2026-10', '2026-11'], ['id', 'created_at'])
 */
export function unionViewSql(model: Relation, field: string, months: Month[], columns: string[], branchFilters = true, withNulls = false): string {
  const branches = [...months].sort().map((month) =>
    `select ${columnList(columns)} from ${qualified(monthRelation(model, month))}${branchFilters ? ` where ${rangePredicate(field, monthBounds(month))}` : ''}`,
  );
  if (withNulls) branches.push(`select ${columnList(columns)} from ${qualified(nullsRelation(model))}${branchFilters ? ` where ${quoteIdentifier(field)} is null` : ''}`);
  return branches.join('\nunion all\n');
}

/** The table that remembers each partitioned model's published windows (one row per publish). */
export const PARTITION_WINDOWS: Relation = { schema: 'landfall', identifier: 'partition_windows' };

export function partitionWindowsDdl(): string[] {
  return [
    `create schema if not exists ${quoteIdentifier(PARTITION_WINDOWS.schema)}`,
    `create table if not exists ${qualified(PARTITION_WINDOWS)} (model_id varchar(512) not null, window_start timestamp not null, window_end timestamp not null, months varchar(4096), run_id varchar(256), published_at timestamp)`,
  ];
}

/**
 * `now` is the dialect's current-time expression (Redshift: `getdate()`; its `current_timestamp` is a deprecated
 * leader-node function, see partition-dialects.ts).
 */
export function recordWindowSql(modelId: string, range: TimeRange, months: Month[], runId: string, now = 'current_timestamp'): string {
  const values = [modelId, timestampText(range.start), timestampText(range.end), months.join(','), runId].map(sqlStringLiteral);
  return `insert into ${qualified(PARTITION_WINDOWS)} (model_id, window_start, window_end, months, run_id, published_at) values (${values.join(', ')}, ${now})`;
}

/** Each publish's watermark: the newest partition value published so far (a run's window starts from it). */
export const PARTITION_WATERMARKS: Relation = { schema: 'landfall', identifier: 'partition_watermarks' };

export function partitionWatermarksDdl(): string {
  return `create table if not exists ${qualified(PARTITION_WATERMARKS)} (model_id varchar(512) not null, max_value timestamp, run_id varchar(256), published_at timestamp)`;
}

/**
 * Record the watermark after a publish: the newest value of `field` among `fromSql`'s rows, or the previous
 * watermark when that is newer (a merge) — `previous` undefined after a rebuild, which sets it afresh.
 */
export function recordWatermarkSql(modelId: string, field: string, fromSql: string, runId: string, previous: Date | undefined, now = 'current_timestamp'): string {
  const newest = `max(${quoteIdentifier(field)})`;
  const value = previous ? `coalesce(greatest(${newest}, cast(${sqlStringLiteral(timestampText(previous))} as timestamp)), cast(${sqlStringLiteral(timestampText(previous))} as timestamp))` : newest;
  return `insert into ${qualified(PARTITION_WATERMARKS)} (model_id, max_value, run_id, published_at) select ${sqlStringLiteral(modelId)}, ${value}, ${sqlStringLiteral(runId)}, ${now} from ${fromSql}`;
}

/** The latest watermark of each model (by publish time). */
export function lastWatermarksSql(modelIds: string[]): string {
  const table = qualified(PARTITION_WATERMARKS);
  return `select w.model_id, w.max_value from ${table} w join (select model_id, max(published_at) as published_at from ${table} where model_id in (${modelIds.map(sqlStringLiteral).join(', ')}) group by model_id) latest on latest.model_id = w.model_id and latest.published_at = w.published_at`;
}

export function lastWindowsSql(modelIds: string[]): string {
  return `select model_id, max(window_end) as window_end from ${qualified(PARTITION_WINDOWS)} where model_id in (${modelIds.map(sqlStringLiteral).join(', ')}) group by model_id`;
}
