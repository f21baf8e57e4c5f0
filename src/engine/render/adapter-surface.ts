/**
 * The part of dbt's `adapter` and `api` that asks the warehouse: `adapter.get_columns_in_relation`,
 * `get_relation`, `load_relation`, `get_missing_columns`, `expand_target_column_types`, `drop_relation`,
 * `create_schema`, `execute`, … A render cannot wait for the warehouse, so every question is a catalog
 * query through the render's {@link QuerySession}, run by the engine between render passes exactly like
 * `run_query` (run/run-time-queries.ts; in AWS, through the Redshift Data API). At parse time there is no
 * session and dbt's parse-time answers apply: no columns, no relation, no statement run.
 *
 * The catalog SQL follows what dbt-postgres and dbt-redshift ask: `information_schema.columns` in column
 * order (on Redshift, plus `pg_get_late_binding_view_cols()`, because a late-binding view's columns are not
 * in the information schema: https://docs.aws.amazon.com/redshift/latest/dg/PG_GET_LATE_BINDING_VIEW_COLS.html),
 * and the relations of a schema from `pg_class` (tables, partitioned tables, views, materialized views).
 */
import type { DialectName, Target } from '../target';
import { Column } from './column';
import { leadingKeyword, type QuerySession, type StoredQueryResult } from './query-session';
import { AgateTable } from './agate-table';
import { quoteIdentifier, RelationRef, type RelationType } from './relation';

/** A SQL string literal. Names reach catalog SQL only as literals, never as SQL text. */
function literal(value: unknown): string {
  return `'${String(value).replace(/'/g, "''")}'`;
}

function argumentsByName(args: unknown[], names: readonly string[]): Record<string, unknown> {
  const last = args[args.length - 1];
  const keywords = last !== null && typeof last === 'object' && Object.prototype.hasOwnProperty.call(last, '__keywords') ? (last as Record<string, unknown>) : undefined;
  const positional = keywords ? args.slice(0, -1) : args;
  const byName: Record<string, unknown> = {};
  names.forEach((name, i) => {
    if (i < positional.length) byName[name] = positional[i];
  });
  if (keywords) for (const [key, value] of Object.entries(keywords)) if (key !== '__keywords') byName[key] = value;
  return byName;
}

/**
 * The columns of one relation: `(column_name, data_type, character_maximum_length, numeric_precision,
 * numeric_scale)` in column order, as dbt's `get_columns_in_relation` macro for the dialect returns them.
 */
export function columnsInRelationSql(type: DialectName, schema: string, identifier: string): string {
  const fields = `column_name::varchar as column_name, data_type::varchar as data_type, character_maximum_length::int as character_maximum_length,
         numeric_precision::int as numeric_precision, numeric_scale::int as numeric_scale`;
  const where = `where table_schema = ${literal(schema)} and table_name = ${literal(identifier)}`;
  if (type === 'postgres') return `select ${fields}\n    from information_schema.columns\n   ${where}\n   order by ordinal_position`;
  const bound = `select ordinal_position, ${fields}\n    from information_schema.columns\n   ${where}`;
  // Late-binding views: the type comes as text, e.g. `character varying(200)` or `numeric(8,2)`.
  const lateBinding = `select col_num as ordinal_position, col_name::varchar as column_name,
         case when col_type like 'character varying%' then 'character varying'
              when col_type like 'character%' then 'character'
              when col_type like 'numeric%' then 'numeric' else col_type end::varchar as data_type,
         case when col_type like 'character%' then nullif(regexp_substr(col_type, '[0-9]+'), '')::int end as character_maximum_length,
         case when col_type like 'numeric%' then nullif(split_part(regexp_substr(col_type, '[0-9,]+'), ',', 1), '')::int end as numeric_precision,
         case when col_type like 'numeric%' then nullif(split_part(regexp_substr(col_type, '[0-9,]+'), ',', 2), '')::int end as numeric_scale
    from pg_get_late_binding_view_cols() cols(view_schema name, view_name name, col_name name, col_type varchar, col_num int)
   where view_schema = ${literal(schema)} and view_name = ${literal(identifier)}`;
  return `select column_name, data_type, character_maximum_length, numeric_precision, numeric_scale from (\n${bound}\n union all\n${lateBinding}\n) relation_columns order by ordinal_position`;
}

