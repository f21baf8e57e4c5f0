/**
 * dbt node selection: `name`, `+name`, `name+`, `2+name`, `name+1`, `@name`, `tag:x`, `path:models/staging`,
 * `file:x.sql`, `fqn:marts.finance.*` (a bare `staging` selects the folder, as dbt's default method is fqn),
 * `source:src.table+`, `resource_type:model`, `config.<key>:value`, `test_type:singular`, `test_name:unique`,
 * `package:p`, `selector:name` (selectors.yml, dbt 1.12), wildcards (`stg_*`, fnmatch.ts), unions (spaces or repeated flags), intersections (commas) and `--exclude`.
 * A bare wildcard without a dot (`stg_*`) also matches the node's own name wherever it sits, as dbt-core 1.11.16 and
 * 1.12.6 do (README.md: which dbt landfall follows).
 * As in dbt, each part brings its tests along (eager indirect selection) before parts are intersected
 * or excluded.
 */
import { SelectionError } from '../errors';
import { dbtResourceType, type Node } from '../manifest';
import { fnmatch, fnmatchRegExp, hasWildcard } from './fnmatch';
import { type Graph, reachable } from './graph';
import { selectWithSelector } from './selectors-file';
import { matchesResult, matchesState } from './state-selection';

interface Atom {
  method: string;
  value: string;
  parents: number;
  children: number;
  at: boolean;
}

// As dbt's: the value may hold `+` (`config.incremental_strategy:delete+insert`); only a trailing `+N` is an operator.
const ATOM = /^(@)?(?:(\d*)\+)?(.+?)(?:\+(\d*))?$/;
const METHODS = new Set(['name', 'tag', 'path', 'source', 'resource_type', 'config', 'fqn', 'test_name', 'test_type', 'file', 'package', 'state', 'result',
  'exposure', 'metric', 'semantic_model', 'saved_query', 'selector']);

function parseAtom(text: string): Atom {
  const match = ATOM.exec(text);
  if (!match) throw new SelectionError(`cannot parse selector '${text}'`);
  const [, at, up, body, down] = match;
  const colon = body!.indexOf(':');
  const method = colon > 0 ? body!.slice(0, colon) : 'name';
  const value = colon > 0 ? body!.slice(colon + 1) : body!;
  if (!METHODS.has(method) && !method.startsWith('config.')) {
    throw new SelectionError(`unknown selector method '${method}:' in '${text}' (known: ${[...METHODS].join(', ')})`);
  }
  if (value === '') throw new SelectionError(`selector '${text}' has an empty value`);
  if (WILDCARD_METHODS.has(method) && hasWildcard(value)) fnmatchRegExp(value, text); // throws on a malformed pattern
  const hopCount = (s: string | undefined, hasPlus: boolean) => (!hasPlus ? 0 : s ? Number(s) : Infinity);
  return {
    method,
    value,
    at: Boolean(at),
    parents: hopCount(up, text.replace(/^@/, '').match(/^\d*\+/) !== null),
    children: hopCount(down, /\+\d*$/.test(text)),
  };
}

/** A wildcard pattern (fnmatch.ts); parseAtom has already refused a malformed one, naming the selector. */
function glob(pattern: string): { test: (text: string) => boolean } {
  return { test: (text: string) => fnmatch(text, pattern) };
}

/** Methods whose value is matched with wildcards (the others compare it as text: `config.x:`, `state:`, …). */
const WILDCARD_METHODS = new Set(['name', 'fqn', 'path', 'file', 'package', 'tag', 'source', 'test_name', 'exposure', 'metric', 'semantic_model', 'saved_query', 'selector']);

function nodeFile(node: Node): string {
  return 'origin' in node ? node.origin.file : '';
}

/** The project a node belongs to (the second part of its unique id). */
function packageOf(node: Node): string {
  return node.uniqueId.split('.')[1] ?? '';
}

/**
 * dbt's fully qualified name: the project, the folders under the model/seed/test path, then the name
 * (for a source, the source and table names).
 */
export function fqnOf(node: Node): string[] {
  const folders = nodeFile(node).split('/').slice(1, -1);
  const name = node.resourceType === 'source' ? [node.sourceName, node.name] : [node.name];
  // A model version's fqn ends with `v<n>`, as dbt's does.
  const version = node.resourceType === 'model' && node.version !== undefined ? [`v${node.version}`] : [];
  // An analysis's fqn has `analysis` after the project (dbt's `shop.analysis.finance.revenue_check`).
  const kind = node.uniqueId.startsWith('analysis.') ? ['analysis'] : [];
  return [packageOf(node), ...kind, ...folders, ...name, ...version];
}

