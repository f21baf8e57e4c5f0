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
export function unionViewSql(model: Relation, field: string, months: Month[], columns: string[], branchFilters = true): string {
  return [...months].sort().map((month) =>
    `select ${columnList(columns)} from ${qualified(monthRelation(model, month))}${branchFilters ? ` where ${rangePredicate(field, monthBounds(month))}` : ''}`,
  ).join('\nunion all\n');
}

/** The table that remembers each partitioned model's published windows (one row per publish). */
export const PARTITION_WINDOWS: Relation = { schema: 'landfall', identifier: 'partition_windows' };

export function partitionWindowsDdl(): string[] {
  return [
    `create schema if not exists ${quoteIdentifier(PARTITION_WINDOWS.schema)}`,
    `create table if not exists ${qualified(PARTITION_WINDOWS)} (model_id varchar(512) not null, window_start timestamp not null, window_end timestamp not null, months varchar(4096), run_id varchar(256), published_at timestamp)`,
  ];
}

export function recordWindowSql(modelId: string, range: TimeRange, months: Month[], runId: string): string {
  const values = [modelId, timestampText(range.start), timestampText(range.end), months.join(','), runId].map(sqlStringLiteral);
  return `insert into ${qualified(PARTITION_WINDOWS)} (model_id, window_start, window_end, months, run_id, published_at) values (${values.join(', ')}, current_timestamp)`;
}

export function lastWindowsSql(modelIds: string[]): string {
  return `select model_id, max(window_end) as window_end from ${qualified(PARTITION_WINDOWS)} where model_id in (${modelIds.map(sqlStringLiteral).join(', ')}) group by model_id`;
}
