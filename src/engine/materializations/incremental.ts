import type { ModelNode } from '../manifest';
import { qualified, quoteIdentifier } from '../render/relation';
import type { Materializer } from './plan';
import { planTable } from './table';

/**
 * An incremental model. First build, `--full-refresh`, or a view in the way: a full table build.
 * Otherwise the new rows go to a temporary table and are merged into the target in one transaction:
 * `append` inserts them; `delete+insert` first deletes the target rows whose `unique_key` (one column
 * or a list) they carry; `merge` updates matched rows and inserts the others in one MERGE. Any
 * `incremental_predicates` narrow the delete or the merge's match (dbt's `DBT_INTERNAL_DEST` and
 * `DBT_INTERNAL_SOURCE` aliases are valid in them for merge). Columns are inserted by name, using the
 * target's columns (dbt's `on_schema_change: ignore`).
 */
export const planIncremental: Materializer<ModelNode> = (input) => {
  const { node, sql, dialect, existing, fullRefresh } = input;
  const fullRefreshAllowed = node.config.full_refresh !== false;
  if (!existing || existing.kind !== 'table' || (fullRefresh && fullRefreshAllowed)) return planTable(input);

  const temp = { schema: node.relation.schema, identifier: `${node.relation.identifier.slice(0, 50)}__lf_delta` };
  const target = qualified(node.relation);
  const tempName = quoteIdentifier(temp.identifier);
  const columns = existing.columns.map(quoteIdentifier);
  const columnList = columns.join(', ');
  const keys = uniqueKeys(node.config.unique_key);
  const predicates = toList(node.config.incremental_predicates);
  const sqls = [dialect.createTableAs(temp, sql, node.config, { temporary: true })];
  const strategy = node.config.incremental_strategy;
  if (strategy === 'merge' && keys.length > 0) {
    const on = [...predicates, ...keys.map((k) => `DBT_INTERNAL_SOURCE.${quoteIdentifier(k)} = DBT_INTERNAL_DEST.${quoteIdentifier(k)}`)].map((p) => `(${p})`).join(' and ');
    sqls.push([
      `merge into ${target} as DBT_INTERNAL_DEST`,
      `using ${tempName} as DBT_INTERNAL_SOURCE`,
      `on ${on}`,
      `when matched then update set ${columns.map((c) => `${c} = DBT_INTERNAL_SOURCE.${c}`).join(', ')}`,
      `when not matched then insert (${columnList}) values (${columns.map((c) => `DBT_INTERNAL_SOURCE.${c}`).join(', ')})`,
    ].join('\n'));
  } else {
    if (strategy === 'delete+insert' && keys.length > 0) {
      const matches = keys.map((k) => `${target}.${quoteIdentifier(k)} = ${tempName}.${quoteIdentifier(k)}`).join(' and ');
      sqls.push(`delete from ${target} using ${tempName} where (${matches})${predicates.map((p) => ` and (${p})`).join('')}`);
    }
    sqls.push(`insert into ${target} (${columnList}) select ${columnList} from ${tempName}`);
  }
  sqls.push(`drop table ${tempName}`);
  return { steps: [{ sqls }] };
};

function toList(value: unknown): string[] {
  if (value === undefined || value === null || value === '') return [];
  return (Array.isArray(value) ? value : [value]).map(String);
}

/** `unique_key: id`, `unique_key: [id, kind]` or `unique_key: "id, kind"`. */
function uniqueKeys(value: unknown): string[] {
  return toList(value).flatMap((k) => k.split(',')).map((k) => k.trim()).filter(Boolean);
}
