import type { ModelNode } from '../manifest';
import { qualified, quoteIdentifier } from '../render/relation';
import type { Materializer } from './plan';
import { planTable } from './table';

/**
 * An incremental model. First build, `--full-refresh`, or a view in the way: a full table build.
 * Otherwise the new rows go to a temporary table and are merged into the target in one transaction:
 * `append` inserts them; `delete+insert` first deletes the target rows whose `unique_key` they carry.
 * Columns are inserted by name, using the target's columns (dbt's `on_schema_change: ignore`).
 */
export const planIncremental: Materializer<ModelNode> = (input) => {
  const { node, sql, dialect, existing, fullRefresh } = input;
  const fullRefreshAllowed = node.config.full_refresh !== false;
  if (!existing || existing.kind !== 'table' || (fullRefresh && fullRefreshAllowed)) return planTable(input);

  const temp = { schema: node.relation.schema, identifier: `${node.relation.identifier.slice(0, 50)}__lf_delta` };
  const target = qualified(node.relation);
  const tempName = quoteIdentifier(temp.identifier);
  const columns = existing.columns.map(quoteIdentifier).join(', ');
  const sqls = [dialect.createTableAs(temp, sql, node.config, { temporary: true })];
  if (node.config.incremental_strategy === 'delete+insert') {
    const keys = Array.isArray(node.config.unique_key) ? node.config.unique_key : [String(node.config.unique_key)];
    const matches = keys.map((k) => `${target}.${quoteIdentifier(k)} = ${tempName}.${quoteIdentifier(k)}`).join(' and ');
    sqls.push(`delete from ${target} using ${tempName} where ${matches}`);
  }
  sqls.push(`insert into ${target} (${columns}) select ${columns} from ${tempName}`);
  sqls.push(`drop table ${tempName}`);
  return { steps: [{ sqls }] };
};
