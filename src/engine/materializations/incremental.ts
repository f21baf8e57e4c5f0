import { stagingRelation } from '../dialects/dialect';
import type { ModelNode, Relation } from '../manifest';
import { qualified, quoteIdentifier } from '../render/relation';
import type { ColumnType, FetchedColumns, Materializer, PlanStep } from './plan';
import { planTable } from './table';

/** dbt's `on_schema_change` modes that compare the new rows' columns with the target's. */
const SCHEMA_CHECKING_MODES: ReadonlySet<string> = new Set(['fail', 'append_new_columns', 'sync_all_columns']);

/**
 * An incremental model. First build, `--full-refresh`, or a view in the way: a full table build.
 * Otherwise the new rows go to a delta table and are merged into the target in one transaction:
 * `append` inserts them; `delete+insert` first deletes the target rows whose `unique_key` (one column
 * or a list) they carry; `merge` updates matched rows and inserts the others in one MERGE. Any
 * `incremental_predicates` narrow the delete or the merge's match (dbt's `DBT_INTERNAL_DEST` and
 * `DBT_INTERNAL_SOURCE` aliases are valid in them for merge).
 *
 * `on_schema_change: ignore` (the default) is one step with a temporary table, inserting the target's
 * columns. The other modes need the delta's column types, so they take two steps: the first builds the
 * delta as a table and reads the columns of delta and target (`fetchColumns`); the second, planned from
 * those columns, fails (`fail`), or adds (`append_new_columns`), or adds, drops and retypes
 * (`sync_all_columns`) the target's columns, then merges the delta's columns — as dbt does.
 */
export const planIncremental: Materializer<ModelNode> = (input) => {
  const { node, sql, dialect, existing, fullRefresh } = input;
  const fullRefreshAllowed = node.config.full_refresh !== false;
  if (!existing || existing.kind !== 'table' || (fullRefresh && fullRefreshAllowed)) return planTable(input);

  const target = node.relation;
  const onSchemaChange = String(node.config.on_schema_change ?? 'ignore');
  if (!SCHEMA_CHECKING_MODES.has(onSchemaChange)) {
    const temp = { schema: target.schema, identifier: `${target.identifier.slice(0, 50)}__lf_delta` };
    const sqls = [
      dialect.createTableAs(temp, sql, node.config, { temporary: true }),
      ...mergeSqls(node, quoteIdentifier(temp.identifier), existing.columns),
      `drop table ${quoteIdentifier(temp.identifier)}`,
    ];
    return { steps: [{ sqls }] };
  }

  const delta = stagingRelation(target, '__lf_delta');
  const build: PlanStep = {
    sqls: [dialect.drop(delta, 'table'), dialect.createTableAs(delta, sql, node.config), dialect.columnsQuery([delta, target])],
    fetchColumns: true,
  };
  if (!input.columns) return { steps: [build] };
  return { steps: [build, applySchemaChange(node, delta, input.columns, onSchemaChange)] };
};

/** How the delta's columns differ from the target's (names compared case-insensitively, like dbt's). */
export function schemaChanges(source: ColumnType[], target: ColumnType[]) {
  const byName = (columns: ColumnType[]) => new Map(columns.map((c) => [c.name.toLowerCase(), c]));
  const sourceByName = byName(source);
  const targetByName = byName(target);
  return {
    added: source.filter((c) => !targetByName.has(c.name.toLowerCase())),
    removed: target.filter((c) => !sourceByName.has(c.name.toLowerCase())),
    retyped: source.filter((c) => {
      const old = targetByName.get(c.name.toLowerCase());
      return old !== undefined && old.type !== c.type;
    }),
  };
}

