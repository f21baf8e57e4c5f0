/**
 * Which ready node a scheduler step submits first when there are more ready nodes than free statement slots: the one
 * with the longest remaining path to a sink of the run — its own expected time plus the longest chain of expected
 * times through what waits for it (critical path first, the classic list-scheduling rule). Submitting in manifest
 * order instead lets a handful of quick views take the slots while the table every mart waits for stays pending,
 * and the run's end (the freshness lag of issue 18) moves out by that table's time (bench/RESULTS-freshness-lag.md).
 *
 * Expected times are the poll schedule's (poll-schedule.ts: the node's prior from the previous run that built it,
 * else what statements building the same took in this run, else the prior for its kind). Pure.
 */
import { expectedStatementMs } from './poll-schedule';
import type { RunNode, RunState } from './run-state';

/**
 * Each node's remaining path, ms: its expected time plus the longest remaining path among the nodes that depend on it.
 * Finished nodes count 0 for themselves (nothing is left of them).
 *
 * @example
 * remainingPathMs(state).get('model.p.fct_orders') // 95_000: its own 60 s plus the 35 s of the mart that reads it
 */
export function remainingPathMs(state: RunState, expectedMs: (node: RunNode) => number = (node) => expectedStatementMs(state, node)): Map<string, number> {
  const dependents = new Map<string, RunNode[]>();
  for (const node of state.nodes) {
    for (const parent of node.dependsOn) {
      const list = dependents.get(parent);
      if (list) list.push(node);
      else dependents.set(parent, [node]);
    }
  }
  const remaining = new Map<string, number>();
  const pathOf = (node: RunNode, visiting: Set<string>): number => {
    const known = remaining.get(node.id);
    if (known !== undefined) return known;
    if (visiting.has(node.id)) throw new Error(`run cycle through ${node.id}`); // planRun refuses cycles; never expected here
    visiting.add(node.id);
    const own = node.status === 'pending' || node.status === 'running' ? expectedMs(node) : 0;
    let below = 0;
    for (const child of dependents.get(node.id) ?? []) below = Math.max(below, pathOf(child, visiting));
    visiting.delete(node.id);
    remaining.set(node.id, own + below);
    return own + below;
  };
  for (const node of state.nodes) pathOf(node, new Set());
  return remaining;
}

/**
 * The run's nodes, longest remaining path first; nodes with equal paths keep their run order (a stable sort), so a
 * run whose expected times are all equal submits as before, in dependency (manifest) order.
 *
 * @example
 * for (const node of criticalPathFirst(state)) if (isReady(node)) submit(node);
 */
export function criticalPathFirst(state: RunState): RunNode[] {
  const remaining = remainingPathMs(state);
  return state.nodes.map((node, index) => ({ node, index, path: remaining.get(node.id)! }))
    .sort((a, b) => b.path - a.path || a.index - b.index)
    .map(({ node }) => node);
}
