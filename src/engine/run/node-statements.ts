/**
 * What a node runs before and as its statements: its run-time queries (`run_query`, resolved before it is
 * submitted, run-time-queries.ts) and the client token of each submit (same run, node, step and attempt → same
 * statement, so a retried task submits nothing twice).
 */
import { createHash } from 'node:crypto';
import { hookTemplates } from '../materializations/hooks';
import type { RunContext } from './advance-run';
import { mayRunQueries, resolveRunTimeQueriesByPasses } from './run-time-queries';
import type { RunNode, RunState } from './run-state';

/**
 * Run the `run_query`/`statement` SQL of a node that is starting and store the results on it, so that
 * every render of the node (this step's and later steps') reads them. Most nodes have none: skipped cheaply.
 */
export async function resolveQueriesOf(node: RunNode, state: RunState, ctx: RunContext): Promise<void> {
  const manifest = ctx.manifest;
  const definitions = node.kind === 'tests' ? (node.testIds ?? []).map((id) => manifest.tests[id])
    : node.kind === 'operation' ? [node.hook && manifest.projectHooks?.[node.hook.type]?.[node.hook.index]]
    : [manifest.models[node.id] ?? manifest.seeds[node.id]];
  if (!mayRunQueries(manifest, definitions.map((d) => JSON.stringify(d ?? null)))) return;
  const built = manifest.models[node.id] ?? manifest.seeds[node.id];
  const file = node.kind === 'operation' ? 'dbt_project.yml' : built?.origin.file ?? node.name;
  // Starting: a post-hook's queries wait for the build (dbt renders post-hooks after it).
  const starting = node.kind !== 'tests' && node.kind !== 'operation' && node.postHooks === undefined && built !== undefined && hookTemplates(built.config, 'post').length > 0;
  if (starting) node.postHooks = 'deferred';
  // Each pass is a render of the node as it is now (its post-hooks' phase included), by the run's renderer.
  node.queryResults = await resolveRunTimeQueriesByPasses(
    (resolved) => ctx.renderer.queryPass({ ...node }, state, resolved),
    node.queryResults ?? {},
    { warehouse: ctx.warehouse, runId: state.runId, nodeId: node.id, nodeName: node.name, file },
    node.postHooks === 'deferred' ? { deferScope: (scope) => scope.startsWith('post_hook:'), onDeferred: (waiting) => { if (waiting === 0) delete node.postHooks; } } : {},
  );
}

/** Same run, node, step and attempt → same token: a retried task submits nothing twice; a new attempt submits again. */
export function clientToken(state: RunState, node: RunNode, step: string): string {
  const attempt = node.attempt ? `\nattempt ${node.attempt}` : '';
  return createHash('sha256').update(`${state.runId}\n${node.id}\n${step}${attempt}`).digest('hex').slice(0, 64);
}
