/**
 * Which ready node a scheduler step submits first when there are more ready nodes than free statement slots: the one
 * with the longest remaining path to a sink of the run — its own expected time plus the longest chain of expected
 * times through what waits for it (critical path first, the classic list-scheduling rule). Submitting in manifest
 * order instead lets a handful of quick views take the slots while the table every mart waits for stays pending,
 * and the run's end (the freshness lag of issue 18) moves out by that table's time (bench/RESULTS-freshness-lag.md).
 *
 * Expected times are the poll schedule's (poll-schedule.ts: the node's prior from the previous run that built it,
 * else what statements building the same took in this run, else the prior for its kind). Pure.
 *
 * Cost: every scheduler step asks this (twice: the prefetch's guess and the submit), and a run of n models takes
 * about n steps at low concurrency, so one pass must be O(nodes + edges) with a small constant. The run's graph (ids,
 * `dependsOn`) never changes within a run, so its index form is built once per run and process and reused while
 * each step's node copies still show the same ids and dependency arrays (bench/RESULTS-issue-16.md "scale
 * regression": the per-call Maps, Sets and recursion of the first version cost 3x the wall time at 10,000 models).
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
  const paths = remainingPaths(state, expectedMs);
  return new Map(state.nodes.map((node, i) => [node.id, paths[i]!]));
}

/**
 * The run's nodes that pass `include` (all by default), longest remaining path first; nodes with equal paths keep
 * their run order (a stable sort), so a run whose expected times are all equal submits as before, in dependency
 * (manifest) order.
 *
 * @example
 * for (const node of criticalPathFirst(state, (n) => n.status === 'pending')) if (isReady(node)) submit(node);
 */
export function criticalPathFirst(state: RunState, include: (node: RunNode) => boolean = () => true): RunNode[] {
  const candidates: number[] = [];
  state.nodes.forEach((node, i) => {
    if (include(node)) candidates.push(i);
  });
  if (candidates.length <= 1) return candidates.map((i) => state.nodes[i]!);
  const paths = remainingPaths(state, (node) => expectedStatementMs(state, node));
  return candidates.sort((a, b) => paths[b]! - paths[a]! || a - b).map((i) => state.nodes[i]!);
}

/** The run's graph by node index: each node's parents (`dependsOn` inside the run), in an order parents-first. */
interface RunGraph {
  runId: string;
  ids: string[];
  dependsOn: (readonly string[])[];
  /** Parents of node i: parentIndex[parentStart[i] .. parentStart[i + 1]). */
  parentStart: Int32Array;
  parentIndex: Int32Array;
  /** Node indexes, every node after its parents: the run's own order (planRun's) when it already is one. */
  order: Int32Array;
}

/** The graphs of the last few runs, by run id: a warm Lambda or a local stack may step a few runs in turn. */
const recentGraphs = new Map<string, RunGraph>();
const RECENT_GRAPHS = 4;

/** The run's graph, reused while the nodes show the same ids and dependencies (compared by reference first). */
function runGraph(state: RunState): RunGraph {
  const nodes = state.nodes;
  const kept = recentGraphs.get(state.runId);
  if (kept && kept.ids.length === nodes.length && sameGraph(kept, nodes)) return kept;
  const graph = buildGraph(state);
  recentGraphs.delete(state.runId);
  recentGraphs.set(state.runId, graph);
  if (recentGraphs.size > RECENT_GRAPHS) recentGraphs.delete(recentGraphs.keys().next().value!);
  return graph;
}

function sameGraph(graph: RunGraph, nodes: readonly RunNode[]): boolean {
  for (let i = 0; i < nodes.length; i++) {
    const node = nodes[i]!;
    if (graph.ids[i] !== node.id) return false;
    const kept = graph.dependsOn[i]!;
    if (kept === node.dependsOn) continue;
    // Decoded again (a new invocation read the stored run): the same dependencies are adopted, by reference.
    if (kept.length !== node.dependsOn.length || kept.some((d, k) => d !== node.dependsOn[k])) return false;
    graph.dependsOn[i] = node.dependsOn;
  }
  return true;
}

function buildGraph(state: RunState): RunGraph {
  const nodes = state.nodes;
  const index = new Map<string, number>();
  nodes.forEach((node, i) => index.set(node.id, i));
  const parentStart = new Int32Array(nodes.length + 1);
  const parents: number[] = [];
  let inRunOrder = true;
  nodes.forEach((node, i) => {
    parentStart[i] = parents.length;
    for (const d of node.dependsOn) {
      const p = index.get(d);
      if (p === undefined) continue;
      if (p >= i) inRunOrder = false;
      parents.push(p);
    }
  });
  parentStart[nodes.length] = parents.length;
  const parentIndex = Int32Array.from(parents);
  const order = inRunOrder ? Int32Array.from(nodes.keys()) : parentsFirst(nodes, parentStart, parentIndex);
  return { runId: state.runId, ids: nodes.map((n) => n.id), dependsOn: nodes.map((n) => n.dependsOn), parentStart, parentIndex, order };
}

/** Nodes not in dependency order (never from planRun): Kahn's order, iterative (no recursion depth), refusing a cycle. */
function parentsFirst(nodes: readonly RunNode[], parentStart: Int32Array, parentIndex: Int32Array): Int32Array {
  const waiting = new Int32Array(nodes.length);
  const children: number[][] = nodes.map(() => []);
  for (let i = 0; i < nodes.length; i++) {
    waiting[i] = parentStart[i + 1]! - parentStart[i]!;
    for (let k = parentStart[i]!; k < parentStart[i + 1]!; k++) children[parentIndex[k]!]!.push(i);
  }
  const order: number[] = [];
  for (let i = 0; i < nodes.length; i++) if (waiting[i] === 0) order.push(i);
  for (let next = 0; next < order.length; next++) {
    for (const child of children[order[next]!]!) if (--waiting[child] === 0) order.push(child);
  }
  if (order.length < nodes.length) {
    const stuck = nodes.findIndex((_, i) => waiting[i]! > 0);
    throw new Error(`run cycle through ${nodes[stuck]!.id}`); // planRun refuses cycles; never expected here
  }
  return Int32Array.from(order);
}

/** Remaining path per node index: walking back from the last in parents-first order, a node's longest path below is complete when it is reached. */
function remainingPaths(state: RunState, expectedMs: (node: RunNode) => number): Float64Array {
  const { order, parentStart, parentIndex } = runGraph(state);
  const nodes = state.nodes;
  const below = new Float64Array(nodes.length);
  const paths = new Float64Array(nodes.length);
  for (let o = order.length - 1; o >= 0; o--) {
    const i = order[o]!;
    const node = nodes[i]!;
    const path = (node.status === 'pending' || node.status === 'running' ? expectedMs(node) : 0) + below[i]!;
    paths[i] = path;
    for (let k = parentStart[i]!; k < parentStart[i + 1]!; k++) {
      const p = parentIndex[k]!;
      if (path > below[p]!) below[p] = path;
    }
  }
  return paths;
}