/**
 * dbt's `is_selected_node`: the selector names the leaf, or is a dotted prefix of the fqn (a wildcard part matches the
 * rest of the fqn); a wildcard without a dot also matches the leaf alone (a versioned model's name, not `v2`), the
 * rule dbt-core 1.11.16 and 1.12.6 added (dbt-labs/dbt-core#16348), so `stg_*` selects `staging/stg_orders`.
 */
function fqnMatches(fqn: string[], selector: string, versioned = false): boolean {
  if (fqn[fqn.length - 1] === selector && !versioned) return true;
  // A version: `m` selects every version, `m.v1` or `m_v1` one (dbt's is_selected_node).
  if (versioned && (fqn[fqn.length - 2] === selector || fqn.slice(-2).join('_') === selector.split('.').slice(-2).join('_'))) return true;
  const flat = fqn.flatMap((part) => part.split('.'));
  const parts = selector.split('.');
  if (flat.length < parts.length) return false;
  for (let i = 0; i < parts.length; i++) {
    if (hasWildcard(parts[i]!)) {
      if (glob(parts.slice(i).join('.')).test(flat.slice(i).join('.'))) return true;
      return !selector.includes('.') && glob(selector).test(versioned ? fqn[fqn.length - 2] ?? '' : fqn[fqn.length - 1] ?? '');
    }
    if (flat[i] !== parts[i]) return false;
  }
  return true;
}

/** dbt's `config.<key>:value`: lists contain the value, booleans compare as lower-case text. */
function configMatches(node: Node, key: string, value: string): boolean {
  const config: Record<string, unknown> = 'config' in node
    ? node.config
    : node.resourceType === 'test' ? { severity: node.severity, tags: node.tags, store_failures: node.storeFailuresIn !== undefined } : {};
  const actual = config[key];
  // dbt compares test severity case-insensitively.
  if (key === 'severity' && typeof actual === 'string') return actual.toLowerCase() === value.toLowerCase();
  if (Array.isArray(actual)) return actual.some((item) => String(item) === value || String(item) === value.toLowerCase());
  if (typeof actual === 'boolean') return String(actual) === value.toLowerCase();
  return actual !== undefined && actual !== null && String(actual) === value;
}

function matchesAtom(node: Node, atom: Atom): boolean {
  const value = atom.value;
  if (atom.method.startsWith('config.')) return configMatches(node, atom.method.slice('config.'.length), value);
  switch (atom.method) {
    case 'name':
      // dbt's default method: a path when it looks like one, a file name for `x.sql`, else an fqn.
      if (value.includes('/')) return matchesPath(node, value);
      if (/\.(sql|py|csv)$/i.test(value)) return matchesFile(node, value);
      return matchesFqn(node, value);
    case 'fqn':
      return matchesFqn(node, value);
    case 'test_name':
      return node.resourceType === 'test' && node.kind === 'generic' && glob(value).test(node.testName ?? '');
    case 'test_type':
      if (node.resourceType !== 'test') return false;
      if (node.unitTest) return value === 'unit';
      return value === 'data' || value === node.kind || (value === 'schema' && node.kind === 'generic');
    case 'package':
      // `this` is dbt's alias for the project.
      return value === 'this' ? !node.uniqueId.includes('.dbt.') : glob(value).test(packageOf(node));
    case 'tag':
      return 'tags' in node ? node.tags.some((t) => glob(value).test(t)) : 'config' in node && node.config.tags.some((t) => glob(value).test(t));
    case 'path':
      return matchesPath(node, value);
    case 'file':
      return matchesFile(node, value);
    case 'source': {
      if (node.resourceType !== 'source') return false;
      const [src, table = '*'] = value.split('.');
      return glob(src!).test(node.sourceName) && glob(table).test(node.name);
    }
    case 'resource_type':
      return dbtResourceType(node) === value;
    case 'exposure': case 'metric': case 'semantic_model': case 'saved_query': {
      // dbt's `exposure:name` or `exposure:package.name`, with globs.
      if (node.resourceType !== atom.method) return false;
      const [pkg, name] = value.includes('.') ? value.split('.', 2) : ['*', value];
      return glob(pkg!).test(packageOf(node)) && glob(name!).test(node.name);
    }
    default:
      return false;
  }
}

/** dbt's fqn method: sources are not matched (a source's tests are, by the folder of their YAML). */
function matchesFqn(node: Node, value: string): boolean {
  if (node.resourceType === 'source') return false;
  const fqn = fqnOf(node);
  const versioned = node.resourceType === 'model' && node.version !== undefined;
  return fqnMatches(fqn, value, versioned) || fqnMatches(fqn.slice(1), value, versioned);
}

