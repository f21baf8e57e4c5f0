/**
 * The dependency graph over every node of a manifest (sources, seeds, models, tests), in both directions.
 */
import { EngineError } from '../errors';
import type { Manifest, Node } from '../manifest';
import type { SelectorEntry } from './selectors-file';
import type { SelectionState } from './state-selection';

export interface Graph {
  nodes: Map<string, Node>;
  parents: Map<string, string[]>;
  children: Map<string, string[]>;
  /** Another run's manifest and results, for `state:` and `result:` selection (state-selection.ts). */
  state?: SelectionState;
  /** selectors.yml's named selections, for `selector:` in a selection (select.ts). */
  selectors?: SelectorEntry[];
}

export function allNodes(manifest: Manifest): Node[] {
  return [
    ...Object.values(manifest.sources),
    ...Object.values(manifest.seeds),
    ...Object.values(manifest.models),
    ...Object.values(manifest.tests),
    ...Object.values(manifest.definitions ?? {}),
    ...Object.values(manifest.analyses ?? {}),
  ];
}

/** Build the graph and reject cycles, naming every node on the cycle and its file. */
export function buildGraph(manifest: Manifest): Graph {
  const nodes = new Map(allNodes(manifest).map((n) => [n.uniqueId, n]));
  const parents = new Map<string, string[]>();
  const children = new Map<string, string[]>();
  for (const id of nodes.keys()) children.set(id, []);
  for (const node of nodes.values()) {
    const deps = 'dependsOn' in node ? node.dependsOn.filter((d) => nodes.has(d)) : [];
    parents.set(node.uniqueId, deps);
    for (const d of deps) children.get(d)!.push(node.uniqueId);
  }
  const graph: Graph = { nodes, parents, children, ...(manifest.selectors ? { selectors: manifest.selectors } : {}) };
  const cycle = findCycle(graph);
  if (cycle) {
    const described = cycle.map((id) => `${nodes.get(id)!.name} (${'origin' in nodes.get(id)! ? nodes.get(id)!.origin.file : id})`);
    throw new EngineError(`dependency cycle: ${described.join(' -> ')}`);
  }
  return graph;
}

function findCycle(graph: Graph): string[] | undefined {
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (id: string): string[] | undefined => {
    if (state.get(id) === 'done') return undefined;
    if (state.get(id) === 'visiting') return [...stack.slice(stack.indexOf(id)), id];
    state.set(id, 'visiting');
    stack.push(id);
    for (const p of graph.parents.get(id) ?? []) {
      const found = visit(p);
      if (found) return found;
    }
    stack.pop();
    state.set(id, 'done');
    return undefined;
  };
  for (const id of graph.nodes.keys()) {
    const found = visit(id);
    if (found) return found;
  }
  return undefined;
}

/** Every node reachable by following `edges` from `start` (not including `start`), with distances. */
export function reachable(edges: Map<string, string[]>, start: string, maxDepth = Infinity): Map<string, number> {
  const seen = new Map<string, number>();
  let frontier = [start];
  for (let depth = 1; frontier.length && depth <= maxDepth; depth++) {
    const next: string[] = [];
    for (const id of frontier) {
      for (const n of edges.get(id) ?? []) {
        if (!seen.has(n)) {
          seen.set(n, depth);
          next.push(n);
        }
      }
    }
    frontier = next;
  }
  return seen;
}
