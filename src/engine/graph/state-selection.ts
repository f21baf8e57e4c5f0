/**
 * dbt's stateful selection ("slim CI"): `state:new`, `state:old`, `state:modified` with its sub-selectors
 * (`.body`, `.configs`, `.relation`, `.persisted_descriptions`, `.macros`, `.contract`), `state:unmodified`, and
 * `result:<status>` from the previous run's results. The state is a compiled manifest of another run (`--state DIR`:
 * the `landfall-manifest.json` that `landfall compile` writes, e.g. production's, or dbt-core's `manifest.json`:
 * dbt-state-manifest.ts) and its `run_results.json`.
 *
 * What "modified" compares, per dbt's definitions:
 *   - body: the node's SQL (models, tests), a seed's contents;
 *   - configs: the node's config (tags, materialization, hooks, …), without the keys dbt leaves out of the comparison;
 *   - relation: the database/schema/identifier it builds;
 *   - persisted_descriptions: descriptions, only when `persist_docs` is on;
 *   - macros: a macro the node calls (directly or through other macros) has changed, been added or removed;
 *   - contract: an enforced contract's columns, types or constraints (or enforcement itself) changed.
 * A node new in the current project is both `state:new` and `state:modified` (and every `state:modified.<part>` but
 * `.macros`). Checked against dbt-core 1.10.23 on one project with a changed body, macro, contract and a new model:
 * `state:modified`, `state:modified+`, `state:new` and each sub-selector list the same models on both tools.
 */
import { SelectionError } from '../errors';
import type { Manifest, Node } from '../manifest';
import { modifiedSinceDbtCore, type DbtCoreState } from './dbt-state-manifest';
import { macrosCalledBy } from './macro-calls';

export interface SelectionState {
  /** The manifest `--state` points at; undefined when no `--state` was given. */
  previous?: Manifest;
  /** When `--state` holds dbt-core's manifest.json: its nodes as dbt wrote them, compared as dbt does (dbt-state-manifest.ts). */
  dbtCore?: DbtCoreState;
  /** The statuses of the previous run's nodes (`run_results.json` in the state folder), by unique id. */
  results?: Record<string, string>;
  /** The current manifest (for the macro comparison). */
  current?: Manifest;
}

const MODIFIED_PARTS = ['body', 'configs', 'relation', 'persisted_descriptions', 'macros', 'contract'] as const;
type ModifiedPart = (typeof MODIFIED_PARTS)[number];

function nodesOf(manifest: Manifest): Map<string, Node> {
  return new Map<string, Node>([
    ...Object.values(manifest.sources), ...Object.values(manifest.seeds), ...Object.values(manifest.models), ...Object.values(manifest.tests),
  ].map((n) => [n.uniqueId, n]));
}

const nodeMaps = new WeakMap<Manifest, Map<string, Node>>();
function nodeIn(manifest: Manifest, id: string): Node | undefined {
  let map = nodeMaps.get(manifest);
  if (!map) nodeMaps.set(manifest, (map = nodesOf(manifest)));
  return map.get(id);
}

/** Stable JSON (sorted keys) for comparing configs and contracts. */
function stable(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (v && typeof v === 'object' && !Array.isArray(v)
    ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
    : v));
}

function body(node: Node): unknown {
  switch (node.resourceType) {
    case 'model': return node.rawSql;
    case 'test': return node.rawSql;
    case 'seed': return [node.columns, node.rows];
    case 'source': return [node.relation, node.loadedAtField, node.freshness];
  }
}

function configOf(node: Node): unknown {
  if (node.resourceType === 'model' || node.resourceType === 'seed') {
    // dbt leaves descriptions' persistence and the contract to their own sub-selectors.
    const { persist_docs: _docs, contract: _contract, ...rest } = node.config;
    return rest;
  }
  if (node.resourceType === 'test') return { severity: node.severity, where: node.where, errorIf: node.errorIf, warnIf: node.warnIf, limit: node.limit, tags: node.tags, storeFailures: node.storeFailuresIn !== undefined };
  return { meta: node.meta, tags: node.tags };
}

function descriptionsOf(node: Node): unknown {
  if (!('config' in node) || !node.config.persist_docs) return undefined;
  const withDocs = node as Node & { description?: unknown; columnDescriptions?: unknown };
  return [node.config.persist_docs, withDocs.description, withDocs.columnDescriptions];
}

function contractOf(node: Node): unknown {
  return node.resourceType === 'model' ? [node.config.contract ?? null, node.contract ?? null] : undefined;
}

