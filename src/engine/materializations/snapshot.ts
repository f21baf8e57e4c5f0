/**
 * A snapshot (dbt's type-2 slowly changing dimension), in the SQL of dbt-core 1.10's snapshot materialization
 * with dbt-postgres' update+insert merge, which Redshift runs as it is (UPDATE … FROM, no MERGE):
 *
 * - First build: `create table … as select *, dbt_scd_id, dbt_updated_at, dbt_valid_from, dbt_valid_to
 *   [, dbt_is_deleted] from (<snapshot query>)`. `--full-refresh` does not rebuild a snapshot, as in dbt.
 * - Later builds, two steps: the snapshot query becomes a table (`__lf_delta`) whose columns are read with the
 *   target's (`fetchColumns`); then, in one transaction, the target's strings are widened and the query's new
 *   columns added, the changes table (`__lf_new`: dbt's staging table with `insert`/`update`/`delete` rows) is
 *   built, the current rows it closes get their `dbt_valid_to`, and its `insert` rows are inserted.
 *
 * Strategies: `timestamp` (a row changed when its `updated_at` is after the current version's `dbt_valid_from`) and
 * `check` (a `check_cols` column differs, nulls included; a column the target lacks counts every row changed).
 * Hard deletes: `ignore`, `invalidate` (close the current version), `new_record` (also insert a deleted version).
 */
import type { Dialect } from '../dialects';
import type { ModelNode, NodeConfig, Relation } from '../manifest';
import { qualified, quoteIdentifier } from '../render/relation';
import type { ColumnType, Materializer, PlanStep } from './plan';
import { stringExpansions } from './incremental';
import type { SnapshotSettings } from './snapshot-config';
import { dropLeftovers, stagedFor } from './staging';

/** dbt's `snapshot_get_time()`: postgres `now()::timestamp without time zone`; redshift `getdate()` as a timestamp. */
export function snapshotTime(dialect: Dialect): string {
  return dialect.name === 'redshift' ? 'cast(getdate() as timestamp)' : 'now()::timestamp without time zone';
}

const settingsOf = (node: ModelNode) => node.config as unknown as SnapshotSettings & NodeConfig;
const keyList = (key: string | string[]) => (Array.isArray(key) ? key : [key]);

/** dbt's `snapshot_hash_arguments`: md5 of the arguments cast to varchar, nulls as '', joined by '|'. */
function hashArguments(args: string[]): string {
  return `md5(${args.map((a) => `coalesce(cast(${a} as varchar ), '')`).join(" || '|' || ")})`;
}

function strategyExpressions(node: ModelNode, dialect: Dialect) {
  const s = settingsOf(node);
  const updatedAt = s.updated_at ?? snapshotTime(dialect);
  return { updatedAt, scdId: hashArguments([...keyList(s.unique_key), updatedAt]) };
}

function validToCurrent(s: SnapshotSettings, updatedAt: string): string {
  return `coalesce(nullif(${updatedAt}, ${updatedAt}), ${s.dbt_valid_to_current ?? 'null'})`;
}

/** dbt's `build_snapshot_table`: the first build's select. */
export function buildSnapshotTableSql(node: ModelNode, sql: string, dialect: Dialect): string {
  const s = settingsOf(node);
  const c = s.snapshot_table_column_names;
  const { updatedAt, scdId } = strategyExpressions(node, dialect);
  return [
    'select *,',
    `    ${scdId} as ${c.dbt_scd_id},`,
    `    ${updatedAt} as ${c.dbt_updated_at},`,
    `    ${updatedAt} as ${c.dbt_valid_from},`,
    `    ${validToCurrent(s, updatedAt)} as ${c.dbt_valid_to}${s.hard_deletes === 'new_record' ? `,\n    'False' as ${c.dbt_is_deleted}` : ''}`,
    `from (\n${sql}\n) sbq`,
  ].join('\n');
}

