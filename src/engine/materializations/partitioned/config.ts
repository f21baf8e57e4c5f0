/**
 * The configs of a monthly-partitioned model, next to dbt's own:
 *
 *   {{ config(materialized='incremental', partition_by={'field': 'created_at', 'granularity': 'month'},
 *             retention_months=24, unload_before_drop='s3://archive/fct_transfers/', window_lookback_days=7) }}
 *
 * - `partition_by.field`: the timestamp or date column that decides a row's month.
 * - `partition_by.granularity`: `month` (the only one).
 * - `retention_months`: months kept, the current one included; older month tables are dropped by rotation.
 * - `unload_before_drop`: an S3 prefix; rotation UNLOADs a month there before dropping it.
 * - `unload_iam_role`: the role UNLOAD uses (default: the cluster's default role).
 * - `window_lookback_days`: a run's window starts this many days before the newest partition value already
 *   published (the data's watermark, not the clock), for rows that arrive late (default 3).
 * - `partition_timezone`: the IANA zone the partition field's wall-clock times are in (default UTC); the run's
 *   window end and "the current month" are read in that zone.
 * - `partition_nulls`: where rows whose partition field is NULL go: `table` (default: the `<model>__pnull` table,
 *   part of the view) or `fail` (the run fails, counting them).
 * - `late_rows`: what a run does with new rows outside its window (older than the window start, or past its
 *   end): `fail` (default: nothing is published; the message counts them and gives the backfill command) or `skip`.
 * - `on_schema_change`: dbt's (`ignore`, `append_new_columns`, `sync_all_columns`, `fail`), applied to every month.
 */
import { ProjectError } from '../../errors';
import type { NodeConfig } from '../../manifest';

export interface PartitionConfig {
  field: string;
  granularity: 'month';
  retentionMonths?: number;
  unloadBeforeDrop?: string;
  unloadIamRole?: string;
  windowLookbackDays: number;
  timezone: string;
  nulls: 'table' | 'fail';
  lateRows: 'fail' | 'skip';
  onSchemaChange: 'ignore' | 'append_new_columns' | 'sync_all_columns' | 'fail';
}

/** Days a run's window reaches back before the newest published partition value when the model sets none. */
export const DEFAULT_LOOKBACK_DAYS = 3;

/** Months a first build covers when the model sets no `retention_months`. */
export const DEFAULT_HISTORY_MONTHS = 12;

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_$]*$/;

/** The partition settings of a node's config, or undefined when the model is not partitioned. */
export function partitionConfigOf(config: NodeConfig): PartitionConfig | undefined {
  const by = config.partition_by as { field?: string } | undefined;
  if (!by || typeof by !== 'object') return undefined;
  return {
    field: String(by.field),
    granularity: 'month',
    retentionMonths: config.retention_months === undefined ? undefined : Number(config.retention_months),
    unloadBeforeDrop: config.unload_before_drop as string | undefined,
    unloadIamRole: config.unload_iam_role as string | undefined,
    windowLookbackDays: Number(config.window_lookback_days ?? DEFAULT_LOOKBACK_DAYS),
    timezone: String(config.partition_timezone ?? 'UTC'),
    nulls: config.partition_nulls === 'fail' ? 'fail' : 'table',
    lateRows: config.late_rows === 'skip' ? 'skip' : 'fail',
    onSchemaChange: (config.on_schema_change as PartitionConfig['onSchemaChange'] | undefined) ?? 'ignore',
  };
}

/** Is this model stored as one table per month? */
export function isPartitionedModel(node: { resourceType: string; config: NodeConfig }): boolean {
  return node.resourceType === 'model' && partitionConfigOf(node.config) !== undefined;
}

/**
 * Check the partition configs of one model at compile time, with errors that say what to write instead.
 * Does nothing for a model without `partition_by`.
 *
 * @example
 * validatePartitionConfig({ materialized: 'incremental', partition_by: { field: 'created_at', granularity: 'month' } }, 'models/fct.sql')
 */
export function validatePartitionConfig(values: Record<string, unknown>, file: string): void {
  const by = values.partition_by;
  const others = ['retention_months', 'unload_before_drop', 'unload_iam_role', 'window_lookback_days', 'partition_timezone', 'partition_nulls', 'late_rows'].filter((k) => values[k] !== undefined);
  if (by === undefined || by === null) {
    if (others.length) throw new ProjectError(file, `${others.join(', ')} only apply to a model with partition_by={'field': …, 'granularity': 'month'}`);
    return;
  }
  const fail = (detail: string) => {
    throw new ProjectError(file, `partition_by: ${detail}`);
  };
  if (typeof by !== 'object' || Array.isArray(by)) fail(`expected {'field': 'created_at', 'granularity': 'month'}, got ${JSON.stringify(by)}`);
  const { field, granularity, ...rest } = by as Record<string, unknown>;
  if (values.materialized !== 'incremental') fail(`needs materialized='incremental' (got '${String(values.materialized)}')`);
  if (typeof field !== 'string' || !IDENTIFIER.test(field)) fail(`'field' must name a timestamp or date column, got ${JSON.stringify(field)}`);
  if (granularity !== undefined && String(granularity).toLowerCase() !== 'month') fail(`granularity '${String(granularity)}' is not supported (use 'month')`);
  const unknown = Object.keys(rest).filter((k) => k !== 'data_type');
  if (unknown.length) fail(`unknown key${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `'${k}'`).join(', ')} (known: field, granularity, data_type)`);
  const retention = values.retention_months;
  if (retention !== undefined && !(Number.isInteger(retention) && (retention as number) >= 1)) {
    throw new ProjectError(file, `retention_months must be a whole number of months ≥ 1, got ${JSON.stringify(retention)}`);
  }
  const unload = values.unload_before_drop;
  if (unload !== undefined && (typeof unload !== 'string' || !/^s3:\/\/[a-z0-9.-]{3,63}\/.*\/$/.test(unload))) {
    throw new ProjectError(file, `unload_before_drop must be an S3 prefix ending in '/', e.g. 's3://my-archive/fct_transfers/', got ${JSON.stringify(unload)}`);
  }
  if (unload !== undefined && retention === undefined) throw new ProjectError(file, 'unload_before_drop needs retention_months (nothing is dropped without it)');
  const lookback = values.window_lookback_days;
  if (lookback !== undefined && !(Number.isInteger(lookback) && (lookback as number) >= 0)) {
    throw new ProjectError(file, `window_lookback_days must be a whole number ≥ 0, got ${JSON.stringify(lookback)}`);
  }
  const zone = values.partition_timezone;
  if (zone !== undefined && (typeof zone !== 'string' || !isTimeZone(zone))) {
    throw new ProjectError(file, `partition_timezone must be an IANA time zone such as 'America/Los_Angeles' or 'UTC', got ${JSON.stringify(zone)}`);
  }
  const oneOf = (key: string, allowed: string[]) => {
    if (values[key] !== undefined && !allowed.includes(String(values[key]))) {
      throw new ProjectError(file, `${key} must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${JSON.stringify(values[key])}`);
    }
  };
  oneOf('partition_nulls', ['table', 'fail']);
  oneOf('late_rows', ['fail', 'skip']);
  oneOf('on_schema_change', ['ignore', 'append_new_columns', 'sync_all_columns', 'fail']);
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
