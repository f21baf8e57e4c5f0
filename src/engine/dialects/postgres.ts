import type { NodeConfig, Relation } from '../manifest';
import { qualified, quoteIdentifier } from '../render/relation';
import { sqlStringLiteral } from '../tests/generic-tests';
import { setupCheckFor } from './setup-check';
import type { Dialect, RelationKind } from './dialect';

/**
 * PostgreSQL views bind to the tables they read: dropping a table drops (cascade) or blocks its views.
 * `landfall_swap_relation` swaps a staged relation in and recreates the dependent views from their own
 * definitions, with the grants they had, in the same transaction, so downstream views never go missing
 * nor lose their readers. Installed by setupStatements.
 */
export const SWAP_FUNCTION_SQL = `create or replace function public.landfall_swap_relation(p_schema text, p_staged text, p_target text, p_kind text)
returns void language plpgsql as $fn$
declare
  dependent record;
  privilege record;
  definitions text[] := '{}';
  existing regclass := to_regclass(format('%I.%I', p_schema, p_target));
begin
  if existing is not null then
    for dependent in
      with recursive deps(oid, depth) as (
        select r.ev_class, 1 from pg_depend d join pg_rewrite r on r.oid = d.objid
         where d.refobjid = existing and r.ev_class <> existing
        union
        select r.ev_class, deps.depth + 1 from deps join pg_depend d on d.refobjid = deps.oid
          join pg_rewrite r on r.oid = d.objid where r.ev_class <> deps.oid
      )
      select c.oid, n.nspname, c.relname, max(deps.depth) as depth
        from deps join pg_class c on c.oid = deps.oid join pg_namespace n on n.oid = c.relnamespace
       group by c.oid, n.nspname, c.relname order by max(deps.depth)
    loop
      definitions := definitions || format('create view %I.%I as %s', dependent.nspname, dependent.relname, pg_get_viewdef(dependent.oid));
      for privilege in
        select a.privilege_type, a.grantee from pg_class c, aclexplode(c.relacl) a
         where c.oid = dependent.oid and a.grantee <> c.relowner
      loop
        definitions := definitions || format('grant %s on %I.%I to %s', privilege.privilege_type, dependent.nspname, dependent.relname,
          case when privilege.grantee = 0 then 'public' else quote_ident(pg_get_userbyid(privilege.grantee)) end);
      end loop;
    end loop;
    if (select relkind from pg_class where oid = existing) = 'v' then
      execute format('drop view %I.%I cascade', p_schema, p_target);
    else
      execute format('drop table %I.%I cascade', p_schema, p_target);
    end if;
  end if;
  execute format('alter %s %I.%I rename to %I', case when p_kind = 'view' then 'view' else 'table' end, p_schema, p_staged, p_target);
  for i in 1 .. coalesce(array_length(definitions, 1), 0) loop
    execute definitions[i];
  end loop;
end
$fn$`;

/**
 * Rebuilding a view: `create or replace view` keeps dependent views bound and costs one statement; when the
 * new columns are not compatible with the old ones PostgreSQL refuses it, and the staged swap runs instead
 * (inside a subtransaction, so the failed attempt leaves nothing behind).
 */
export const REPLACE_VIEW_FUNCTION_SQL = `create or replace function public.landfall_replace_view(p_schema text, p_name text, p_sql text, p_staged text)
returns void language plpgsql as $fn$
declare
  staged text := p_staged;
begin
  begin
    execute format('create or replace view %I.%I as (%s)', p_schema, p_name, p_sql);
  exception when others then
    execute format('drop view if exists %I.%I cascade', p_schema, staged);
    execute format('create view %I.%I as (%s)', p_schema, staged, p_sql);
    perform public.landfall_swap_relation(p_schema, staged, p_name, 'view');
  end;
end
$fn$`;

const DOLLAR_TAG = '$landfall_sql$';

/** dbt's alter_column_type: a new column, the values copied and cast, the old one dropped, then renamed. */
export function addCopyDropRename(target: string, column: string, type: string): string[] {
  const temporary = quoteIdentifier(`${column}__dbt_alter`);
  return [
    `alter table ${target} add column ${temporary} ${type}`,
    `update ${target} set ${temporary} = ${quoteIdentifier(column)}`,
    `alter table ${target} drop column ${quoteIdentifier(column)} cascade`,
    `alter table ${target} rename column ${temporary} to ${quoteIdentifier(column)}`,
  ];
}