export const planSnapshot: Materializer<ModelNode> = (input) => {
  const { node, sql, dialect, existing } = input;
  const cleanup = dropLeftovers(input, node.relation.schema);
  if (!existing) return { steps: [{ sqls: [...cleanup, dialect.createTableAs(node.relation, buildSnapshotTableSql(node, sql, dialect), node.config)] }] };
  if (existing.kind !== 'table') {
    return { steps: [{ sqls: [], failWith: `${node.origin.file}: snapshot '${node.name}' must be a table, but ${qualified(node.relation)} is a ${existing.kind}; drop it and run again` }] };
  }
  const delta = stagedFor(input, node.relation, 'delta');
  const build: PlanStep = {
    sqls: [...cleanup, dialect.drop(delta, 'table'), dialect.createTableAs(delta, sql, tableConfig(node)), dialect.columnsQuery([delta, node.relation])],
    fetchColumns: true,
  };
  if (!input.columns) return { steps: [build], keepsRelation: true };
  const source = input.columns[`${delta.schema}.${delta.identifier}`] ?? [];
  const target = input.columns[`${node.relation.schema}.${node.relation.identifier}`] ?? [];
  const changes = stagedFor(input, node.relation, 'new');
  return { steps: [build, ...mergeSteps(node, dialect, delta, changes, source, target)], keepsRelation: true };
};

function tableConfig(node: ModelNode): NodeConfig {
  return { materialized: 'table', tags: [], enabled: true, ...(node.config.dist ? { dist: node.config.dist } : {}) };
}

function mergeSteps(node: ModelNode, dialect: Dialect, delta: Relation, changes: Relation, source: ColumnType[], target: ColumnType[]): PlanStep[] {
  const s = settingsOf(node);
  const c = s.snapshot_table_column_names;
  const targetNames = new Set(target.map((t) => t.name.toLowerCase()));
  // dbt's expand_target_column_types, then create_columns for what the query added (the changes table's types).
  const widenings = stringExpansions(source, target).map((col) => dialect.widenColumn(node.relation, col.name, col.type));
  const added = source.filter((col) => !targetNames.has(col.name.toLowerCase()));
  const alters = [
    ...widenings.filter((w) => !w.ownStep).flatMap((w) => w.sqls),
    ...added.map((col) => `alter table ${qualified(node.relation)} add column ${quoteIdentifier(col.name)} ${col.type}`),
    ...(s.hard_deletes === 'new_record' && !targetNames.has(c.dbt_is_deleted.toLowerCase()) ? [`alter table ${qualified(node.relation)} add column ${quoteIdentifier(c.dbt_is_deleted)} text`] : []),
  ];
  const insertColumns = [...source.map((col) => col.name), c.dbt_updated_at, c.dbt_valid_from, c.dbt_valid_to, c.dbt_scd_id, ...(s.hard_deletes === 'new_record' ? [c.dbt_is_deleted] : [])]
    .map(quoteIdentifier).join(', ');
  const t = qualified(node.relation);
  const currentRow = s.dbt_valid_to_current ? `(${t}.${c.dbt_valid_to} = ${s.dbt_valid_to_current} or ${t}.${c.dbt_valid_to} is null)` : `${t}.${c.dbt_valid_to} is null`;
  return [
    ...widenings.filter((w) => w.ownStep).map((w) => ({ sqls: w.sqls })),
    {
      sqls: [
        ...alters,
        dialect.drop(changes, 'table'),
        dialect.createTableAs(changes, stagingSql(node, dialect, delta, source, target), tableConfig(node)),
        [
          `update ${t}`,
          `set ${c.dbt_valid_to} = DBT_INTERNAL_SOURCE.${c.dbt_valid_to}`,
          `from ${qualified(changes)} as DBT_INTERNAL_SOURCE`,
          `where cast(DBT_INTERNAL_SOURCE.${c.dbt_scd_id} as varchar) = cast(${t}.${c.dbt_scd_id} as varchar)`,
          "  and cast(DBT_INTERNAL_SOURCE.dbt_change_type as varchar) in ('update', 'delete')",
          `  and ${currentRow}`,
        ].join('\n'),
        `insert into ${t} (${insertColumns})\nselect ${insertColumns.split(', ').map((col) => `DBT_INTERNAL_SOURCE.${col}`).join(', ')}\nfrom ${qualified(changes)} as DBT_INTERNAL_SOURCE\nwhere cast(DBT_INTERNAL_SOURCE.dbt_change_type as varchar) = 'insert'`,
        dialect.drop(changes, 'table'),
        dialect.drop(delta, 'table'),
      ],
    },
  ];
}