function applySchemaChange(node: ModelNode, delta: Relation, columns: FetchedColumns, mode: string): PlanStep {
  const source = columns[`${delta.schema}.${delta.identifier}`] ?? [];
  const targetColumns = columns[`${node.relation.schema}.${node.relation.identifier}`] ?? [];
  const { added, removed, retyped } = schemaChanges(source, targetColumns);
  const changed = added.length + removed.length + retyped.length > 0;
  const target = qualified(node.relation);
  const dropDelta = `drop table if exists ${qualified(delta)}`;
  if (changed && mode === 'fail') {
    const describe = (label: string, list: ColumnType[]) => (list.length ? [`${label}: ${list.map((c) => c.name).join(', ')}`] : []);
    return {
      sqls: [dropDelta],
      failWith: [
        `${node.origin.file}: the source and target schemas on this incremental model are out of sync`,
        `(${[...describe('new columns', added), ...describe('removed columns', removed), ...describe('changed types', retyped)].join('; ')}).`,
        "Set on_schema_change to 'append_new_columns' or 'sync_all_columns', or run with --full-refresh.",
      ].join(' '),
    };
  }
  const alters: string[] = [];
  if (changed) {
    alters.push(...added.map((c) => `alter table ${target} add column ${quoteIdentifier(c.name)} ${c.type}`));
    if (mode === 'sync_all_columns') {
      alters.push(...removed.map((c) => `alter table ${target} drop column ${quoteIdentifier(c.name)}`));
      // dbt's alter_column_type: a new column, the values copied and cast, the old one dropped, then renamed.
      for (const c of retyped) {
        const temporary = quoteIdentifier(`${c.name}__dbt_alter`);
        alters.push(
          `alter table ${target} add column ${temporary} ${c.type}`,
          `update ${target} set ${temporary} = ${quoteIdentifier(c.name)}`,
          `alter table ${target} drop column ${quoteIdentifier(c.name)} cascade`,
          `alter table ${target} rename column ${temporary} to ${quoteIdentifier(c.name)}`,
        );
      }
    }
  }
  return { sqls: [...alters, ...mergeSqls(node, qualified(delta), source.map((c) => c.name)), dropDelta] };
}

/** The statements that merge the rows of `from` into the model's table, for its strategy. */
function mergeSqls(node: ModelNode, from: string, columnNames: string[]): string[] {
  const target = qualified(node.relation);
  const columns = columnNames.map(quoteIdentifier);
  const columnList = columns.join(', ');
  const keys = uniqueKeys(node.config.unique_key);
  const predicates = toList(node.config.incremental_predicates);
  const strategy = node.config.incremental_strategy;
  if (strategy === 'merge' && keys.length > 0) {
    const on = [...predicates, ...keys.map((k) => `DBT_INTERNAL_SOURCE.${quoteIdentifier(k)} = DBT_INTERNAL_DEST.${quoteIdentifier(k)}`)].map((p) => `(${p})`).join(' and ');
    return [[
      `merge into ${target} as DBT_INTERNAL_DEST`,
      `using ${from} as DBT_INTERNAL_SOURCE`,
      `on ${on}`,
      `when matched then update set ${columns.map((c) => `${c} = DBT_INTERNAL_SOURCE.${c}`).join(', ')}`,
      `when not matched then insert (${columnList}) values (${columns.map((c) => `DBT_INTERNAL_SOURCE.${c}`).join(', ')})`,
    ].join('\n')];
  }
  const sqls: string[] = [];
  if (strategy === 'delete+insert' && keys.length > 0) {
    const matches = keys.map((k) => `${target}.${quoteIdentifier(k)} = ${from}.${quoteIdentifier(k)}`).join(' and ');
    sqls.push(`delete from ${target} using ${from} where (${matches})${predicates.map((p) => ` and (${p})`).join('')}`);
  }
  sqls.push(`insert into ${target} (${columnList}) select ${columnList} from ${from}`);
  return sqls;
}

function toList(value: unknown): string[] {
  if (value === undefined || value === null || value === '') return [];
  return (Array.isArray(value) ? value : [value]).map(String);
}

/** `unique_key: id`, `unique_key: [id, kind]` or `unique_key: "id, kind"`. */
function uniqueKeys(value: unknown): string[] {
  return toList(value).flatMap((k) => k.split(',')).map((k) => k.trim()).filter(Boolean);
}