export const postgresDialect: Dialect = {
  name: 'postgres',
  maxIdentifierBytes: 63,
  undroppableColumns: () => [],
  // dbt-postgres's form, inside the merge transaction (the column moves to the end of the table).
  widenColumn: (relation, column, type) => ({ sqls: addCopyDropRename(qualified(relation), column, type), ownStep: false, keepsPosition: false }),
  deleteByKeyList: (target, delta, keys, predicates) =>
    `delete from ${target} where (${keys.join(', ')}) in (select distinct ${keys.join(', ')} from ${delta} as DBT_INTERNAL_SOURCE)${predicates.map((p) => ` and ${p}`).join('')}`,
  setupStatements: (schemas) => [
    ...schemas.map((s) => `create schema if not exists ${quoteIdentifier(s)}`),
    SWAP_FUNCTION_SQL,
    REPLACE_VIEW_FUNCTION_SQL,
  ],
  setupCheck: setupCheckFor((s) => `create schema if not exists ${quoteIdentifier(s)}`, [
    { schema: 'public', name: 'landfall_swap_relation', sql: SWAP_FUNCTION_SQL },
    { schema: 'public', name: 'landfall_replace_view', sql: REPLACE_VIEW_FUNCTION_SQL },
  ]),
  createTableAs: (relation, sql, _config, options) =>
    options?.temporary
      ? `create temporary table ${quoteIdentifier(relation.identifier)} as (\n${sql}\n)`
      : `create table ${qualified(relation)} as (\n${sql}\n)`,
  createView: (relation, sql) => `create view ${qualified(relation)} as (\n${sql}\n)`,
  createTable: (relation, columns) =>
    `create table ${qualified(relation)} (${columns.map((c) => `${quoteIdentifier(c.name)} ${c.type}`).join(', ')})`,
  drop: (relation, kind) => `drop ${kind} if exists ${qualified(relation)} cascade`,
  swap: (staged, target, kind) => [
    `select public.landfall_swap_relation(${[target.schema, staged.identifier, target.identifier, kind].map(sqlStringLiteral).join(', ')})`,
  ],
  // The fallback swap stages under the run's name (`staged`), so two runs never share a staging view.
  replaceViewInPlace: (relation, sql, _config, existing, staged) =>
    existing !== 'view' || sql.includes(DOLLAR_TAG)
      ? undefined
      : `select public.landfall_replace_view(${sqlStringLiteral(relation.schema)}, ${sqlStringLiteral(relation.identifier)}, ${DOLLAR_TAG}\n${sql}\n${DOLLAR_TAG}, ${sqlStringLiteral(staged.identifier)})`,
  seedColumnType: (type) => type,
  columnsQuery,
  // dbt-postgres's `get_show_grant_sql`, for every relation of the schemas at once. Grants to PUBLIC are not managed.
  grantsQuery: (schemas) => `select table_schema, table_name, lower(privilege_type) as privilege, grantee
  from information_schema.role_table_grants
 where grantor = current_role and grantee <> current_role and grantee <> 'PUBLIC'
   and table_schema in (${schemas.map(sqlStringLiteral).join(', ') || "''"})
 order by table_schema, table_name, privilege, grantee`,
  grantSql: (relation, privilege, grantees) => `grant ${privilege} on ${qualified(relation)} to ${grantees.map(quoteIdentifier).join(', ')}`,
  revokeSql: (relation, privilege, grantees) => `revoke ${privilege} on ${qualified(relation)} from ${grantees.map(quoteIdentifier).join(', ')}`,
  catalogQuery: (schemas) => `select n.nspname as schema_name, c.relname as relation_name,
       case c.relkind when 'v' then 'view' else 'table' end as kind,
       a.attname as column_name
  from pg_class c
  join pg_namespace n on n.oid = c.relnamespace
  left join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped and c.relkind <> 'v'
 where c.relkind in ('r', 'v', 'p')
   and n.nspname in (${schemas.map(sqlStringLiteral).join(', ') || "''"})
 order by n.nspname, c.relname, a.attnum`,
};

/** `(schema, name, column, type)` rows with types as `format_type` prints them, e.g. `character varying(12)`. */
function columnsQuery(relations: Relation[]): string {
  const wanted = relations.map((r) => `(n.nspname = ${sqlStringLiteral(r.schema)} and c.relname = ${sqlStringLiteral(r.identifier)})`).join(' or ');
  return `select n.nspname as schema_name, c.relname as relation_name, a.attname as column_name,
       format_type(a.atttypid, a.atttypmod) as data_type
  from pg_class c
  join pg_namespace n on n.oid = c.relnamespace
  join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
 where c.relkind in ('r', 'p') and (${wanted || 'false'})
 order by n.nspname, c.relname, a.attnum`;
}

export function relationKindOf(config: NodeConfig): RelationKind {
  return config.materialized === 'view' ? 'view' : 'table';
}

export type { Relation };
