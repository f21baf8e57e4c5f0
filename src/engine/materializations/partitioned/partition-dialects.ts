/**
 * The SQL of monthly partitions that differs between warehouses, by lookup on the dialect's name.
 * PostgreSQL: a CHECK constraint per month table (and `is null` on the NULL-partition table) and unfiltered view
 * branches, so the planner flattens the UNION ALL and `constraint_exclusion = partition` (the default) skips the
 * months a date filter excludes; an index on the partition field (and on the unique_key) so a daily merge reads
 * the day, not the month; expired months are archived to a local schema.
 * Redshift: no CHECK constraints (the branch predicates and the sort key prune), a default compound sort key led
 * by the partition field, UNLOAD to S3 with CLEANPATH, `getdate()`.
 */
import type { Dialect } from '../../dialects';
import type { NodeConfig, Relation } from '../../manifest';
import { qualified, quoteIdentifier } from '../../render/relation';
import { sqlStringLiteral } from '../../tests/generic-tests';

export interface PartitionDialect {
  /** Whether each branch of the view filters its own month (else the month tables' constraints do). */
  readonly branchFilters: boolean;
  /**
   * The current time in a statement that writes a user table. Redshift lists CURRENT_TIMESTAMP among the
   * deprecated leader-node-only functions, which fail in a query that references user tables
   * (https://docs.aws.amazon.com/redshift/latest/dg/c_SQL_functions_leader_node_only.html); dbt-redshift uses getdate().
   */
  readonly now: string;
  /** Statements run after a month table is built: its range constraint and indexes (PostgreSQL). */
  afterMonthBuilt(table: Relation, field: string, predicate: string, keys: string[]): string[];
  /** Statements run after the delta is built: PostgreSQL analyzes it, so its planner probes the month tables' indexes for a day's keys instead of scanning months. */
  afterDeltaBuilt(delta: Relation): string[];
  /**
   * Delete from `table` the rows whose unique_key the delta brings. `routed(prefix)` is the predicate on the delta's
   * rows that are published, its columns prefixed with `prefix`.
   */
  deleteKeys(table: Relation, delta: Relation, keys: string[], routed: (prefix: string) => string): string;
  /**
   * Statements that make the rest of a merge's transaction probe indexes rather than scan months. PostgreSQL's planner
   * scans a month table whenever a day's keys are more than a few percent of it (day 27 of a month with a 3-day
   * lookback: a sixth), which makes the daily run cost the month; Redshift has no indexes (zone maps on the sort key).
   */
  readonly probeByIndex: string[];
  /** Whether `table` holds a key the delta's published rows bring (a boolean SQL expression). */
  holdsKeys(table: Relation, delta: Relation, keys: string[], routed: (prefix: string) => string): string;
  /** Statements run after the NULL-partition table is built. */
  afterNullsBuilt(table: Relation, field: string, keys: string[]): string[];
  /** An empty month table shaped like `like` (columns and, on Redshift, dist and sort keys; not its constraints). */
  createEmptyMonth(table: Relation, like: Relation): string;
  /** Copy an expiring month out of the warehouse before it is dropped. */
  unloadMonth(table: Relation, prefix: string, iamRole: string | undefined): string[];
  /** The model's config for its month tables: on Redshift, a compound sort key led by the partition field unless the model sets `sort`. */
  monthTableConfig(config: NodeConfig, field: string): NodeConfig;
  /** Where a rotation's archive of `table` lands, for messages. */
  archiveTarget(table: Relation, prefix: string | undefined): string;
  /** A query whose one value is the role UNLOAD will use (NULL or no row: none), when the warehouse can tell. */
  unloadRoleQuery(iamRole: string | undefined): string | undefined;
}

/** Where the local warehouse keeps the months it "unloads" (PostgreSQL cannot write to S3). */
export const LOCAL_ARCHIVE_SCHEMA = 'landfall_archive';

const localArchive = (table: Relation): Relation => ({ schema: LOCAL_ARCHIVE_SCHEMA, identifier: `${table.schema}__${table.identifier}`.slice(0, 63) });

const indexes = (table: Relation, columns: string[]) => columns.map((c) => `create index on ${qualified(table)} (${quoteIdentifier(c)})`);

const deleteKeysUsing: PartitionDialect['deleteKeys'] = (table, delta, keys, routed) => {
  // dbt-redshift's delete+insert form (`delete … using`).
  const d = qualified(delta);
  return `delete from ${qualified(table)} using ${d} where ${keys.map((k) => `${d}.${quoteIdentifier(k)} = ${qualified(table)}.${quoteIdentifier(k)}`).join(' and ')} and ${routed(d)}`;
};

