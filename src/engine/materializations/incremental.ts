import type { Dialect } from '../dialects';
import { addCopyDropRename } from '../dialects/postgres';
import type { ModelNode, Relation } from '../manifest';
import { qualified, quoteIdentifier } from '../render/relation';
import type { ColumnType, FetchedColumns, Materializer, PlanStep } from './plan';
import { dropLeftovers, stagedFor } from './staging';
import { planTable } from './table';

/** dbt's `on_schema_change` modes that compare the new rows' columns with the target's. */
const SCHEMA_CHECKING_MODES: ReadonlySet<string> = new Set(['fail', 'append_new_columns', 'sync_all_columns']);

/**
 * An incremental model. First build, `--full-refresh`, or a view in the way: a full table build.
 * Otherwise the new rows go to a delta table and are merged into the target in one transaction:
 * `append` inserts them; `delete+insert` first deletes the target rows whose `unique_key` (one column
 * or a list) they carry; `merge` updates matched rows (all columns, or `merge_update_columns`, or all
 * but `merge_exclude_columns`) and inserts the others in one MERGE. Any `incremental_predicates`
 * narrow the delete or the merge's match (dbt's `DBT_INTERNAL_DEST` and `DBT_INTERNAL_SOURCE` aliases
 * are valid in them).
 *
 * It takes two steps, as dbt's materialization does: the first builds the delta as a table and reads
 * the columns of delta and target (`fetchColumns`); the second, planned from those columns, widens the
 * target's string columns the delta has longer (dbt's `expand_target_column_types`, whatever the
 * `on_schema_change`), then, for `on_schema_change`, fails (`fail`), or adds (`append_new_columns`), or
 * adds, drops and retypes (`sync_all_columns`) the target's columns, then merges the delta.
 */
export const planIncremental: Materializer<ModelNode> = (input) => {
  const { node, sql, dialect, existing, fullRefresh } = input;
  const fullRefreshAllowed = node.config.full_refresh !== false;
  if (!existing || existing.kind !== 'table' || (fullRefresh && fullRefreshAllowed)) return planTable(input);

  const target = node.relation;
  const onSchemaChange = String(node.config.on_schema_change ?? 'ignore');
  const delta = stagedFor(input, target, 'delta');
  const build: PlanStep = {
    sqls: [...dropLeftovers(input, target.schema), dialect.drop(delta, 'table'), dialect.createTableAs(delta, sql, node.config), dialect.columnsQuery([delta, target])],
    fetchColumns: true,
  };
  if (!input.columns) return { steps: [build], keepsRelation: true };
  return { steps: [build, ...applySchemaChange(node, dialect, delta, input.columns, onSchemaChange)], keepsRelation: true };
};

/**
 * The length dbt gives a string column type (`text` and an unsized `character varying` count as 256),
 * or undefined for a type that is not a string.
 */
export function stringSize(type: string): number | undefined {
  const match = /^(text|character varying|varchar|character|char|bpchar)(?:\((\d+)\))?$/i.exec(type.trim());
  if (!match) return undefined;
  return match[1]!.toLowerCase() === 'text' || match[2] === undefined ? 256 : Number(match[2]);
}

/** A column type as dbt's postgres `Column.data_type` spells it: sized strings become `character varying(n)`. */
function dbtDataType(type: string): string {
  const size = stringSize(type);
  if (size === undefined || /^text$/i.test(type.trim()) || /^character varying$/i.test(type.trim())) return type;
  return `character varying(${size})`;
}

/** Whether a string column of type `from` fits in a longer string column of type `to` (dbt's `can_expand_to`). */
function canExpandTo(from: string, to: string): boolean {
  const [fromSize, toSize] = [stringSize(from), stringSize(to)];
  return fromSize !== undefined && toSize !== undefined && toSize > fromSize;
}

/**
 * dbt's `expand_target_column_types`: the target's string columns that the delta has longer, with the
 * `character varying(n)` type each is widened to.
 */
export function stringExpansions(source: ColumnType[], target: ColumnType[]): ColumnType[] {
  const sourceByName = new Map(source.map((c) => [c.name, c]));
  return target.flatMap((t) => {
    const s = sourceByName.get(t.name);
    return s && canExpandTo(t.type, s.type) ? [{ name: t.name, type: `character varying(${stringSize(s.type)!})` }] : [];
  });
}

