/**
 * SQL that differs between warehouses, found by lookup (`dialects[target.type]`), never by `if`.
 * The postgres dialect is the base; redshift overrides what Redshift does differently.
 */
import type { SetupCheck } from './setup-check';
import type { NodeConfig, Relation } from '../manifest';

export type RelationKind = 'table' | 'view';

export interface Dialect {
  readonly name: 'postgres' | 'redshift';
  /**
   * Longest staging identifier in bytes: PostgreSQL keeps 63 (NAMEDATALEN - 1); Redshift allows 127
   * (https://docs.aws.amazon.com/redshift/latest/dg/r_names.html) but its dialect keeps to 63 too, so the local
   * engine runs it unchanged.
   */
  readonly maxIdentifierBytes: number;
  /**
   * Columns of a table that the warehouse will not let `alter table … drop column` remove (Redshift: the DISTKEY and
   * SORTKEY columns from the model's `dist`/`sort` configs); empty where there are none.
   */
  undroppableColumns(config: NodeConfig): string[];
  /**
   * Widen a string column to `type` (dbt's `alter_column_type`). `ownStep`: the statements must run alone, outside any
   * transaction block (Redshift's `ALTER COLUMN … TYPE`); otherwise they run inside the merge transaction.
   * `keepsPosition`: the column stays where it was (otherwise it moves to the end of the table).
   */
  widenColumn(relation: Relation, column: string, type: string): { sqls: string[]; ownStep: boolean; keepsPosition: boolean };
  /**
   * `delete+insert` with a `unique_key` list: delete the rows of `target` whose keys the delta (aliased
   * `DBT_INTERNAL_SOURCE`) holds; `predicates` narrow it. dbt-postgres: a key tuple IN the delta's keys; dbt-redshift:
   * `delete … using` (Redshift's IN subquery takes one column).
   */
  deleteByKeyList(target: string, delta: string, keys: string[], predicates: string[]): string;
  /** Statements run once per run before any node, e.g. helper functions. */
  setupStatements(schemas: string[]): string[];
  /** A read saying which of {@link setupStatements} a run still needs (setup-check.ts); without it the setup always runs. */
  setupCheck?: SetupCheck;
  createTableAs(relation: Relation, sql: string, config: NodeConfig, options?: { temporary?: boolean }): string;
  createView(relation: Relation, sql: string, config: NodeConfig): string;
  createTable(relation: Relation, columns: { name: string; type: string }[], config: NodeConfig): string;
  drop(relation: Relation, kind: RelationKind): string;
  /**
   * Statements that put `staged` in place of `target` inside the current transaction, so a reader sees
   * either the old or the new relation and never a missing one.
   */
  swap(staged: Relation, target: Relation, kind: RelationKind, existing: RelationKind | undefined, runId?: string): string[];
  /**
   * Replace a view in one statement if the dialect can (late binding); undefined otherwise. `staged`: the run's
   * staging name, for a dialect that falls back to a staged swap inside that statement.
   */
  replaceViewInPlace(relation: Relation, sql: string, config: NodeConfig, existing: RelationKind | undefined, staged: Relation): string | undefined;
  /** The SQL type of a seed column inferred as `type`. */
  seedColumnType(type: string): string;
  /** Rows `(schema, name, kind, column)` for every table and view in `schemas`, columns of tables only. */
  catalogQuery(schemas: string[]): string;
  /** Rows `(schema, name, column, type)` for the columns of `relations`, in column order. */
  columnsQuery(relations: Relation[]): string;
  /**
   * Rows `(schema, name, privilege, grantee)`: the grants the current user gave to others on the tables and
   * views of `schemas` (the caller keeps the relations it needs); grantees as the `grants` config names them.
   */
  grantsQuery(schemas: string[]): string;
  /** `grant <privilege> on <relation> to <grantees>`; grantees as the `grants` config names them. */
  grantSql(relation: Relation, privilege: string, grantees: string[]): string;
  /** `revoke <privilege> on <relation> from <grantees>`. */
  revokeSql(relation: Relation, privilege: string, grantees: string[]): string;
}

export { stagingRelation, runToken, stagingLeftovers, STAGING_KINDS, type StagingKind } from './staging-names';
