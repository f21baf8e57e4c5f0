/**
 * The one synchronous moment of a run: create the target schemas (and dialect helpers), then take a
 * snapshot of the relations the run builds, so each node's plan knows what exists (`is_incremental()`,
 * the swap, the incremental column list) without asking again.
 */
import type { Dialect } from '../dialects';
import type { Manifest } from '../manifest';
import { runQuery } from '../../warehouse/run-query';
import type { Warehouse } from '../../warehouse/warehouse';
import type { ExistingRelation } from '../materializations';
import { preparePartitions } from '../materializations/partitioned/run-context';
import { relationKey, type RunState } from './run-state';

export async function prepareRun(state: RunState, ctx: { manifest: Manifest; dialect: Dialect; warehouse: Warehouse }): Promise<RunState> {
  const relations = state.nodes
    .map((n) => ctx.manifest.models[n.id] ?? ctx.manifest.seeds[n.id])
    .filter((n) => n !== undefined)
    .map((n) => n.relation);
  if (relations.length === 0) return state;
  const schemas = [...new Set(relations.map((r) => r.schema))].sort();
  const setup = ctx.dialect.setupStatements(schemas);
  await runQuery(ctx.warehouse, setup.length === 1 ? setup[0]! : setup);
  const catalog = await runQuery(ctx.warehouse, ctx.dialect.catalogQuery(schemas));
  const wanted = new Set(relations.map(relationKey));
  const existing: Record<string, ExistingRelation> = {};
  for (const [schema, name, kind, column] of catalog.rows) {
    const key = `${String(schema)}.${String(name)}`;
    if (!wanted.has(key)) continue;
    const entry = (existing[key] ??= { kind: kind === 'view' ? 'view' : 'table', columns: [] });
    if (column !== null && column !== undefined) entry.columns.push(String(column));
  }
  return preparePartitions({ ...state, existing }, ctx, catalog.rows);
}