/**
 * The relations of schemas matching `schema` (case-insensitively, as dbt lists a schema), optionally only
 * the one named `identifier`: `(schema_name, relation_name, relation_type)`.
 */
export function relationsInSchemaSql(schema: string, identifier?: string): string {
  return `select n.nspname::varchar as schema_name, c.relname::varchar as relation_name,
       case c.relkind when 'v' then 'view' when 'm' then 'materialized_view' else 'table' end as relation_type
  from pg_class c
  join pg_namespace n on n.oid = c.relnamespace
 where c.relkind in ('r', 'p', 'v', 'm') and lower(n.nspname) = lower(${literal(schema)})${identifier === undefined ? '' : ` and c.relname = ${literal(identifier)}`}
 order by c.relname`;
}

export interface AdapterSurfaceInputs {
  target: Target;
  /** Absent at parse time: then questions get dbt's parse-time answers and statements do not run. */
  queries: QuerySession | undefined;
}

/**
 * `adapter` members that reach the warehouse, `api.Relation`/`api.Column`, and `load_relation`, for one render.
 *
 * @example
 * const { adapter, api, load_relation } = adapterSurface({ target, queries });
 */
export function adapterSurface(inputs: AdapterSurfaceInputs): { adapter: Record<string, unknown>; api: Record<string, unknown>; load_relation: (relation: unknown) => RelationRef | null } {
  const { target, queries } = inputs;
  const ask = (sql: string): StoredQueryResult | undefined => queries?.run(sql, true);
  const runStatement = (sql: string): void => {
    queries?.run(sql, false);
  };

  /** A relation the warehouse holds, printing its three parts (as `ref()` does). */
  const warehouseRelation = (database: unknown, schema: string, identifier: string, type: RelationType | null): RelationRef => {
    const db = database === null || database === undefined || database === '' ? target.database : String(database);
    return new RelationRef(schema, identifier, db, {}, undefined, type);
  };

  const relationArgument = (value: unknown, method: string): RelationRef => {
    if (!(value instanceof RelationRef)) throw new Error(`adapter.${method}() needs a relation (from ref(), source(), this or api.Relation.create), got ${value === null || value === undefined ? 'None' : typeof value}`);
    return value;
  };

  const getColumnsInRelation = (relationArg: unknown): Column[] => {
    const relation = relationArgument(relationArg, 'get_columns_in_relation');
    const result = ask(columnsInRelationSql(target.type, relation.schema, relation.identifier));
    return (result?.rows ?? []).map((row) => new Column(String(row[0]), String(row[1]), row[2], row[3], row[4], target.type));
  };

  const listRelations = (schema: string, identifier?: string): RelationRef[] =>
    (ask(relationsInSchemaSql(schema, identifier))?.rows ?? [])
      .map((row) => warehouseRelation(undefined, String(row[0]), String(row[1]), String(row[2]) as RelationType));

  const getRelation = (...args: unknown[]): RelationRef | null => {
    const given = argumentsByName(args, ['database', 'schema', 'identifier']);
    const schema = String(given.schema ?? target.schema);
    const identifier = String(given.identifier ?? '');
    const found = listRelations(schema, identifier);
    if (found.length > 1) throw new Error(`get_relation returned more than one relation with the given args: ${found.join(', ')}`);
    return found.length === 1 ? warehouseRelation(given.database, found[0]!.schema, found[0]!.identifier, found[0]!.type) : null;
  };

  const loadRelation = (relationArg: unknown): RelationRef | null => {
    const relation = relationArgument(relationArg, 'load_relation');
    return getRelation(relation.database ?? null, relation.schema, relation.identifier);
  };

  // dbt's api.Relation.create: the parts given, printed (no database given: none printed).
  const createRelation = (...args: unknown[]): RelationRef => RelationRef.create(...args);

  const adapter: Record<string, unknown> = {
    get_columns_in_relation: getColumnsInRelation,
    get_relation: getRelation,
    load_relation: loadRelation,
    already_exists: (schema: unknown, name: unknown) => getRelation(null, schema, name) !== null,
    list_relations_without_caching: (schemaRelation: unknown) => listRelations(relationArgument(schemaRelation, 'list_relations_without_caching').schema),
    check_schema_exists: (_database: unknown, schema: unknown) =>
      Number(ask(`select count(*) from pg_namespace where lower(nspname) = lower(${literal(schema)})`)?.rows[0]?.[0] ?? 0) > 0,
    list_schemas: () => (ask('select nspname::varchar from pg_namespace order by 1')?.rows ?? []).map((row) => String(row[0])),
    get_missing_columns: (from: unknown, to: unknown) => {
      const present = new Set(getColumnsInRelation(to).map((c) => c.name));
      return getColumnsInRelation(from).filter((c) => !present.has(c.name));
    },
    expand_target_column_types: (...args: unknown[]) => {
      const given = argumentsByName(args, ['from_relation', 'to_relation']);
      const to = relationArgument(given.to_relation, 'expand_target_column_types');
      const reference = new Map(getColumnsInRelation(given.from_relation).map((c) => [c.name, c]));
      for (const current of getColumnsInRelation(to)) {
        const wider = reference.get(current.name);
        if (wider && current.can_expand_to(wider)) {
          runStatement(`alter table ${to.include({ database: false }).render()} alter column ${quoteIdentifier(current.name)} type ${Column.string_type(wider.string_size())}`);
        }
      }
      return '';
    },
    drop_relation: (relationArg: unknown) => {
      const relation = relationArgument(relationArg, 'drop_relation');
      if (relation.type === null) throw new Error(`adapter.drop_relation(${relation.render()}): the relation's type is not known; use this.incorporate(type='table') or adapter.get_relation`);
      runStatement(`drop ${relation.type === 'materialized_view' ? 'materialized view' : relation.type} if exists ${relation.render()} cascade`);
      return '';
    },
    truncate_relation: (relationArg: unknown) => {
      runStatement(`truncate table ${relationArgument(relationArg, 'truncate_relation').render()}`);
      return '';
    },
    rename_relation: (fromArg: unknown, toArg: unknown) => {
      const from = relationArgument(fromArg, 'rename_relation');
      runStatement(`alter table ${from.render()} rename to ${quoteIdentifier(relationArgument(toArg, 'rename_relation').identifier)}`);
      return '';
    },
    create_schema: (relationArg: unknown) => {
      runStatement(`create schema if not exists ${quoteIdentifier(relationArgument(relationArg, 'create_schema').schema)}`);
      return '';
    },
    drop_schema: (relationArg: unknown) => {
      runStatement(`drop schema if exists ${quoteIdentifier(relationArgument(relationArg, 'drop_schema').schema)} cascade`);
      return '';
    },
    /** `adapter.execute(sql, auto_begin=False, fetch=False)` → (response, table). */
    execute: (...args: unknown[]) => {
      const given = argumentsByName(args, ['sql', 'auto_begin', 'fetch']);
      const sql = String(given.sql);
      const fetch = Boolean(given.fetch);
      const result = queries?.run(sql, fetch);
      const code = leadingKeyword(sql);
      const response = { _message: `${code} ${result?.rowsAffected ?? 0}`, code, rows_affected: result?.rowsAffected ?? 0 };
      return [response, fetch && result ? AgateTable.of(result) : AgateTable.empty()];
    },
    quote_as_configured: (identifier: unknown) => quoteIdentifier(String(identifier)),
    quote_seed_column: (column: unknown, quote: unknown) => (quote === false ? String(column) : quoteIdentifier(String(column))),
    commit: () => '',
  };
  const relationApi = Object.assign(createRelation, {
    create: createRelation,
    add_ephemeral_prefix: (name: unknown) => `__dbt__cte__${String(name)}`,
  });
  const columnApi = Object.assign((...args: unknown[]) => {
    const given = argumentsByName(args, ['column', 'dtype', 'char_size', 'numeric_precision', 'numeric_scale']);
    return new Column(String(given.column), String(given.dtype), given.char_size, given.numeric_precision, given.numeric_scale, target.type);
  }, {
    create: (name: unknown, dtype: unknown) => Column.create(name, dtype),
    translate_type: (dtype: unknown) => Column.translate_type(dtype),
    string_type: (size: unknown) => Column.string_type(size),
    numeric_type: (dtype: unknown, precision: unknown, scale: unknown) => Column.numeric_type(dtype, precision, scale),
  });
  adapter.Relation = relationApi;
  adapter.Column = columnApi;
  return { adapter, api: { Relation: relationApi, Column: columnApi }, load_relation: loadRelation };
}
