/**
 * Parts of the DAG: what a run started for some arrivals would rebuild, and which pending arrivals must share a
 * run. Pure; the coalescer (coalescer.ts) uses it to start runs whose parts are disjoint at the same time.
 *
 * - The **closure** of a selection is every relation a run of it would write or read as its input: the selected
 *   sources (the raw tables a load COPYs into), seeds, snapshots and models — the selection `source:s.t+` is already
 *   closed downstream, so two closures that share nothing also share no model either run reads while the other
 *   rebuilds it. Tests write nothing and are left out (they take no run lock either, run-locks.ts).
 * - `serial` mode gives every selection the closure {@link EVERYTHING}, which overlaps every other: one run at a time,
 *   the scheduler before issue 18.
 * - A selection the manifest cannot resolve any more (the project changed since the arrival was buffered) is
 *   {@link EVERYTHING} too: never concurrent by mistake.
 *
 * Arrival selections are always `source:<source>.<table>+` (routing.ts): the closure is the source and everything
 * downstream of it in the graph (what `selectNodes` gives for that selector, without its parser in the coalescer's
 * bundle). Any other selector is {@link EVERYTHING}. Closures are cached per manifest object and selector (a Lambda
 * container loads its manifest once).
 */
import type { Manifest } from '../../engine';
import { buildGraph, reachable } from '../../engine/graph/graph';
import type { BufferedArrival } from './coalescer';

/** How the coalescer schedules arrival runs: one at a time (`serial`), or one per disjoint part of the DAG (`dag`). */
export type ArrivalConcurrency = 'serial' | 'dag';
export const ARRIVAL_CONCURRENCY_MODES: readonly ArrivalConcurrency[] = ['serial', 'dag'];

/** The closure that overlaps every closure. */
export const EVERYTHING = '*';

/** `source:<source>.<table>+`, the selector routing gives an arrival. */
const SOURCE_AND_DOWNSTREAM = /^source:([^.+\s]+\.[^+\s]+)\+$/;

const cache = new WeakMap<Manifest, { selected: (selector: string) => ReadonlySet<string> }>();

function resolverFor(manifest: Manifest): (selector: string) => ReadonlySet<string> {
  const cached = cache.get(manifest);
  if (cached) return cached.selected;
  const partial = manifest as Partial<Manifest>;
  const complete = { ...manifest, sources: partial.sources ?? {}, seeds: partial.seeds ?? {}, models: partial.models ?? {}, tests: partial.tests ?? {} } as Manifest;
  const graph = buildGraph(complete);
  const tests = new Set(Object.keys(complete.tests));
  const sourceIds = new Map(Object.values(complete.sources).map((source) => [`${source.sourceName}.${source.name}`, source.uniqueId]));
  const bySelector = new Map<string, ReadonlySet<string>>();
  const selected = (selector: string): ReadonlySet<string> => {
    let keys = bySelector.get(selector);
    if (!keys) {
      const source = SOURCE_AND_DOWNSTREAM.exec(selector);
      const id = source ? sourceIds.get(source[1]!) : undefined;
      keys = id === undefined ? new Set([EVERYTHING]) : new Set([id, ...[...reachable(graph.children, id).keys()].filter((child) => !tests.has(child))]);
      bySelector.set(selector, keys);
    }
    return keys;
  };
  cache.set(manifest, { selected });
  return selected;
}

/**
 * What a run of `selectors` would rebuild (see above).
 *
 * @example
 * closureOf(manifest, ['source:app.users+'], 'dag') // Set { 'source.p.app.users', 'model.p.stg_users', 'model.p.dim_users' }
 * closureOf(manifest, ['source:app.users+'], 'serial') // Set { '*' }
 */
export function closureOf(manifest: Manifest, selectors: readonly string[] | undefined, concurrency: ArrivalConcurrency): ReadonlySet<string> {
  if (concurrency === 'serial' || selectors === undefined || selectors.length === 0) return new Set([EVERYTHING]);
  let resolve: (selector: string) => ReadonlySet<string>;
  try {
    resolve = resolverFor(manifest);
  } catch {
    return new Set([EVERYTHING]);
  }
  const keys = new Set<string>();
  for (const selector of selectors) for (const key of resolve(selector)) keys.add(key);
  return keys.size === 0 ? new Set([EVERYTHING]) : keys;
}

/** Whether two closures share a relation ({@link EVERYTHING} shares with all). */
export function overlaps(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  if (a.has(EVERYTHING) || b.has(EVERYTHING)) return true;
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  for (const key of small) if (large.has(key)) return true;
  return false;
}

/** Pending arrivals that must run together: their closures overlap, directly or through other pending arrivals. */
export interface PendingPart {
  arrivals: BufferedArrival[];
  keys: ReadonlySet<string>;
  /** When the part's window opened: its earliest arrival. */
  openedAt: number;
  /** Its latest arrival (the adaptive window, adaptive-window.ts, closes a window after it under pressure). */
  lastReceivedAt: number;
}

/**
 * Partitions the pending arrivals into parts (connected components of "closures overlap"), earliest window first.
 * Within a part, arrivals keep their buffer order.
 *
 * @example
 * partsOf(state.pending, (a) => closureOf(manifest, a.selectors, 'dag')) // [{ arrivals, keys, openedAt, lastReceivedAt }, …]
 */
export function partsOf(pending: readonly BufferedArrival[], closure: (arrival: BufferedArrival) => ReadonlySet<string>): PendingPart[] {
  const parent = pending.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]!]!;
      i = parent[i]!;
    }
    return i;
  };
  // key → the first arrival holding it: arrivals sharing a key are joined; EVERYTHING joins everything.
  const holder = new Map<string, number>();
  let everything: number | undefined;
  const closures = pending.map(closure);
  closures.forEach((keys, i) => {
    if (keys.has(EVERYTHING)) {
      if (everything === undefined) everything = i;
      else parent[find(i)] = find(everything);
    }
    for (const key of keys) {
      const first = holder.get(key);
      if (first === undefined) holder.set(key, i);
      else parent[find(i)] = find(first);
    }
  });
  if (everything !== undefined) for (let i = 0; i < pending.length; i++) parent[find(i)] = find(everything);
  const parts = new Map<number, PendingPart & { keys: Set<string> }>();
  pending.forEach((arrival, i) => {
    const root = find(i);
    const part = parts.get(root) ?? { arrivals: [], keys: new Set<string>(), openedAt: arrival.receivedAt, lastReceivedAt: arrival.receivedAt };
    part.arrivals.push(arrival);
    for (const key of closures[i]!) part.keys.add(key);
    part.openedAt = Math.min(part.openedAt, arrival.receivedAt);
    part.lastReceivedAt = Math.max(part.lastReceivedAt, arrival.receivedAt);
    parts.set(root, part);
  });
  return [...parts.values()].sort((a, b) => a.openedAt - b.openedAt);
}
