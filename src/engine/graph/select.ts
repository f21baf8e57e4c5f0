/**
 * dbt node selection: `name`, `+name`, `name+`, `2+name`, `name+1`, `@name`, `tag:x`, `path:models/staging`,
 * `source:src.table+`, `resource_type:model`, `config.materialized:table`, globs (`stg_*`), unions (spaces
 * or repeated flags), intersections (commas) and `--exclude`.
 */
import { SelectionError } from '../errors';
import type { Node } from '../manifest';
import { type Graph, reachable } from './graph';

interface Atom {
  method: string;
  value: string;
  parents: number;
  children: number;
  at: boolean;
}

const ATOM = /^(@)?(?:(\d*)\+)?([^+]+?)(?:\+(\d*))?$/;
const METHODS = new Set(['name', 'tag', 'path', 'source', 'resource_type', 'config.materialized', 'fqn', 'test_name', 'file']);

function parseAtom(text: string): Atom {
  const match = ATOM.exec(text);
  if (!match) throw new SelectionError(`cannot parse selector '${text}'`);
  const [, at, up, body, down] = match;
  const colon = body!.indexOf(':');
  const method = colon > 0 ? body!.slice(0, colon) : 'name';
  const value = colon > 0 ? body!.slice(colon + 1) : body!;
  if (!METHODS.has(method)) {
    throw new SelectionError(`unknown selector method '${method}:' in '${text}' (known: ${[...METHODS].join(', ')})`);
  }
  if (value === '') throw new SelectionError(`selector '${text}' has an empty value`);
  const hopCount = (s: string | undefined, hasPlus: boolean) => (!hasPlus ? 0 : s ? Number(s) : Infinity);
  return {
    method,
    value,
    at: Boolean(at),
    parents: hopCount(up, text.replace(/^@/, '').match(/^\d*\+/) !== null),
    children: hopCount(down, /\+\d*$/.test(text)),
  };
}

function glob(pattern: string): RegExp {
  return new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
}

function nodeFile(node: Node): string {
  return 'origin' in node ? node.origin.file : '';
}

function matchesAtom(node: Node, atom: Atom): boolean {
  const value = atom.value;
  switch (atom.method) {
    case 'name':
    case 'fqn':
    case 'test_name': {
      if (value.includes('/') || value.endsWith('.sql')) return matchesPath(node, value);
      const name = node.resourceType === 'source' ? `${node.sourceName}.${node.name}` : node.name;
      return glob(value).test(node.name) || glob(value).test(name);
    }
    case 'tag':
      return 'tags' in node ? node.tags.some((t) => glob(value).test(t)) : 'config' in node && node.config.tags.some((t) => glob(value).test(t));
    case 'path':
    case 'file':
      return matchesPath(node, value);
    case 'source': {
      if (node.resourceType !== 'source') return false;
      const [src, table = '*'] = value.split('.');
      return glob(src!).test(node.sourceName) && glob(table).test(node.name);
    }
    case 'resource_type':
      return node.resourceType === value;
    case 'config.materialized':
      return 'config' in node && node.config.materialized === value;
    default:
      return false;
  }
}

function matchesPath(node: Node, value: string): boolean {
  const file = nodeFile(node);
  const clean = value.replace(/\/+$/, '');
  return file === clean || file.startsWith(`${clean}/`) || glob(clean).test(file);
}

function selectAtom(graph: Graph, atom: Atom): Set<string> {
  const roots = [...graph.nodes.values()].filter((n) => matchesAtom(n, atom)).map((n) => n.uniqueId);
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

function selectExpression(graph: Graph, expression: string): Set<string> {
  const union = new Set<string>();
  for (const term of expression.split(/\s+/).filter(Boolean)) {
    const parts = term.split(',').map((p) => selectAtom(graph, parseAtom(p)));
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
  const excluded = exclude.length ? selectExpression(graph, exclude.join(' ')) : new Set<string>();
  for (const id of excluded) selected.delete(id);
  // dbt's eager indirect selection: a test comes along when any node it tests is selected.
  for (const [id, node] of graph.nodes) {
    if (node.resourceType !== 'test' || selected.has(id) || excluded.has(id)) continue;
    if ((graph.parents.get(id) ?? []).some((parent) => selected.has(parent))) selected.add(id);
  }
  return selected;
}