const MACRO_BLOCK = /\{%-?\s*macro\s+([A-Za-z_][\w]*)\s*\(([\s\S]*?)\{%-?\s*endmacro\s*-?%\}/g;
const macroMaps = new WeakMap<Manifest, Map<string, string>>();

/** The project's macros (and packages'), name → definition text, from the macro library of a manifest. */
function macrosOf(manifest: Manifest): Map<string, string> {
  let map = macroMaps.get(manifest);
  if (!map) {
    map = new Map();
    for (const match of manifest.macroSource.matchAll(MACRO_BLOCK)) map.set(match[1]!, match[0]);
    macroMaps.set(manifest, map);
  }
  return map;
}

function nodeTemplates(node: Node): string {
  if (node.resourceType === 'model') return [node.rawSql, JSON.stringify(node.config.pre_hook ?? ''), JSON.stringify(node.config.post_hook ?? '')].join('\n');
  if (node.resourceType === 'test') return node.rawSql;
  return '';
}

function macrosChanged(node: Node, current: Manifest, previous: Manifest): boolean {
  const now = macrosOf(current);
  const before = macrosOf(previous);
  for (const name of new Set([...macrosCalledBy(nodeTemplates(node), now), ...macrosCalledBy(nodeTemplates(node), before)])) {
    if (now.get(name) !== before.get(name)) return true;
  }
  return false;
}

function modifiedPart(part: ModifiedPart, node: Node, old: Node, state: SelectionState): boolean {
  if (state.dbtCore) return modifiedSinceDbtCore(part, node, { dbt: state.dbtCore, current: state.current });
  switch (part) {
    case 'body': return stable(body(node)) !== stable(body(old));
    case 'configs': return stable(configOf(node)) !== stable(configOf(old));
    case 'relation': return 'relation' in node && stable(node.relation) !== stable((old as typeof node).relation);
    case 'persisted_descriptions': return stable(descriptionsOf(node)) !== stable(descriptionsOf(old));
    case 'macros': return state.current !== undefined && macrosChanged(node, state.current, state.previous!);
    case 'contract': return stable(contractOf(node)) !== stable(contractOf(old));
  }
}

/**
 * Whether `node` matches `state:<value>`.
 *
 * @example
 * matchesState(node, 'modified.body', { previous, current }) // true when the model's SQL changed
 */
export function matchesState(node: Node, value: string, state: SelectionState | undefined): boolean {
  if (!state?.previous) {
    throw new SelectionError(`'state:${value}' compares with another run's manifest: pass --state DIR (a folder holding the landfall-manifest.json that 'landfall compile' wrote)`);
  }
  const old = nodeIn(state.previous, node.uniqueId);
  const [kind, part, ...extra] = value.split('.');
  if (extra.length || (part !== undefined && (kind !== 'modified' || !(MODIFIED_PARTS as readonly string[]).includes(part)))) {
    throw new SelectionError(`unknown state selector 'state:${value}' (known: new, old, modified, unmodified, ${MODIFIED_PARTS.map((p) => `modified.${p}`).join(', ')})`);
  }
  switch (kind) {
    case 'new': return old === undefined;
    case 'old': return old !== undefined;
    case 'modified':
      // A new node is modified by every sub-selector but `.macros` (as dbt-core 1.10's selection gives).
      if (!old) return part !== 'macros';
      return (part ? [part as ModifiedPart] : MODIFIED_PARTS).some((p) => modifiedPart(p, node, old, state));
    case 'unmodified':
      return old !== undefined && !MODIFIED_PARTS.some((p) => modifiedPart(p, node, old, state));
    default:
      throw new SelectionError(`unknown state selector 'state:${value}' (known: new, old, modified, unmodified, ${MODIFIED_PARTS.map((p) => `modified.${p}`).join(', ')})`);
  }
}

const RESULT_STATUSES = ['success', 'error', 'fail', 'warn', 'pass', 'skipped'];

/** Whether `node` matches `result:<status>`: its status in the previous run's results. */
export function matchesResult(node: Node, value: string, state: SelectionState | undefined): boolean {
  if (!RESULT_STATUSES.includes(value)) throw new SelectionError(`unknown result status 'result:${value}' (known: ${RESULT_STATUSES.join(', ')})`);
  if (!state?.results) {
    throw new SelectionError(`'result:${value}' reads the previous run's results: pass --state DIR (a folder holding run_results.json, which every landfall build writes in its state folder)`);
  }
  return state.results[node.uniqueId] === value;
}