/** dbt's `snapshot_staging_table`, reading the snapshot query from its table. */
export function stagingSql(node: ModelNode, dialect: Dialect, delta: Relation, source: ColumnType[], target: ColumnType[]): string {
  const s = settingsOf(node);
  const c = s.snapshot_table_column_names;
  const keys = keyList(s.unique_key);
  const isList = Array.isArray(s.unique_key);
  const keyFields = isList ? keys.map((k, i) => `${k} as dbt_unique_key_${i + 1}`).join(', ') : `${keys[0]} as dbt_unique_key`;
  const keyName = isList ? 'dbt_unique_key_1' : 'dbt_unique_key';
  const joinOn = (a: string, b: string) => (isList ? keys.map((_, i) => `${a}.dbt_unique_key_${i + 1} = ${b}.dbt_unique_key_${i + 1}`).join(' and ') : `${a}.dbt_unique_key = ${b}.dbt_unique_key`);
  const { updatedAt, scdId } = strategyExpressions(node, dialect);
  const now = snapshotTime(dialect);
  const newRecord = s.hard_deletes === 'new_record';
  const tracksDeletes = s.hard_deletes !== 'ignore';
  const current = s.dbt_valid_to_current;
  const isCurrent = (alias: string) => (current ? `${alias}.${c.dbt_valid_to} = ${current}` : `${alias}.${c.dbt_valid_to} is null`);
  const rowChanged = `${rowChangedSql(node, source, target)}${newRecord ? ` or snapshotted_data.${c.dbt_is_deleted} = 'True'` : ''}`;
  const targetNames = new Set(target.map((t) => t.name));
  const ctes = [
    `snapshot_query as (\n    select * from ${qualified(delta)}\n)`,
    `snapshotted_data as (\n    select *, ${keyFields}\n    from ${qualified(node.relation)}\n    where ${current ? `(${c.dbt_valid_to} = ${current} or ${c.dbt_valid_to} is null)` : `${c.dbt_valid_to} is null`}\n)`,
    `insertions_source_data as (\n    select *, ${keyFields},\n        ${updatedAt} as ${c.dbt_updated_at},\n        ${updatedAt} as ${c.dbt_valid_from},\n        ${validToCurrent(s, updatedAt)} as ${c.dbt_valid_to},\n        ${scdId} as ${c.dbt_scd_id}\n    from snapshot_query\n)`,
    `updates_source_data as (\n    select *, ${keyFields},\n        ${updatedAt} as ${c.dbt_updated_at},\n        ${updatedAt} as ${c.dbt_valid_from},\n        ${updatedAt} as ${c.dbt_valid_to}\n    from snapshot_query\n)`,
    ...(tracksDeletes ? [`deletes_source_data as (\n    select *, ${keyFields}\n    from snapshot_query\n)`] : []),
    `insertions as (\n    select 'insert' as dbt_change_type, source_data.*${newRecord ? `, 'False' as ${c.dbt_is_deleted}` : ''}\n    from insertions_source_data as source_data\n    left outer join snapshotted_data on ${joinOn('snapshotted_data', 'source_data')}\n    where snapshotted_data.${keyName} is null\n       or (snapshotted_data.${keyName} is not null and (${rowChanged}))\n)`,
    `updates as (\n    select 'update' as dbt_change_type, source_data.*, snapshotted_data.${c.dbt_scd_id}${newRecord ? `, snapshotted_data.${c.dbt_is_deleted}` : ''}\n    from updates_source_data as source_data\n    join snapshotted_data on ${joinOn('snapshotted_data', 'source_data')}\n    where (${rowChanged})\n)`,
  ];
  const notAlreadyDeleted = newRecord ? `\n      and not (snapshotted_data.${c.dbt_is_deleted} = 'True' and ${isCurrent('snapshotted_data')})` : '';
  if (tracksDeletes) {
    ctes.push(`deletes as (\n    select 'delete' as dbt_change_type, source_data.*,\n        ${now} as ${c.dbt_valid_from},\n        ${now} as ${c.dbt_updated_at},\n        ${now} as ${c.dbt_valid_to},\n        snapshotted_data.${c.dbt_scd_id}${newRecord ? `, snapshotted_data.${c.dbt_is_deleted}` : ''}\n    from snapshotted_data\n    left join deletes_source_data as source_data on ${joinOn('snapshotted_data', 'source_data')}\n    where source_data.${keyName} is null${notAlreadyDeleted}\n)`);
  }
  if (newRecord) {
    const columns = source.map((col) => `${targetNames.has(col.name) ? 'snapshotted_data' : 'source_data'}.${quoteIdentifier(col.name)}`);
    const keyColumns = isList ? keys.map((k, i) => `snapshotted_data.${k} as dbt_unique_key_${i + 1}`) : ['snapshotted_data.dbt_unique_key as dbt_unique_key'];
    ctes.push(`deletion_records as (\n    select 'insert' as dbt_change_type, ${[...columns, ...keyColumns].join(', ')},\n        ${now} as ${c.dbt_valid_from},\n        ${now} as ${c.dbt_updated_at},\n        snapshotted_data.${c.dbt_valid_to} as ${c.dbt_valid_to},\n        ${hashArguments([c.dbt_scd_id, now])} as ${c.dbt_scd_id},\n        'True' as ${c.dbt_is_deleted}\n    from snapshotted_data\n    left join deletes_source_data as source_data on ${joinOn('snapshotted_data', 'source_data')}\n    where source_data.${keyName} is null${notAlreadyDeleted}\n)`);
  }
  const selects = ['insertions', 'updates', ...(tracksDeletes ? ['deletes'] : []), ...(newRecord ? ['deletion_records'] : [])];
  return `with ${ctes.join(',\n')}\n${selects.map((n) => `select * from ${n}`).join('\nunion all\n')}`;
}

/** The strategy's `row_changed` between `snapshotted_data` (the current version) and `source_data` (the query's row). */
function rowChangedSql(node: ModelNode, source: ColumnType[], target: ColumnType[]): string {
  const s = settingsOf(node);
  if (s.strategy === 'timestamp') return `(snapshotted_data.${s.snapshot_table_column_names.dbt_valid_from} < source_data.${s.updated_at})`;
  const targetNames = new Set(target.map((t) => t.name.toLowerCase()));
  // Listed columns are matched to the query's as the warehouse folds them (dbt reads them back from a query).
  const checked = s.check_cols === 'all' ? source.map((col) => col.name)
    : (s.check_cols ?? []).map((col) => source.find((sc) => sc.name.toLowerCase() === col.toLowerCase())?.name ?? col);
  if (checked.some((col) => !targetNames.has(col.toLowerCase()))) return '(TRUE)';
  const clauses = checked.map(quoteIdentifier).map((col) =>
    `snapshotted_data.${col} != source_data.${col} or (((snapshotted_data.${col} is null) and not (source_data.${col} is null)) or ((not snapshotted_data.${col} is null) and (source_data.${col} is null)))`);
  return `(${clauses.join(' or ')})`;
}
