/**
 * Python modules dbt exposes under `modules` besides `datetime` and `re`: `itertools` (the finite
 * functions) and `pytz` (IANA zones; see python-datetime.ts).
 */
import { pyTuple } from './python-values';
import { PyTimezone, UTC_ZONE } from './python-datetime';

function toList(value: unknown): unknown[] {
  if (value === null || value === undefined) return [];
  if (Array.isArray(value)) return value;
  if (typeof value === 'string') return [...value];
  if (typeof value === 'object' && Symbol.iterator in value) return [...(value as Iterable<unknown>)];
  if (typeof value === 'object') return Object.keys(value).filter((k) => k !== '__keywords');
  throw new Error(`'${typeof value}' object is not iterable`);
}

function keywordsOf(args: unknown[]): { positional: unknown[]; keywords: Record<string, unknown> } {
  const last = args[args.length - 1];
  if (last !== null && typeof last === 'object' && Object.prototype.hasOwnProperty.call(last, '__keywords')) {
    const { __keywords: _flag, ...keywords } = last as Record<string, unknown>;
    return { positional: args.slice(0, -1), keywords };
  }
  return { positional: args, keywords: {} };
}

function combinations(items: unknown[], r: number, start = 0, chosen: unknown[] = []): unknown[][] {
  if (chosen.length === r) return [chosen];
  const out: unknown[][] = [];
  for (let i = start; i < items.length; i++) out.push(...combinations(items, r, i + 1, [...chosen, items[i]]));
  return out;
}

function permutations(items: unknown[], r: number, used: boolean[] = [], chosen: unknown[] = []): unknown[][] {
  if (chosen.length === r) return [chosen];
  const out: unknown[][] = [];
  items.forEach((item, i) => {
    if (used[i]) return;
    const next = [...used];
    next[i] = true;
    out.push(...permutations(items, r, next, [...chosen, item]));
  });
  return out;
}

/**
 * @example
 * pythonItertoolsModule.product([1, 2], ['a']); // [[1, 'a'], [2, 'a']]
 */
export const pythonItertoolsModule = {
  chain: Object.assign((...iterables: unknown[]) => iterables.flatMap(toList), {
    from_iterable: (iterables: unknown) => toList(iterables).flatMap(toList),
  }),
  combinations: (iterable: unknown, r: unknown) => combinations(toList(iterable), Number(r)).map(pyTuple),
  permutations: (iterable: unknown, r?: unknown) => {
    const items = toList(iterable);
    return permutations(items, r === undefined || r === null ? items.length : Number(r)).map(pyTuple);
  },
  product: (...args: unknown[]) => {
    const { positional, keywords } = keywordsOf(args);
    const pools = positional.map(toList);
    const repeated = Array.from({ length: Number(keywords.repeat ?? 1) }, () => pools).flat();
    return repeated.reduce<unknown[][]>((acc, pool) => acc.flatMap((prefix) => pool.map((item) => [...prefix, item])), [[]]).map(pyTuple);
  },
  islice: (iterable: unknown, ...bounds: unknown[]) => {
    const items = toList(iterable);
    const [start, stop, step] = bounds.length === 1 ? [0, bounds[0], 1] : [bounds[0] ?? 0, bounds[1], bounds[2] ?? 1];
    const out: unknown[] = [];
    const end = stop === null || stop === undefined ? items.length : Math.min(Number(stop), items.length);
    for (let i = Number(start); i < end; i += Number(step)) out.push(items[i]);
    return out;
  },
  zip_longest: (...args: unknown[]) => {
    const { positional, keywords } = keywordsOf(args);
    const lists = positional.map(toList);
    const fill = keywords.fillvalue ?? null;
    return Array.from({ length: Math.max(0, ...lists.map((l) => l.length)) }, (_v, i) => pyTuple(lists.map((l) => (i < l.length ? l[i] : fill))));
  },
  accumulate: (iterable: unknown) => {
    let total: number | undefined;
    return toList(iterable).map((item) => (total = total === undefined ? Number(item) : total + Number(item)));
  },
  repeat: (item: unknown, times: unknown) => {
    if (times === undefined || times === null) throw new Error('itertools.repeat without times never ends; landfall needs a count');
    return Array.from({ length: Number(times) }, () => item);
  },
};

/** `pytz`: `timezone(name)` for IANA names (offsets from `Intl`), `utc`/`UTC`. */
export const pythonPytzModule = {
  utc: UTC_ZONE,
  UTC: UTC_ZONE,
  timezone: (name: unknown) => (String(name).toUpperCase() === 'UTC' ? UTC_ZONE : new PyTimezone(String(name))),
};