/** How the delta's columns differ from the target's (names compared case-insensitively, like dbt's). */
export function schemaChanges(source: ColumnType[], target: ColumnType[]) {
  const byName = (columns: ColumnType[]) => new Map(columns.map((c) => [c.name.toLowerCase(), c]));
  const sourceByName = byName(source);
  const targetByName = byName(target);
  return {
    added: source.filter((c) => !targetByName.has(c.name.toLowerCase())).map((c) => ({ name: c.name, type: dbtDataType(c.type) })),
    removed: target.filter((c) => !sourceByName.has(c.name.toLowerCase())),
    retyped: source.filter((c) => {
      const old = targetByName.get(c.name.toLowerCase());
      return old !== undefined && dbtDataType(old.type) !== dbtDataType(c.type) && !canExpandTo(c.type, old.type);
    }).map((c) => ({ name: c.name, type: dbtDataType(c.type) })),
  };
}

/**
 * The steps after the delta is built: widenings the dialect runs on their own (Redshift's `alter column … type`,
 * which cannot run in a transaction block), then one transaction that alters the target's columns for
 * `on_schema_change`, merges the delta and drops it. A change the warehouse refuses (dropping or retyping a
 * DISTKEY/SORTKEY column) fails the node with what to do instead, before anything is altered.
 */
function applySchemaChange(node: ModelNode, dialect: Dialect, delta: Relation, columns: FetchedColumns, mode: string): PlanStep[] {
  const source = columns[`${delta.schema}.${delta.identifier}`] ?? [];
  const fetchedTarget = columns[`${node.relation.schema}.${node.relation.identifier}`] ?? [];
  const target = qualified(node.relation);
  const dropDelta = `drop table if exists ${qualified(delta)}`;
  const fail = (message: string): PlanStep[] => [{ sqls: [dropDelta], failWith: message }];
  if (node.config.merge_update_columns && node.config.merge_exclude_columns) {
    return fail(`${node.origin.file}: a model cannot set both merge_update_columns and merge_exclude_columns; keep one`);
  }
  // dbt widens first, whatever on_schema_change says.
  const expansions = stringExpansions(source, fetchedTarget);
  const widenings = expansions.map((c) => dialect.widenColumn(node.relation, c.name, c.type));
  const ownSteps: PlanStep[] = widenings.filter((w) => w.ownStep).map((w) => ({ sqls: w.sqls }));
  const inTransaction = widenings.filter((w) => !w.ownStep).flatMap((w) => w.sqls);
  // A column widened by add-copy-drop-rename moves to the end of the table; one altered in place stays.
  const moved = new Set(expansions.filter((_, i) => !widenings[i]!.keepsPosition).map((c) => c.name));
  const widened = new Map(expansions.map((c) => [c.name, c]));
  const targetColumns = [...fetchedTarget.filter((c) => !moved.has(c.name)).map((c) => widened.get(c.name) ?? c), ...expansions.filter((c) => moved.has(c.name))];
  if (!SCHEMA_CHECKING_MODES.has(mode)) {
    // dbt inserts the table's columns from the new rows: one they lack fails the statement. Failing here
    // instead also drops the delta, which a failed transaction would leave behind.
    const missing = targetColumns.filter((t) => !source.some((c) => c.name === t.name));
    if (missing.length > 0) {
      return fail(`${node.origin.file}: the new rows lack the column${missing.length > 1 ? 's' : ''} ${missing.map((c) => `"${c.name}"`).join(', ')} of the table `
        + "(on_schema_change is 'ignore', so dbt's insert fails the same way). Set on_schema_change to 'append_new_columns' or 'sync_all_columns', or run with --full-refresh.");
    }
    return [...ownSteps, { sqls: [...inTransaction, ...mergeSqls(node, dialect, delta, targetColumns.map((c) => c.name)), dropDelta] }];
  }
  const { added, removed, retyped } = schemaChanges(source, targetColumns);
  const changed = added.length + removed.length + retyped.length > 0;
  if (changed && mode === 'fail') {
    const describe = (label: string, list: ColumnType[]) => (list.length ? [`${label}: ${list.map((c) => c.name).join(', ')}`] : []);
    return fail([
      `${node.origin.file}: the source and target schemas on this incremental model are out of sync`,
      `(${[...describe('new columns', added), ...describe('removed columns', removed), ...describe('changed types', retyped)].join('; ')}).`,
      "Set on_schema_change to 'append_new_columns' or 'sync_all_columns', or run with --full-refresh.",
    ].join(' '));
  }
  const alters = [...inTransaction];
  if (changed) {
    alters.push(...added.map((c) => `alter table ${target} add column ${quoteIdentifier(c.name)} ${c.type}`));
    if (mode === 'sync_all_columns') {
      const keys = new Set(dialect.undroppableColumns(node.config).map((k) => k.toLowerCase()));
      const blocked = [...removed.map((c) => ({ c, what: 'remove' })), ...retyped.map((c) => ({ c, what: 'change the type of' }))].filter(({ c }) => keys.has(c.name.toLowerCase()));
      if (blocked.length > 0) {
        return fail(`${node.origin.file}: on_schema_change 'sync_all_columns' would ${blocked.map(({ c, what }) => `${what} "${c.name}"`).join(' and ')}, `
          + `a distribution or sort key column of ${target}, which ${dialect.name} cannot drop or alter in place. Run with --full-refresh to rebuild the table.`);
      }
      alters.push(...removed.map((c) => `alter table ${target} drop column ${quoteIdentifier(c.name)}`));
      for (const c of retyped) alters.push(...addCopyDropRename(target, c.name, c.type));
    }
  }
  return [...ownSteps, { sqls: [...alters, ...mergeSqls(node, dialect, delta, source.map((c) => c.name)), dropDelta] }];
}