/** dbt's file method: the file name, or the name without its extension. */
function matchesFile(node: Node, value: string): boolean {
  const base = nodeFile(node).split('/').pop() ?? '';
  return glob(value).test(base) || glob(value).test(base.replace(/\.[^.]*$/, ''));
}

function matchesPath(node: Node, value: string): boolean {
  const file = nodeFile(node);
  const clean = value.replace(/\/+$/, '');
  return file === clean || file.startsWith(`${clean}/`) || glob(clean).test(file);
}

function selectAtom(graph: Graph, atom: Atom): Set<string> {
  // `state:` and `result:` compare with another run (state-selection.ts), which the graph carries.
  const matches = atom.method === 'state' ? (n: Node) => matchesState(n, atom.value, graph.state)
    : atom.method === 'result' ? (n: Node) => matchesResult(n, atom.value, graph.state)
      : (n: Node) => matchesAtom(n, atom);
  const roots = atom.method === 'selector' ? namedSelections(graph, atom.value)
    : [...graph.nodes.values()].filter(matches).map((n) => n.uniqueId);
  const result = new Set(roots);
  for (const root of roots) {
    if (atom.parents > 0) for (const id of reachable(graph.parents, root, atom.parents).keys()) result.add(id);
    if (atom.children > 0 || atom.at) {
      for (const id of reachable(graph.children, root, atom.at ? Infinity : atom.children).keys()) {
        result.add(id);
        if (atom.at) for (const p of reachable(graph.parents, id).keys()) result.add(p);
      }
    }
  }
  return result;
}

/** The selectors.yml names being resolved by `selector:` (a selector reaching itself again is a cycle). */
const resolving: string[] = [];

/**
 * dbt-core 1.12's `selector:<pattern>` (SelectorSelectorMethod): the nodes of every selectors.yml selection whose name
 * matches the pattern (fnmatch, names in sorted order); operators then apply to them as to any method's nodes.
 */
function namedSelections(graph: Graph, pattern: string): string[] {
  const selectors = graph.selectors ?? [];
  const names = selectors.map((s) => s.name).filter((name) => fnmatch(name, pattern)).sort();
  if (names.length === 0) {
    const defined = selectors.map((s) => s.name).sort();
    throw new SelectionError(`'selector:${pattern}' matches no selector in selectors.yml (${defined.length ? `defined: ${defined.join(', ')}` : 'the project has none'})`);
  }
  const ids = new Set<string>();
  for (const name of names) {
    if (resolving.includes(name)) throw new SelectionError(`selectors refer to each other in a cycle: ${[...resolving, name].join(' -> ')}`);
    resolving.push(name);
    try {
      for (const id of selectWithSelector(graph, selectors, name)) ids.add(id);
    } finally {
      resolving.pop();
    }
  }
  return [...ids];
}

/** dbt's eager indirect selection: the tests of any selected node come along. */
function withTheirTests(graph: Graph, ids: Set<string>): Set<string> {
  const result = new Set(ids);
  for (const id of ids) {
    for (const child of graph.children.get(id) ?? []) if (graph.nodes.get(child)?.resourceType === 'test') result.add(child);
  }
  return result;
}

function selectExpression(graph: Graph, expression: string): Set<string> {
  const union = new Set<string>();
  for (const term of expression.split(/\s+/).filter(Boolean)) {
    // dbt brings no tests along for `selector:` (even for nodes its operators add): the named selection already chose
    // its tests, exclusions included (dbt/graph/selector.py, get_nodes_from_criteria).
    const parts = term.split(',').map((p) => parseAtom(p)).map((atom) => (atom.method === 'selector' ? selectAtom(graph, atom) : withTheirTests(graph, selectAtom(graph, atom))));
    const intersection = parts.reduce((acc, part) => new Set([...acc].filter((id) => part.has(id))));
    for (const id of intersection) union.add(id);
  }
  return union;
}

/**
 * The ids selected by `select` (everything when empty) minus those matched by `exclude`.
 *
 * @example
 * selectNodes(graph, ['source:app.transfers+'], []) // the source, every model downstream and their tests
 */
export function selectNodes(graph: Graph, select: string[], exclude: string[] = []): Set<string> {
  const selected = select.length === 0 ? new Set(graph.nodes.keys()) : selectExpression(graph, select.join(' '));
  // Excluding a node excludes its tests too: dbt subtracts the expanded sets.
  const excluded = exclude.length ? selectExpression(graph, exclude.join(' ')) : new Set<string>();
  for (const id of excluded) selected.delete(id);
  return selected;
}