const holdsKeysJoin: PartitionDialect['holdsKeys'] = (table, delta, keys, routed) => {
  const d = qualified(delta);
  return `exists (select 1 from ${qualified(table)} as lf_old join ${d} on ${keys.map((k) => `${d}.${quoteIdentifier(k)} = lf_old.${quoteIdentifier(k)}`).join(' and ')} where ${routed(d)})`;
};

const postgres: PartitionDialect = {
  branchFilters: false,
  now: 'current_timestamp',
  afterMonthBuilt: (table, field, predicate, keys) => [
    `alter table ${qualified(table)} add constraint lf_month_range check (${quoteIdentifier(field)} is not null and ${predicate})`,
    ...indexes(table, [field, ...keys.filter((k) => k !== field)]),
  ],
  afterDeltaBuilt: (delta) => [`analyze ${qualified(delta)}`],
  probeByIndex: ['set local enable_seqscan = off'],
  // `= any(array(…))`: one index probe per key of the day, where a join would scan the whole month to hash it.
  deleteKeys: (table, delta, keys, routed) => keys.length === 1
    ? `delete from ${qualified(table)} where ${quoteIdentifier(keys[0]!)} = any(array(select ${quoteIdentifier(keys[0]!)} from ${qualified(delta)} where ${routed('')}))`
    : deleteKeysUsing(table, delta, keys, routed),
  holdsKeys: (table, delta, keys, routed) => keys.length === 1
    ? `exists (select 1 from ${qualified(table)} where ${quoteIdentifier(keys[0]!)} = any(array(select ${quoteIdentifier(keys[0]!)} from ${qualified(delta)} where ${routed('')})))`
    : holdsKeysJoin(table, delta, keys, routed),
  afterNullsBuilt: (table, field, keys) => [`alter table ${qualified(table)} add constraint lf_month_range check (${quoteIdentifier(field)} is null)`, ...indexes(table, keys)],
  createEmptyMonth: (table, like) => `create table ${qualified(table)} (like ${qualified(like)})`,
  unloadMonth: (table) => [
    `create schema if not exists ${quoteIdentifier(LOCAL_ARCHIVE_SCHEMA)}`,
    `drop table if exists ${qualified(localArchive(table))}`,
    `create table ${qualified(localArchive(table))} as select * from ${qualified(table)}`,
  ],
  monthTableConfig: (config) => config,
  archiveTarget: (table) => `${LOCAL_ARCHIVE_SCHEMA}.${localArchive(table).identifier} (a copy in a local schema: the local warehouse cannot UNLOAD to S3)`,
  unloadRoleQuery: () => undefined, // the local copy uses no role
};

const redshift: PartitionDialect = {
  branchFilters: true,
  now: 'getdate()',
  afterMonthBuilt: () => [],
  afterDeltaBuilt: () => [],
  probeByIndex: [],
  deleteKeys: deleteKeysUsing,
  holdsKeys: holdsKeysJoin,
  afterNullsBuilt: () => [],
  // LIKE copies the distribution and sort keys.
  createEmptyMonth: (table, like) => `create table ${qualified(table)} (like ${qualified(like)})`,
  // CLEANPATH removes the files already under the prefix first, so a retried or repeated archive leaves one copy
  // of the month, never duplicate part files (https://docs.aws.amazon.com/redshift/latest/dg/r_UNLOAD.html); the
  // role needs s3:DeleteObject on the prefix for it.
  unloadMonth: (table, prefix, iamRole) => [
    `unload (${sqlStringLiteral(`select * from ${qualified(table)}`)}) to ${sqlStringLiteral(`${prefix}${table.identifier}/`)} iam_role ${iamRole ? sqlStringLiteral(iamRole) : 'default'} format as parquet cleanpath`,
  ],
  // The AWS time-series pattern: a sort key on the time column lets zone maps skip every block outside a date filter.
  monthTableConfig: (config, field) => (config.sort === undefined ? { ...config, sort: [field], sort_type: 'compound' } : config),
  archiveTarget: (table, prefix) => `${prefix ?? ''}${table.identifier}/`,
  // `iam_role default` needs a default role associated with the cluster; DEFAULT_IAM_ROLE() returns none without
  // one (https://docs.aws.amazon.com/redshift/latest/dg/r_DEFAULT_IAM_ROLE.html). An explicit ARN cannot be checked
  // from SQL (its attachment and S3 permissions are IAM's): UNLOAD itself reports those.
  unloadRoleQuery: (iamRole) => (iamRole ? undefined : 'select default_iam_role()'),
};

const partitionDialects: Record<Dialect['name'], PartitionDialect> = { postgres, redshift };

export function partitionDialectOf(dialect: Dialect): PartitionDialect {
  return partitionDialects[dialect.name];
}
