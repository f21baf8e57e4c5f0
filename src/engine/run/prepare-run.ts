/**
 * The one synchronous moment of a run: take a snapshot of the relations the run builds, so each node's plan knows
 * what exists (`is_incremental()`, the swap, the incremental column list) without asking again, and create the
 * target schemas (and dialect helpers) that are missing (dialects/setup-check.ts: none committed when all exist). When nodes of the run configure `grants`,
 * one more query reads the grants their relations hold.
 */
import { leftoversInCatalog } from '../materializations/staging';
import type { Dialect } from '../dialects';
import type { ExecutableNode, Manifest } from '../manifest';
import { grantsByRelation, grantsMissingFrom, normalizeGrants } from '../materializations/grants';
import { runQuery } from '../warehouse/run-query';
import type { Warehouse } from '../warehouse/warehouse';
import type { ExistingRelation } from '../materializations';
import { preparePartitions } from '../materializations/partitioned/run-context';
import { relationKey, type RunState } from './run-state';

export async function prepareRun(state: RunState, ctx: { manifest: Manifest; dialect: Dialect; warehouse: Warehouse }): Promise<RunState> {
  const built = state.nodes
    .map((n) => ctx.manifest.models[n.id] ?? ctx.manifest.seeds[n.id])
    .filter((n) => n !== undefined);
  const relations = built.map((n) => n.relation);
  if (relations.length === 0) return state;
  const schemas = [...new Set(relations.map((r) => r.schema))].sort();
  // Schemas of stored test failures too: tests nodes running at once would race to create them.
  const auditSchemas = state.nodes.flatMap((n) => n.testIds ?? []).flatMap((id) => ctx.manifest.tests[id]?.storeFailuresIn?.schema ?? []);
  const setupSchemas = [...new Set([...schemas, ...auditSchemas])].sort();
  // The catalog read and the setup check (a read: which schemas and helpers exist) run at once — one after the other
  // when the step may have only one statement in flight (`state.concurrency`, the runtime's statement slots); the
  // setup's commit (~1 s on Redshift) only when something is missing. Creating a schema adds no relation, so the snapshot holds.
  const check = ctx.dialect.setupCheck;
  const readCatalog = () => runQuery(ctx.warehouse, ctx.dialect.catalogQuery(schemas));
  const readSetup = () => (check ? runQuery(ctx.warehouse, check.query(setupSchemas)) : Promise.resolve(undefined));
  const [catalog, present] = state.concurrency >= 2 ? await Promise.all([readCatalog(), readSetup()]) : [await readCatalog(), await readSetup()];
  const setup = check && present ? check.missing(setupSchemas, present.rows) : ctx.dialect.setupStatements(setupSchemas);
  if (setup.length) await runQuery(ctx.warehouse, setup.length === 1 ? setup[0]! : setup);
  const wanted = new Set(relations.map(relationKey));
  const existing: Record<string, ExistingRelation> = {};
  for (const [schema, name, kind, column] of catalog.rows) {
    const key = `${String(schema)}.${String(name)}`;
    if (!wanted.has(key)) continue;
    const entry = (existing[key] ??= { kind: kind === 'view' ? 'view' : 'table', columns: [] });
    if (column !== null && column !== undefined) entry.columns.push(String(column));
  }
  await snapshotGrants(existing, built.filter((n) => Object.keys(n.config.grants ?? {}).length > 0), ctx);
  // Only incremental models read their columns from the snapshot: the others keep the kind alone (the run
  // state of a 10,000-model build would otherwise carry every column of every table).
  for (const node of built) {
    const entry = existing[relationKey(node.relation)];
    if (entry && node.config.materialized !== 'incremental') entry.columns = [];
  }
  const stagingLeftovers = leftoversInCatalog(catalog.rows, relations, state.runId, ctx.dialect);
  return preparePartitions({ ...state, existing, ...(Object.keys(stagingLeftovers).length ? { stagingLeftovers } : {}) }, ctx, catalog.rows);
}

/**
 * The grants held on the existing relations of nodes with a `grants` config beyond the configured ones, so
 * their plans can revoke them: one query, and none when no node in the run configures grants. Only what
 * differs is kept, so the run state stays small when the grants are in place.
 */
async function snapshotGrants(existing: Record<string, ExistingRelation>, withGrants: ExecutableNode[], ctx: { dialect: Dialect; warehouse: Warehouse }): Promise<void> {
  const present = withGrants.filter((n) => existing[relationKey(n.relation)]);
  if (present.length === 0) return;
  const result = await runQuery(ctx.warehouse, ctx.dialect.grantsQuery([...new Set(present.map((n) => n.relation.schema))].sort()));
  const held = grantsByRelation(result.rows);
  for (const node of present) {
    const extra = grantsMissingFrom(held[relationKey(node.relation)] ?? {}, normalizeGrants(node.config.grants));
    if (Object.keys(extra).length) existing[relationKey(node.relation)]!.extraGrants = extra;
  }
}
