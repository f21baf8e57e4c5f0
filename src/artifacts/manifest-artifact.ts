/**
 * dbt's `manifest.json` (schema v12, https://schemas.getdbt.com/dbt/manifest/v12.json) from landfall's compiled
 * manifest: nodes (models, snapshots, analyses, seeds, tests) with dbt's ids, fqn, paths, checksums, configs with
 * dbt's defaults, refs/sources/depends_on, raw (and, when given, compiled) code; sources; macros and docs blocks;
 * exposures; unit tests; parent_map/child_map. Descriptions and columns come from `ProjectDocs` when the caller has
 * the project files (the CLI); without them (a Lambda function) nodes carry empty descriptions.
 *
 * Pure: the same inputs give the same JSON (`generated_at` and `invocation_id` are inputs).
 */
import { createHash } from 'node:crypto';
import type { Manifest, TestNode } from '../engine/manifest';
import { dbtTestId } from './dbt-ids';
import { emptyProjectDocs, type ProjectDocs } from './project-docs';
import { DBT_VERSION, type ArtifactMetadataInput, artifactMetadata } from './artifact-metadata';
import { exposureNode, modelNode, seedNode, sourceNode, type Json, type NodeContext } from './manifest-nodes';
import { testNode, unitTestNode } from './manifest-test-nodes';
import { assembleManifest, type ManifestFragments } from './manifest-fragments';
import { splicedManifest } from './manifest-splice';
import { parentAndChildMaps, parentsOf, type NodeSection } from './manifest-maps';

export const MANIFEST_SCHEMA = 'https://schemas.getdbt.com/dbt/manifest/v12.json';

export interface ManifestArtifactInput extends ArtifactMetadataInput {
  manifest: Manifest;
  docs?: ProjectDocs;
  /** Compiled SQL by landfall id (`landfall compile` renders models), as dbt's `compiled_code`. */
  compiledCode?: ReadonlyMap<string, string>;
}

/** One entry of a node section, before it is built: what it is made from, and how to build it. */
export type EntrySpec =
  | { section: 'nodes'; kind: 'model'; node: Manifest['models'][string]; build: () => Json }
  | { section: 'nodes'; kind: 'seed'; node: Manifest['seeds'][string]; build: () => Json }
  | { section: 'nodes' | 'unit_tests'; kind: 'test'; node: TestNode; build: () => Json }
  | { section: 'sources'; kind: 'source'; node: Manifest['sources'][string]; build: () => Json }
  | { section: 'exposures'; kind: 'exposure'; node: NonNullable<Manifest['definitions']>[string]; build: () => Json };

/**
 * @example
 * const artifact = manifestArtifact({ manifest, docs: readProjectDocs('dbt'), invocationId, generatedAt: new Date() });
 * fs.writeFileSync('dbt/target/manifest.json', JSON.stringify(artifact));
 */
export function manifestArtifact(input: ManifestArtifactInput): Json {
  const ctx = nodeContext(input);
  const sections: Record<NodeSection, Record<string, Json>> = { nodes: {}, sources: {}, exposures: {}, unit_tests: {} };
  const parents = new Map<string, string[]>();
  for (const spec of entrySpecs(ctx)) {
    const entry = spec.build();
    const id = entry.unique_id as string;
    sections[spec.section][id] = entry;
    parents.set(id, parentsOf(spec.section, entry));
  }
  const { parentMap, childMap } = parentAndChildMaps(sections, parents);
  return {
    metadata: manifestMetadata(input),
    nodes: sections.nodes,
    sources: sections.sources,
    macros: macrosOf(ctx),
    docs: docBlocksOf(ctx),
    exposures: sections.exposures,
    metrics: {},
    groups: {},
    selectors: selectorsOf(input.manifest),
    disabled: {},
    parent_map: parentMap,
    child_map: childMap,
    group_map: {},
    saved_queries: {},
    semantic_models: {},
    unit_tests: sections.unit_tests,
  };
}

/**
 * manifest.json's text, equal to `JSON.stringify(manifestArtifact(input))`. With `fragments` (manifest-fragments.ts),
 * each node entry whose inputs are unchanged since the fragments last saw it is reused as text, not built and
 * serialised again; the fragments then hold this text's entries for the next call. When the fragments vouch for the
 * last file (`trustUnchangedSince`), it is spliced instead (manifest-splice.ts): equal but for the `created_at` of the
 * entries and macros it kept.
 *
 * @example
 * fs.writeFileSync('dbt/target/manifest.json', manifestArtifactText({ manifest, docs, invocationId, generatedAt }, fragments));
 */
export function manifestArtifactText(input: ManifestArtifactInput, fragments?: ManifestFragments): string {
  return manifestArtifactBytes(input, fragments).toString('utf8');
}

/** {@link manifestArtifactText} as UTF-8, what is written to the file (reused fragments are copied as bytes). */
export function manifestArtifactBytes(input: ManifestArtifactInput, fragments?: ManifestFragments): Buffer {
  const ctx = nodeContext(input);
  const parts = {
    ctx,
    specs: entrySpecs(ctx),
    head: { metadata: manifestMetadata(input) },
    middle: () => ({ macros: macrosOf(ctx), docs: docBlocksOf(ctx) }),
    selectors: selectorsOf(input.manifest),
  };
  // After a recompile that only patched model texts: the last file with a few ranges replaced (manifest-splice.ts).
  return (fragments && splicedManifest(parts, fragments)) || assembleManifest({ ...parts, fragments });
}

