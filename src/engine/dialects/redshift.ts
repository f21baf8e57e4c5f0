import type { NodeConfig, Relation } from '../manifest';
import { qualified, quoteIdentifier } from '../render/relation';
import { stagingRelation, type Dialect } from './dialect';
import { sqlStringLiteral } from '../tests/generic-tests';
import { postgresDialect } from './postgres';
import { setupCheckFor } from './setup-check';

/** `DISTSTYLE/DISTKEY/SORTKEY/BACKUP` from a model's config, in CREATE TABLE order. */
export function physicalDesign(config: NodeConfig): string {
  const parts: string[] = [];
  if (config.backup === false) parts.push('backup no');
  const dist = config.dist?.trim();
  if (dist) {
    const style = dist.toLowerCase();
    parts.push(['all', 'even', 'auto'].includes(style) ? `diststyle ${style}` : `diststyle key distkey(${quoteIdentifier(dist)})`);
  }
  const sort = config.sort === undefined ? [] : Array.isArray(config.sort) ? config.sort : [config.sort];
  if (sort.length) {
    const sortType = String(config.sort_type ?? 'compound').toLowerCase() === 'interleaved' ? 'interleaved' : 'compound';
    parts.push(`${sortType} sortkey(${sort.map((c) => quoteIdentifier(String(c))).join(', ')})`);
  }
  return parts.length ? ` ${parts.join(' ')}` : '';
}

/**
 * Redshift: physical design on tables, late-binding views (`with no schema binding`, schema-qualified
 * relations) that survive their tables being swapped, and a plain rename swap.
 */
export const redshiftDialect: Dialect = {
  ...postgresDialect,
  name: 'redshift',
  // Redshift allows 127 bytes (r_names); staging names keep to PostgreSQL's 63 so that the local engine runs the
  // Redshift dialect with the same names (PostgreSQL would cut longer ones and two staging names could meet).
  maxIdentifierBytes: 63,
  undroppableColumns: (config) => keyColumns(config),
  // https://docs.aws.amazon.com/redshift/latest/dg/r_ALTER_TABLE.html: `ALTER COLUMN … TYPE` changes the size of a
  // VARCHAR column in place (a DISTKEY/SORTKEY column too, which DROP COLUMN refuses) and can't run within a
  // transaction block: its own step, which the Data API runs as a single ExecuteStatement (autocommit).
  widenColumn: (relation, column, type) => ({
    sqls: [`alter table ${qualified(relation)} alter column ${quoteIdentifier(column)} type ${redshiftVarchar(type)}`],
    ownStep: true,
    keepsPosition: true,
  }),
  // https://docs.aws.amazon.com/redshift/latest/dg/r_in_condition.html: an IN table_subquery "is limited to only one
  // column in its select list"; dbt-redshift's form joins the delta instead.
  deleteByKeyList: (target, delta, keys, predicates) =>
    `delete from ${target} using ${delta} as DBT_INTERNAL_SOURCE where ${[...keys.map((k) => `${target}.${k} = DBT_INTERNAL_SOURCE.${k}`), ...predicates].join(' and ')}`,
  setupStatements: (schemas) => schemas.map((s) => `create schema if not exists ${quoteIdentifier(s)}`),
  setupCheck: setupCheckFor((s) => `create schema if not exists ${quoteIdentifier(s)}`, []),
  createTableAs: (relation, sql, config, options) =>
    options?.temporary
      ? `create temporary table ${quoteIdentifier(relation.identifier)}${physicalDesign(config)} as (\n${sql}\n)`
      : `create table ${qualified(relation)}${physicalDesign(config)} as (\n${sql}\n)`,
  createView: (relation, sql, config) =>
    `create view ${qualified(relation)} as (\n${sql}\n)${config.bind === true ? '' : ' with no schema binding'}`,
  createTable: (relation, columns, config) =>
    `create table ${qualified(relation)} (${columns.map((c) => `${quoteIdentifier(c.name)} ${c.type}`).join(', ')})${physicalDesign(config)}`,
  // Redshift renames views with ALTER TABLE too.
  swap: (staged, target, kind, existing, runId) => {
    const backup = stagingRelation(target, 'old', runId, 63);
    return [
      `drop ${existing ?? kind} if exists ${qualified(backup)} cascade`,
      ...(existing ? [`alter table ${qualified(target)} rename to ${quoteIdentifier(backup.identifier)}`] : []),
      `alter table ${qualified(staged)} rename to ${quoteIdentifier(target.identifier)}`,
      ...(existing ? [`drop ${existing} ${qualified(backup)} cascade`] : []),
    ];
  },
  // Never `create or replace view` over an existing view: Redshift refuses it unless the new query has the identical
  // columns ("You can only replace a view with a new query that generates the identical set of columns, using the
  // same column names and data types", https://docs.aws.amazon.com/redshift/latest/dg/r_CREATE_VIEW.html, no
  // exception documented for late-binding views), and a model's columns change. Staged and swapped, as dbt-redshift.
  replaceViewInPlace: () => undefined,
  seedColumnType: (type) => (type === 'text' ? 'varchar(65535)' : type),
  // Users, groups and roles alike (SVV_RELATION_PRIVILEGES), named as the grants config names them.
  grantsQuery: (schemas) => `select namespace_name, relation_name, lower(privilege_type) as privilege,
       case identity_type when 'group' then 'group:' || identity_name when 'role' then 'role:' || identity_name else identity_name end as grantee
  from svv_relation_privileges
 where identity_type in ('user', 'group', 'role') and not (identity_type = 'user' and identity_name = current_user)
   and namespace_name in (${schemas.map(sqlStringLiteral).join(', ') || "''"})
 order by 1, 2, 3, 4`,
  grantSql: (relation, privilege, grantees) => `grant ${privilege} on ${qualified(relation)} to ${grantees.map(redshiftGrantee).join(', ')}`,
  revokeSql: (relation, privilege, grantees) => `revoke ${privilege} on ${qualified(relation)} from ${grantees.map(redshiftGrantee).join(', ')}`,
};

/** The DISTKEY column and SORTKEY columns of a model's config, as written. */
export function keyColumns(config: NodeConfig): string[] {
  const dist = config.dist?.trim();
  const sort = config.sort === undefined ? [] : Array.isArray(config.sort) ? config.sort.map(String) : [String(config.sort)];
  return [...(dist && !['all', 'even', 'auto'].includes(dist.toLowerCase()) ? [dist] : []), ...sort];
}

/** `character varying(300)` → `varchar(300)` (Redshift's spelling; both parse). */
function redshiftVarchar(type: string): string {
  return type.replace(/^character varying/i, 'varchar');
}

/** `group:analysts` → `group "analysts"`, `role:reporter` → `role "reporter"`, a user → `"name"` (dbt-redshift's prefixes). */
export function redshiftGrantee(grantee: string): string {
  const prefixed = /^(group|role|user):(.*)$/.exec(grantee);
  if (!prefixed) return quoteIdentifier(grantee);
  return prefixed[1] === 'user' ? quoteIdentifier(prefixed[2]!) : `${prefixed[1]} ${quoteIdentifier(prefixed[2]!)}`;
}
