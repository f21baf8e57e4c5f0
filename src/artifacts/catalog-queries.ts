/**
 * The catalog SQL `generateCatalog` sends, per dialect. Schema names reach the SQL only as string literals
 * (they come from the compiled project, never from an event).
 *
 * PostgreSQL/PGlite: `pg_catalog` (relations, columns with `format_type`, comments, owner), the planner's row
 * estimate (`reltuples`, -1 before the first ANALYZE) and `pg_total_relation_size`.
 * Redshift: the same `pg_catalog` columns for tables and bound views, `PG_GET_LATE_BINDING_VIEW_COLS()` for
 * late-binding views (their columns are in no catalog table:
 * https://docs.aws.amazon.com/redshift/latest/dg/PG_GET_LATE_BINDING_VIEW_COLS.html), and `SVV_TABLE_INFO` for row
 * counts and sizes (`tbl_rows`, `size` in 1 MB blocks; no row for an empty table; visible to superusers and to users
 * granted SELECT on it: https://docs.aws.amazon.com/redshift/latest/dg/r_SVV_TABLE_INFO.html).
 */
import type { DialectName } from '../engine/target';

export function sqlLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

function schemaList(schemas: string[]): string {
  return schemas.length ? schemas.map(sqlLiteral).join(', ') : "''";
}

/** Rows: table_schema, table_name, table_type, table_comment, table_owner, column_name, column_index, column_type, column_comment. */
export function columnsCatalogQuery(dialect: DialectName, schemas: string[]): string {
  const bound = `select n.nspname::varchar as table_schema, c.relname::varchar as table_name,
       case c.relkind when 'v' then 'VIEW' when 'm' then 'MATERIALIZED VIEW' else 'BASE TABLE' end as table_type,
       pg_catalog.obj_description(c.oid, 'pg_class')::varchar as table_comment,
       pg_catalog.pg_get_userbyid(c.relowner)::varchar as table_owner,
       a.attname::varchar as column_name, a.attnum::int as column_index,
       pg_catalog.format_type(a.atttypid, a.atttypmod)::varchar as column_type,
       pg_catalog.col_description(c.oid, a.attnum)::varchar as column_comment
  from pg_catalog.pg_class c
  join pg_catalog.pg_namespace n on n.oid = c.relnamespace
  join pg_catalog.pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
 where c.relkind in ('r', 'v', 'm', 'p')
   and n.nspname in (${schemaList(schemas)})`;
  if (dialect !== 'redshift') return `${bound}\n order by 1, 2, 7`;
  const lateBinding = `select view_schema::varchar, view_name::varchar, 'LATE BINDING VIEW', null::varchar, null::varchar,
       col_name::varchar, col_num::int, col_type::varchar, null::varchar
  from pg_get_late_binding_view_cols() cols(view_schema name, view_name name, col_name name, col_type varchar, col_num int)
 where view_schema in (${schemaList(schemas)})`;
  return `select * from (\n${bound}\n union all\n${lateBinding}\n) catalog_columns order by 1, 2, 7`;
}

/** Rows: table_schema, table_name, row_count, bytes (null when the warehouse does not know). */
export function statsCatalogQuery(dialect: DialectName, schemas: string[]): string {
  if (dialect === 'redshift') {
    return `select "schema"::varchar as table_schema, "table"::varchar as table_name, tbl_rows::bigint as row_count,
       (size::bigint * 1048576) as bytes
  from svv_table_info
 where "schema" in (${schemaList(schemas)})
 order by 1, 2`;
  }
  return `select n.nspname::varchar as table_schema, c.relname::varchar as table_name,
       case when c.reltuples >= 0 then c.reltuples::bigint end as row_count,
       pg_catalog.pg_total_relation_size(c.oid)::bigint as bytes
  from pg_catalog.pg_class c
  join pg_catalog.pg_namespace n on n.oid = c.relnamespace
 where c.relkind in ('r', 'm', 'p')
   and n.nspname in (${schemaList(schemas)})
 order by 1, 2`;
}
