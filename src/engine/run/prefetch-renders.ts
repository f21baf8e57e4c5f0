/**
 * The renders a scheduler step will likely ask after its polls, guessed as soon as the polls are back, so a batching
 * renderer (the RenderPlans function, src/runtime/lambda-renderer.ts) sends them in the same Invoke as the polled
 * nodes' plans instead of one more round trip per phase of the step:
 *   - the plans of the nodes the step will start (pending, every dependency passing or just FINISHED), as the start
 *     asks them (running, step 0), longest remaining path first, as many as slots may free up;
 *   - the statements of a tests node that may ride in its model's batch (tests-with-model.ts asks them of the tests
 *     node as it is, still pending), for the models that ended a step and those about to start;
 *   - the statements of a tests node that will start on its own (as the start asks them: running, step 0).
 * Only a guess: a render never asked costs RenderPlans some time, never a wrong result, since an answer is used only
 * for the very request it was asked for (the lazy ask stays the fallback). Nodes that run queries while rendering
 * (run_query, their asks follow query passes) and project hooks (on-run-end reads every node's outcome) are left out.
 */
import type { Manifest } from '../manifest';
import type { StatementDescription } from '../warehouse/warehouse';
import { criticalPathFirst } from './critical-path-order';
import { phaseGate } from './project-hooks';
import type { RenderAsk } from './render-port';
import { mayRunQueries } from './run-time-queries';
import { nodesById, PASSING_STATUSES, type RunNode, type RunState } from './run-state';

/**
 * @example
 * ctx.renderer.prefetch?.(likelyRenders(state, polledNodes, descriptions, ctx.manifest));
 */
export function likelyRenders(
  state: RunState, polled: readonly RunNode[], descriptions: readonly (StatementDescription | undefined)[], manifest: Manifest,
): RenderAsk[] {
  const ending = new Set(polled.filter((node, i) => descriptions[i]?.status === 'FINISHED').map((node) => node.id));
  const byId = nodesById(state);
  const ready = (node: RunNode) => node.dependsOn.every((d) => ending.has(d) || PASSING_STATUSES.has(byId.get(d)?.status ?? 'pending'));
  const mayStart = phaseGate(state);
  const running = new Set(state.nodes.filter((n) => n.status === 'running').map((n) => n.statementId ?? n.id)).size;
  let slots = state.concurrency - running + ending.size;
  const asks: RenderAsk[] = [];
  const starting = new Set<string>();
  const startable = (node: RunNode) => node.status === 'pending' && !node.hook && node.kind !== 'load' && node.kind !== 'operation' && ready(node) && mayStart(node);
  for (const node of slots > 0 ? criticalPathFirst(state, startable) : []) {
    if (slots <= 0) break;
    if (runsQueries(node, manifest)) continue;
    const started = Object.assign({ ...node }, { startedAt: '', status: 'running' as const, step: 0 });
    asks.push({ kind: node.kind === 'tests' ? 'test-statements' : 'plan', node: started, state });
    starting.add(node.id);
    slots--;
  }
  for (const tests of state.nodes) {
    if (tests.kind !== 'tests' || tests.status !== 'pending' || tests.isolatedTests || !tests.testIds?.length) continue;
    const carrier = tests.dependsOn.find((d) => ending.has(d) || starting.has(d));
    if (!carrier || !tests.dependsOn.every((d) => d === carrier || PASSING_STATUSES.has(byId.get(d)?.status ?? 'pending'))) continue;
    if (runsQueries(tests, manifest)) continue;
    asks.push({ kind: 'test-statements', node: tests, state });
  }
  return asks;
}

/** Whether rendering the node may run queries first (node-statements.ts `resolveQueriesOf`): its asks then differ. */
function runsQueries(node: RunNode, manifest: Manifest): boolean {
  const definitions = node.kind === 'tests' ? (node.testIds ?? []).map((id) => manifest.tests[id]) : [manifest.models[node.id] ?? manifest.seeds[node.id]];
  return mayRunQueries(manifest, definitions.map((d) => JSON.stringify(d ?? null)));
}
