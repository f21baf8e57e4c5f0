import type { SeedNode } from '../manifest';
import { sqlStringLiteral } from '../tests/generic-tests';
import { qualified, quoteIdentifier } from '../render/relation';
import type { MaterializationPlan, PlanInput, PlanStep } from './plan';
import { dropLeftovers, stagedFor } from './staging';

/** Stay well under the Data API's 100 KB statement limit and 40 statements per batch. */
const MAX_STATEMENT_BYTES = 60_000;
const MAX_BATCH = 38;

/**
 * A seed: CSV rows inserted into a staged table in chunks, then swapped in. Small seeds are one
 * transaction; large ones fill the staging table over several steps and swap in the last.
 */
export function planSeed(input: PlanInput<SeedNode>): MaterializationPlan {
  const { node, dialect, existing } = input;
  const staged = stagedFor(input, node.relation, 'new');
  // dbt quotes seed columns unless `quote_columns: false`, when the warehouse folds them to lower case.
  const nameOf = (column: string) => (node.config.quote_columns === false ? column.toLowerCase() : column);
  const columns = node.columns.map((name) => ({ name: nameOf(name), type: dialect.seedColumnType(node.columnTypes[name] ?? 'text') }));
  const columnList = node.columns.map((name) => quoteIdentifier(nameOf(name))).join(', ');
  const inserts: string[] = [];
  let values: string[] = [];
  let size = 0;
  const flush = () => {
    if (values.length === 0) return;
    inserts.push(`insert into ${qualified(staged)} (${columnList}) values\n${values.join(',\n')}`);
    values = [];
    size = 0;
  };
  for (const row of node.rows) {
    const tuple = `(${row.map((v) => (v === null ? 'null' : sqlStringLiteral(v))).join(', ')})`;
    if (size + tuple.length > MAX_STATEMENT_BYTES) flush();
    values.push(tuple);
    size += tuple.length + 2;
  }
  flush();

  const all = [...dropLeftovers(input, node.relation.schema), dialect.drop(staged, 'table'), dialect.createTable(staged, columns, node.config), ...inserts];
  const swap = dialect.swap(staged, node.relation, 'table', existing?.kind, input.runId);
  const steps: PlanStep[] = [];
  for (let i = 0; i < all.length; i += MAX_BATCH) steps.push({ sqls: all.slice(i, i + MAX_BATCH) });
  const last = steps[steps.length - 1]!;
  if (last.sqls.length + swap.length <= 40) last.sqls.push(...swap);
  else steps.push({ sqls: swap });
  return { steps };
}
