/**
 * `landfall source freshness`, as dbt's `dbt source freshness`: for each selected source table with a
 * `loaded_at_field` and a `freshness` (`warn_after`/`error_after`, each `{count, period}`, optional
 * `filter`), read `max(loaded_at_field)` and the warehouse's clock, and grade the age. Table settings
 * override the source's; `freshness: null` on a table turns the check off.
 */
import type { DialectName } from '../target';
import type { SourceTable } from '../manifest';
import { qualified } from '../render/relation';

export type FreshnessPeriod = 'minute' | 'hour' | 'day';

export interface FreshnessThreshold {
  count: number;
  period: FreshnessPeriod;
}

export interface FreshnessConfig {
  warn_after?: FreshnessThreshold;
  error_after?: FreshnessThreshold;
  filter?: string;
}

/** dbt's freshness statuses; `runtime error` when the query failed or the table has no rows. */
export type FreshnessStatus = 'pass' | 'warn' | 'error' | 'runtime error';

export interface FreshnessResult {
  uniqueId: string;
  sourceName: string;
  tableName: string;
  status: FreshnessStatus;
  maxLoadedAt?: string;
  snapshottedAt?: string;
  ageSeconds?: number;
  criteria: FreshnessConfig;
  error?: string;
}

const SECONDS: Record<FreshnessPeriod, number> = { minute: 60, hour: 3600, day: 86400 };

/** The warehouse clock, in UTC, by dialect (dbt's `current_timestamp()` macro). */
const NOW_SQL: Record<DialectName, string> = {
  postgres: "(now() at time zone 'utc')",
  redshift: 'getdate()',
};

/**
 * The freshness query of one source table: its newest load time and the warehouse's time, both UTC.
 *
 * @example
 * freshnessQuery(source, 'postgres') // select max(_fivetran_synced) as max_loaded_at, … from "raw"."users"
 */
export function freshnessQuery(source: SourceTable, dialect: DialectName): string {
  const filter = source.freshness?.filter ? ` where ${source.freshness.filter}` : '';
  return `select cast(max(${source.loadedAtField}) as varchar) as max_loaded_at, cast(${NOW_SQL[dialect]} as varchar) as snapshotted_at from ${qualified(source.relation)}${filter}`;
}

/**
 * The status of an age in seconds against the thresholds: error beats warn, and an age equal to a
 * threshold is still within it (dbt's rule).
 *
 * @example
 * freshnessStatus({ warn_after: { count: 1, period: 'hour' } }, 7200) // 'warn'
 */
export function freshnessStatus(criteria: FreshnessConfig, ageSeconds: number): Exclude<FreshnessStatus, 'runtime error'> {
  const over = (threshold: FreshnessThreshold | undefined) =>
    threshold !== undefined && threshold.count !== null && ageSeconds > threshold.count * SECONDS[threshold.period];
  if (over(criteria.error_after)) return 'error';
  if (over(criteria.warn_after)) return 'warn';
  return 'pass';
}

/**
 * A warehouse timestamp as a Date: naive values (`2024-01-01 10:00:00`) are UTC, like dbt treats them;
 * offsets such as `+00` or `+02:00` are honoured.
 */
export function parseWarehouseTimestamp(value: string): Date {
  let text = value.trim().replace(' ', 'T');
  if (!text.includes('T')) text = `${text}T00:00:00`;
  const offset = /([+-]\d{2})(:?(\d{2}))?$/.exec(text);
  if (offset && text.indexOf('T') < offset.index) text = `${text.slice(0, offset.index)}${offset[1]}:${offset[3] ?? '00'}`;
  else if (!/[zZ]$/.test(text)) text = `${text}Z`;
  const date = new Date(text);
  if (Number.isNaN(date.getTime())) throw new Error(`cannot read the timestamp '${value}'`);
  return date;
}

/** Grade one table from its query's `(max_loaded_at, snapshotted_at)` row. */
export function gradeFreshness(source: SourceTable, maxLoadedAt: string | null, snapshottedAt: string): FreshnessResult {
  const base = { uniqueId: source.uniqueId, sourceName: source.sourceName, tableName: source.name, criteria: source.freshness ?? {} };
  if (maxLoadedAt === null) {
    return { ...base, status: 'runtime error', snapshottedAt, error: `max(${source.loadedAtField}) is null: ${source.sourceName}.${source.name} has no rows with a load time` };
  }
  const loaded = parseWarehouseTimestamp(maxLoadedAt);
  const now = parseWarehouseTimestamp(snapshottedAt);
  const ageSeconds = (now.getTime() - loaded.getTime()) / 1000;
  return {
    ...base, status: freshnessStatus(base.criteria, ageSeconds),
    maxLoadedAt: loaded.toISOString(), snapshottedAt: now.toISOString(), ageSeconds,
  };
}

/** Whether a source table is checked: it has a `loaded_at_field` and at least one threshold. */
export function hasFreshness(source: SourceTable): boolean {
  return Boolean(source.loadedAtField && (source.freshness?.warn_after || source.freshness?.error_after));
}