/** What every node builder reads: the manifest, the docs, dbt's ids, the time, compiled SQL, tests by node. */
export function nodeContext(input: ManifestArtifactInput): NodeContext {
  const { manifest } = input;
  // Made when an entry is first built or keyed: a recompile that reuses every entry unkeyed never needs it.
  let testsByNode: Map<string, TestNode[]> | undefined;
  const testsOf = () => {
    if (testsByNode) return testsByNode;
    testsByNode = new Map();
    for (const test of Object.values(manifest.tests)) {
      if (test.kind !== 'generic' || test.unitTest) continue;
      const attached = testsByNode.get(test.attachedTo);
      if (attached) attached.push(test);
      else testsByNode.set(test.attachedTo, [test]);
    }
    return testsByNode;
  };
  // dbt's ids differ from landfall's for generic tests only (dbt-ids.ts); each is computed when first asked for.
  const dbtIds = new Map<string, string>();
  const idOf = (id: string) => {
    const test = manifest.tests[id];
    if (!test) return id;
    let dbtId = dbtIds.get(id);
    if (dbtId === undefined) dbtIds.set(id, (dbtId = test.unitTest ? test.uniqueId : dbtTestId(manifest, test)));
    return dbtId;
  };
  return {
    manifest, docs: input.docs ?? emptyProjectDocs(), idOf, createdAt: input.generatedAt.getTime() / 1000, compiled: input.compiledCode,
    get testsByNode() {
      return testsOf();
    },
  };
}

/** Every node entry in the order manifest.json lists them: models, analyses, seeds, tests; sources; exposures. */
export function entrySpecs(ctx: NodeContext): EntrySpec[] {
  const { manifest } = ctx;
  const specs: EntrySpec[] = [];
  for (const model of Object.values(manifest.models)) specs.push({ section: 'nodes', kind: 'model', node: model, build: () => modelNode(model, ctx) });
  for (const analysis of Object.values(manifest.analyses ?? {})) specs.push({ section: 'nodes', kind: 'model', node: analysis, build: () => modelNode(analysis, ctx) });
  for (const seed of Object.values(manifest.seeds)) specs.push({ section: 'nodes', kind: 'seed', node: seed, build: () => seedNode(seed, ctx) });
  for (const test of Object.values(manifest.tests)) {
    specs.push(test.unitTest
      ? { section: 'unit_tests', kind: 'test', node: test, build: () => unitTestNode(test, ctx) }
      : { section: 'nodes', kind: 'test', node: test, build: () => testNode(test, ctx) });
  }
  for (const source of Object.values(manifest.sources)) specs.push({ section: 'sources', kind: 'source', node: source, build: () => sourceNode(source, ctx) });
  for (const definition of Object.values(manifest.definitions ?? {})) {
    if (definition.resourceType === 'exposure') specs.push({ section: 'exposures', kind: 'exposure', node: definition, build: () => exposureNode(definition, ctx) });
  }
  return specs;
}

function manifestMetadata(input: ManifestArtifactInput): Json {
  const { manifest } = input;
  return {
    ...artifactMetadata(MANIFEST_SCHEMA, input),
    project_name: manifest.projectName,
    project_id: createHash('md5').update(manifest.projectName).digest('hex'),
    user_id: null,
    send_anonymous_usage_stats: false,
    adapter_type: manifest.target.type,
    quoting: { database: true, schema: true, identifier: true, column: null },
  };
}

function macrosOf(ctx: NodeContext): Record<string, Json> {
  const macros: Record<string, Json> = {};
  for (const macro of ctx.docs.macros) {
    macros[macro.uniqueId] = {
      name: macro.name, resource_type: 'macro', package_name: macro.packageName, path: macro.file, original_file_path: macro.file,
      unique_id: macro.uniqueId, macro_sql: macro.sql, depends_on: { macros: [] }, description: '', meta: {},
      docs: { show: true, node_color: null }, patch_path: null,
      // dbt lists only arguments documented in YAML (macros: properties), never the signature's.
      arguments: [], created_at: ctx.createdAt, supported_languages: null,
    };
  }
  return macros;
}

function docBlocksOf(ctx: NodeContext): Record<string, Json> {
  const docBlocks: Record<string, Json> = {};
  for (const block of ctx.docs.docs) {
    docBlocks[block.uniqueId] = {
      name: block.name, resource_type: 'doc', package_name: block.packageName, path: block.file.split('/').slice(1).join('/') || block.file,
      original_file_path: block.file, unique_id: block.uniqueId, block_contents: block.contents,
    };
  }
  return docBlocks;
}

function selectorsOf(manifest: Manifest): Json {
  return Object.fromEntries((manifest.selectors ?? []).map((s) => [s.name, s]));
}

export { DBT_VERSION };
