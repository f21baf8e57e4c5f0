/**
 * The lineage around a focused node: which nodes (ancestors and descendants up to a depth), on which layer
 * (longest path from the focus, so every edge points right), folded into groups by folder or tag. Pure and
 * linear in the nodes and edges it visits: `+model+` of a model with thousands of descendants stays fast.
 * Tests are left out (as dbt docs does); macros have no lineage.
 */
import type { LoadedIndex } from './loaded-index';

export type FoldMode = 'none' | 'folder' | 'tag' | 'auto';

export interface LineageRequest {
  focus: number;
  upDepth: number;
  downDepth: number;
  fold: FoldMode;
  /** Group keys the user opened. */
  expanded: Set<string>;
}

export interface LineageItem {
  /** `n<index>` for a node, `g<layer>:<key>` for a folded group. */
  key: string;
  layer: number;
  label: string;
  /** The node's index, or the group's members. */
  node?: number;
  members?: number[];
  type: string;
}

export interface LineageView {
  items: LineageItem[];
  edges: [number, number][];
  /** Nodes in the lineage before folding. */
  nodeCount: number;
}

/** A layer with more nodes than this is folded by folder in `auto` mode. */
export const AUTO_FOLD_LIMIT = 60;

function pushTo<K>(map: Map<K, number[]>, key: K, value: number): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function walk(start: number, next: number[][], depth: number, keep: (i: number) => boolean): Set<number> {
  const seen = new Set<number>([start]);
  let frontier = [start];
  for (let d = 0; d < depth && frontier.length; d++) {
    const out: number[] = [];
    for (const i of frontier) for (const j of next[i]!) if (!seen.has(j) && keep(j)) { seen.add(j); out.push(j); }
    frontier = out;
  }
  seen.delete(start);
  return seen;
}

/** Longest path from the focus within `set`, following `next` (children downstream, parents upstream). */
function layers(focus: number, set: Set<number>, prev: number[][], sign: 1 | -1, layer: Map<number, number>): void {
  const pending = new Map<number, number>();
  for (const i of set) pending.set(i, prev[i]!.filter((p) => set.has(p) || p === focus).length);
  const queue: number[] = [];
  for (const [i, n] of pending) if (n === 0) queue.push(i);
  const level = new Map<number, number>([[focus, 0]]);
  // Kahn's order over the subgraph; a node's level is 1 + the deepest of its in-set predecessors.
  const successors = new Map<number, number[]>();
  for (const i of set) for (const p of prev[i]!) if (set.has(p) || p === focus) pushTo(successors, p, i);
  const ready = [focus, ...queue];
  const done = new Set<number>();
  while (ready.length) {
    const i = ready.pop()!;
    if (done.has(i)) continue;
    done.add(i);
    for (const j of successors.get(i) ?? []) {
      level.set(j, Math.max(level.get(j) ?? 0, (level.get(i) ?? 0) + 1));
      const left = pending.get(j)! - 1;
      pending.set(j, left);
      if (left === 0) ready.push(j);
    }
  }
  for (const i of set) layer.set(i, sign * Math.max(1, level.get(i) ?? 1));
}

export function lineageOf(index: LoadedIndex, request: LineageRequest): LineageView {
  const { focus } = request;
  const keep = (i: number) => index.typeOf(i) !== 'test' && index.typeOf(i) !== 'macro';
  const up = walk(focus, index.parents, request.upDepth, keep);
  const down = walk(focus, index.children, request.downDepth, keep);
  const layer = new Map<number, number>([[focus, 0]]);
  layers(focus, down, index.parents, 1, layer);
  layers(focus, up, index.children, -1, layer);
  const byLayer = new Map<number, number[]>();
  for (const [i, l] of layer) pushTo(byLayer, l, i);
  const items: LineageItem[] = [];
  const itemOf = new Map<number, number>();
  for (const [l, members] of [...byLayer].sort((a, b) => a[0] - b[0])) {
    const foldBy = request.fold === 'folder' || request.fold === 'tag' ? request.fold : request.fold === 'auto' && members.length > AUTO_FOLD_LIMIT ? 'folder' : undefined;
    const groups = new Map<string, number[]>();
    for (const i of members) {
      const key = i === focus || !foldBy ? `n${i}` : foldBy === 'folder' ? index.folders[index.folder[i]!]! : (index.tags[index.nodeTags[i]![0] ?? -1] ?? '(no tag)');
      pushTo(groups, key, i);
    }
    for (const [key, group] of groups) {
      const groupKey = `g${l}:${key}`;
      if (key.startsWith('n') && group.length === 1 && !foldBy) pushNode(group[0]!, l);
      else if (group.length === 1 || request.expanded.has(groupKey) || group.includes(focus)) for (const i of group) pushNode(i, l);
      else {
        for (const i of group) itemOf.set(i, items.length);
        items.push({ key: groupKey, layer: l, label: `${key} (${group.length})`, members: group, type: 'group' });
      }
    }
  }
  function pushNode(i: number, l: number): void {
    itemOf.set(i, items.length);
    items.push({ key: `n${i}`, layer: l, label: index.names[i]!, node: i, type: index.typeOf(i) });
  }
  const edgeSet = new Set<string>();
  const edges: [number, number][] = [];
  for (const [i] of layer) {
    for (const p of index.parents[i]!) {
      if (!layer.has(p)) continue;
      const a = itemOf.get(p)!;
      const b = itemOf.get(i)!;
      const k = `${a}>${b}`;
      if (a !== b && !edgeSet.has(k)) { edgeSet.add(k); edges.push([a, b]); }
    }
  }
  return { items, edges, nodeCount: layer.size };
}
