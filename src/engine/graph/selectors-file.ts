/**
 * dbt's `selectors.yml`: named selections (`--selector name`), each a definition made of CLI-style strings,
 * `method`/`value` criteria (with `parents`, `children`, `parents_depth`, `children_depth`,
 * `childrens_parents`), `union`, `intersection` and `exclude`, and other selectors (`method: selector`).
 */
import { SelectionError } from '../errors';
import type { Graph } from './graph';
import { selectNodes } from './select';

/** A selector definition as written in YAML. */
export type SelectorDefinition = string | { [key: string]: unknown };

export interface SelectorEntry {
  name: string;
  description?: string;
  default?: boolean;
  definition: SelectorDefinition;
}

const CRITERIA_KEYS = new Set(['method', 'value', 'parents', 'children', 'parents_depth', 'children_depth', 'childrens_parents', 'indirect_selection']);

/**
 * The unique ids the named selector selects, with tests of selected nodes (dbt's eager indirect selection).
 *
 * @example
 * selectWithSelector(graph, [{ name: 'marts', definition: { union: ['tag:marts', { exclude: ['mart_old'] }] } }], 'marts')
 */
export function selectWithSelector(graph: Graph, selectors: SelectorEntry[], name: string): Set<string> {
  const byName = new Map(selectors.map((s) => [s.name, s]));
  const evaluate = (definition: unknown, path: string[]): Set<string> => {
    if (typeof definition === 'string') return selectNodes(graph, [definition]);
    if (!definition || typeof definition !== 'object' || Array.isArray(definition)) {
      throw new SelectionError(`selector '${path[0]}': cannot read the definition ${JSON.stringify(definition)}`);
    }
    const entry = definition as Record<string, unknown>;
    if ('union' in entry || 'intersection' in entry) {
      const isUnion = 'union' in entry;
      const parts = toArray(entry[isUnion ? 'union' : 'intersection']);
      const excluded = new Set(parts.filter(isExclude).flatMap((p) => toArray((p as { exclude: unknown }).exclude)).flatMap((d) => [...evaluate(d, path)]));
      const sets = parts.filter((p) => !isExclude(p)).map((p) => evaluate(p, path));
      const combined = isUnion
        ? new Set(sets.flatMap((s) => [...s]))
        : sets.reduce((acc, s) => new Set([...acc].filter((id) => s.has(id))), sets[0] ?? new Set<string>());
      return new Set([...combined].filter((id) => !excluded.has(id)));
    }
    const criteria = 'method' in entry ? entry : shorthand(entry, path[0]!);
    const method = String(criteria.method);
    const value = String(criteria.value);
    const hasOperators = Boolean(criteria.parents || criteria.children || criteria.childrens_parents || criteria.parents_depth !== undefined || criteria.children_depth !== undefined);
    // With operators, dbt-core 1.12 resolves `method: selector` as its `selector:` method (select.ts), operators applied.
    if (method === 'selector' && !hasOperators) {
      if (path.includes(value)) throw new SelectionError(`selectors refer to each other in a cycle: ${[...path, value].join(' -> ')}`);
      const other = byName.get(value);
      if (!other) throw new SelectionError(`selector '${path[path.length - 1]}' refers to the unknown selector '${value}'`);
      return evaluate(other.definition, [...path, value]);
    }
    const depth = (flag: unknown, count: unknown) => (count !== undefined ? String(count) : '') + (flag || count !== undefined ? '+' : '');
    const up = depth(criteria.parents, criteria.parents_depth);
    const down = criteria.children || criteria.children_depth !== undefined ? `+${criteria.children_depth ?? ''}` : '';
    const at = criteria.childrens_parents ? '@' : '';
    return selectNodes({ ...graph, selectors }, [`${at}${up}${method}:${value}${down}`]);
  };
  const selector = byName.get(name);
  if (!selector) {
    const known = [...byName.keys()].sort();
    throw new SelectionError(`no selector named '${name}' in selectors.yml${known.length ? ` (defined: ${known.join(', ')})` : ''}`);
  }
  return evaluate(selector.definition, [name]);
}

/** `{ tag: nightly }` is `{ method: tag, value: nightly }`. */
function shorthand(entry: Record<string, unknown>, selectorName: string): Record<string, unknown> {
  const methods = Object.keys(entry).filter((k) => !CRITERIA_KEYS.has(k));
  if (methods.length !== 1) throw new SelectionError(`selector '${selectorName}': expected one method in ${JSON.stringify(entry)}`);
  return { ...entry, method: methods[0], value: entry[methods[0]!] };
}

function isExclude(part: unknown): boolean {
  return Boolean(part) && typeof part === 'object' && !Array.isArray(part) && 'exclude' in (part as object);
}

function toArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [value];
}
