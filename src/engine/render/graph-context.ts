/**
 * dbt's `graph` and `model` context values: the project's nodes, sources and macros as dicts with dbt's
 * keys (`unique_id`, `name`, `resource_type`, `package_name`, `config`, `depends_on`, `fqn`, …), built
 * once per manifest. At parse time dbt's graph is empty; these are for run time.
 */
import type { Manifest, ModelNode, SeedNode, SourceTable, TestNode } from '../manifest';
import { qualified } from './relation';

export type NodeDict = Record<string, unknown>;

export interface GraphContext {
  nodes: Record<string, NodeDict>;
  sources: Record<string, NodeDict>;
  macros: Record<string, NodeDict>;
  exposures: Record<string, NodeDict>;
  metrics: Record<string, NodeDict>;
  groups: Record<string, NodeDict>;
  semantic_models: Record<string, NodeDict>;
  saved_queries: Record<string, NodeDict>;
  unit_tests: Record<string, NodeDict>;
}

/** What `graph` is at parse time in dbt: nothing yet. */
export function emptyGraph(): GraphContext {
  return { nodes: {}, sources: {}, macros: {}, exposures: {}, metrics: {}, groups: {}, semantic_models: {}, saved_queries: {}, unit_tests: {} };
}

/** A file path relative to the resource folder, as dbt's `path` (the manifest keeps the project-relative one). */
function pathInFolder(file: string): string {
  const parts = file.split('/');
  return parts.length > 1 ? parts.slice(1).join('/') : file;
}

function fqnOf(projectName: string, node: ModelNode | SeedNode | TestNode): string[] {
  if (node.resourceType === 'test') return [projectName, node.name];
  const folder = node.path ? node.path.split('/').filter(Boolean) : [];
  return [node.packageName ?? projectName, ...folder, node.name];
}

/**
 * One node as dbt's graph holds it.
 *
 * @example
 * nodeDict(manifest, manifest.models['model.demo.orders']).unique_id // 'model.demo.orders'
 */
export function nodeDict(manifest: Manifest, node: ModelNode | SeedNode | TestNode): NodeDict {
  const base: NodeDict = {
    unique_id: node.uniqueId,
    name: node.name,
    resource_type: node.resourceType,
    package_name: node.resourceType === 'test' ? manifest.projectName : node.packageName ?? manifest.projectName,
    path: pathInFolder(node.origin.file),
    original_file_path: node.origin.file,
    fqn: fqnOf(manifest.projectName, node),
    depends_on: { nodes: [...node.dependsOn], macros: [] },
    description: '',
    meta: {},
    columns: {},
    refs: [],
    sources: [],
  };
  if (node.resourceType === 'test') {
    const config = { enabled: true, severity: node.severity.toUpperCase(), tags: node.tags, store_failures: node.storeFailuresIn ? true : null, where: node.where ?? null, limit: node.limit ?? null, fail_calc: node.failCalc ?? 'count(*)', warn_if: node.warnIf ?? '!= 0', error_if: node.errorIf ?? '!= 0' };
    return {
      ...base, config, tags: node.tags, raw_code: node.rawSql, language: 'sql', column_name: node.columnName ?? null, attached_node: node.attachedTo,
      database: manifest.target.database, schema: manifest.target.schema, alias: node.name,
      ...(node.kind === 'generic' ? { test_metadata: { name: node.testName ?? '', kwargs: { column_name: node.columnName ?? null }, namespace: null } } : {}),
    };
  }
  const relation = node.relation;
  return {
    ...base,
    config: { ...node.config },
    tags: node.config.tags ?? [],
    database: relation.database ?? manifest.target.database,
    schema: relation.schema,
    alias: relation.identifier,
    identifier: relation.identifier,
    relation_name: qualified(relation),
    raw_code: node.resourceType === 'model' ? node.rawSql : '',
    language: 'sql',
    ...(node.resourceType === 'seed' ? { columns: Object.fromEntries(node.columns.map((c) => [c, { name: c, description: '', meta: {}, data_type: node.columnTypes[c] ?? null, tags: [] }])) } : {}),
  };
}

function sourceDict(manifest: Manifest, source: SourceTable): NodeDict {
  return {
    unique_id: source.uniqueId,
    name: source.name,
    source_name: source.sourceName,
    resource_type: 'source',
    package_name: manifest.projectName,
    path: source.origin.file,
    original_file_path: source.origin.file,
    fqn: [manifest.projectName, source.sourceName, source.name],
    database: source.relation.database ?? manifest.target.database,
    schema: source.relation.schema,
    identifier: source.relation.identifier,
    relation_name: qualified(source.relation),
    loaded_at_field: source.loadedAtField ?? null,
    meta: source.meta,
    tags: source.tags,
    config: { enabled: true },
    columns: {},
    description: '',
  };
}

/** `{% macro name(` in the project's macro source: the names dbt's `graph.macros` lists. */
const MACRO_DEFINITION = /\{%-?\s*(?:macro|test)\s+([A-Za-z_]\w*)\s*\(/g;

const graphs = new WeakMap<Manifest, GraphContext>();

/**
 * @example
 * graphOf(manifest).nodes['model.demo.orders'].config.materialized // 'table'
 */
export function graphOf(manifest: Manifest): GraphContext {
  let graph = graphs.get(manifest);
  if (!graph) {
    graph = emptyGraph();
    for (const node of [...Object.values(manifest.models), ...Object.values(manifest.seeds), ...Object.values(manifest.tests)]) {
      graph.nodes[node.uniqueId] = nodeDict(manifest, node);
    }
    for (const source of Object.values(manifest.sources)) graph.sources[source.uniqueId] = sourceDict(manifest, source);
    for (const match of manifest.macroSource.matchAll(MACRO_DEFINITION)) {
      const name = /^\{%-?\s*test\s/.test(match[0]) ? `test_${match[1]}` : match[1]!;
      const uniqueId = `macro.${manifest.projectName}.${name}`;
      graph.macros[uniqueId] = { unique_id: uniqueId, name, package_name: manifest.projectName, resource_type: 'macro', depends_on: { macros: [] } };
    }
    graphs.set(manifest, graph);
  }
  return graph;
}