/**
 * The statements that merge the rows of the delta table into the model's table, for its strategy, in
 * dbt-redshift's forms, which PostgreSQL runs too: MERGE names no alias for its target (Redshift allows one on the
 * source only, https://docs.aws.amazon.com/redshift/latest/dg/r_MERGE.html) and its source is a table; a key list
 * deletes in the dialect's form (dbt-redshift: `delete … using`). dbt's `DBT_INTERNAL_DEST.` in
 * `incremental_predicates` is written as the target table's name.
 */
function mergeSqls(node: ModelNode, dialect: Dialect, delta: Relation, columnNames: string[]): string[] {
  const target = qualified(node.relation);
  const from = qualified(delta);
  const columns = columnNames.map(quoteIdentifier);
  const columnList = columns.join(', ');
  const keys = uniqueKeys(node.config.unique_key);
  const predicates = toList(node.config.incremental_predicates).map((p) => p.replace(/\bDBT_INTERNAL_DEST\./gi, `${target}.`));
  // No strategy set: the adapter's default, delete+insert with a unique_key, else append (as dbt-postgres/redshift).
  const strategy = node.config.incremental_strategy ?? (keys.length > 0 ? 'delete+insert' : 'append');
  if (strategy === 'merge' && keys.length > 0) {
    const on = [...predicates, ...keys.map((k) => `DBT_INTERNAL_SOURCE.${quoteIdentifier(k)} = ${target}.${quoteIdentifier(k)}`)].map((p) => `(${p})`).join(' and ');
    const updated = mergeUpdateColumns(node, columnNames);
    return [[
      `merge into ${target}`,
      `using ${from} as DBT_INTERNAL_SOURCE`,
      `on ${on}`,
      `when matched then update set ${updated.map((c) => `${c} = DBT_INTERNAL_SOURCE.${c}`).join(', ')}`,
      `when not matched then insert (${columnList}) values (${columns.map((c) => `DBT_INTERNAL_SOURCE.${c}`).join(', ')})`,
    ].join('\n')];
  }
  const sqls: string[] = [];
  if (strategy === 'delete+insert' && keys.length === 1) {
    sqls.push(`delete from ${target} where (${keys[0]}) in (select distinct ${keys[0]} from ${from} as DBT_INTERNAL_SOURCE)${predicates.map((p) => ` and ${p}`).join('')}`);
  } else if (strategy === 'delete+insert' && keys.length > 1) {
    sqls.push(dialect.deleteByKeyList(target, from, keys, predicates));
  }
  sqls.push(`insert into ${target} (${columnList}) select ${columnList} from ${from}`);
  return sqls;
}

/** The columns a merge updates: `merge_update_columns` as written, or every column but `merge_exclude_columns`. */
function mergeUpdateColumns(node: ModelNode, columnNames: string[]): string[] {
  const only = toList(node.config.merge_update_columns);
  if (only.length > 0) return only;
  const excluded = new Set(toList(node.config.merge_exclude_columns).map((c) => c.toLowerCase()));
  return columnNames.filter((c) => !excluded.has(c.toLowerCase())).map(quoteIdentifier);
}

function toList(value: unknown): string[] {
  if (value === undefined || value === null || value === '') return [];
  return (Array.isArray(value) ? value : [value]).map(String);
}

/** `unique_key: id`, `unique_key: [id, kind]` or `unique_key: "id, kind"`. */
function uniqueKeys(value: unknown): string[] {
  return toList(value).flatMap((k) => k.split(',')).map((k) => k.trim()).filter(Boolean);
}
