/**
 * The SQL of monthly partitions that differs between warehouses, by lookup on the dialect's name.
 * PostgreSQL: a CHECK constraint per month table and unfiltered view branches, so the planner flattens the
 * UNION ALL and `constraint_exclusion = partition` (the default) skips the months a date filter excludes;
 * expired months are archived to a local schema.
 * Redshift: no CHECK constraints (the branch predicates and sort keys prune), UNLOAD to S3.
 */
import type { Dialect } from '../../dialects';
import type { Relation } from '../../manifest';
import { qualified, quoteIdentifier } from '../../render/relation';
import { sqlStringLiteral } from '../../tests/generic-tests';

export interface PartitionDialect {
  /** Whether each branch of the view filters its own month (else the month tables' constraints do). */
  readonly branchFilters: boolean;
  /** Statements run after a month table is built, e.g. its range constraint. */
  afterMonthBuilt(table: Relation, predicate: string): string[];
  /** An empty month table shaped like `like` (columns and, on Redshift, dist and sort keys; not its constraints). */
  createEmptyMonth(table: Relation, like: Relation): string;
  /** Copy an expiring month out of the warehouse before it is dropped. */
  unloadMonth(table: Relation, prefix: string, iamRole: string | undefined): string[];
}

/** Where the local warehouse keeps the months it "unloads" (PostgreSQL cannot write to S3). */
export const LOCAL_ARCHIVE_SCHEMA = 'landfall_archive';

const postgres: PartitionDialect = {
  branchFilters: false,
  afterMonthBuilt: (table, predicate) => [`alter table ${qualified(table)} add constraint lf_month_range check (${predicate})`],
  createEmptyMonth: (table, like) => `create table ${qualified(table)} (like ${qualified(like)})`,
  unloadMonth: (table) => {
    const archived: Relation = { schema: LOCAL_ARCHIVE_SCHEMA, identifier: `${table.schema}__${table.identifier}`.slice(0, 63) };
    return [
      `create schema if not exists ${quoteIdentifier(LOCAL_ARCHIVE_SCHEMA)}`,
      `drop table if exists ${qualified(archived)}`,
      `create table ${qualified(archived)} as select * from ${qualified(table)}`,
    ];
  },
};

const redshift: PartitionDialect = {
  branchFilters: true,
  afterMonthBuilt: () => [],
  // LIKE copies the distribution and sort keys.
  createEmptyMonth: (table, like) => `create table ${qualified(table)} (like ${qualified(like)})`,
  unloadMonth: (table, prefix, iamRole) => [
    `unload (${sqlStringLiteral(`select * from ${qualified(table)}`)}) to ${sqlStringLiteral(`${prefix}${table.identifier}/`)} iam_role ${iamRole ? sqlStringLiteral(iamRole) : 'default'} format as parquet allowoverwrite`,
  ],
};

const partitionDialects: Record<Dialect['name'], PartitionDialect> = { postgres, redshift };

export function partitionDialectOf(dialect: Dialect): PartitionDialect {
  return partitionDialects[dialect.name];
}
