/**
 * The key of a manifest.json node entry: a hash of everything its builder (manifest-nodes.ts, manifest-test-nodes.ts)
 * reads, so an entry kept as text (manifest-fragments.ts) is reused exactly when building it again would give the same
 * text. Besides the landfall node itself, a builder reads:
 * - the target's database and schema, and the project's name (relation names, refs' `package`);
 * - its docs entry (descriptions, columns, meta, patch path) and its file's text (dbt's checksum);
 * - its compiled SQL (`landfall compile`);
 * - of each node it depends on (and a test of the node it is attached to): the name, package and version of a model or
 *   seed, the source and table names of a source — a renamed or re-versioned upstream changes `refs`, a test's id;
 * - a model's generic tests (dbt's `primary_key` is inferred from them), a unit test's model's name and schema;
 * - the builders' own code: a landfall version that builds entries differently never reuses another's fragments.
 */
import { contentHash } from '../engine/project/partial-parse';
import type { Manifest, ModelNode, TestNode } from '../engine/manifest';
import { codeVersion } from '../engine/code-version';
import * as artifactMetadata from './artifact-metadata';
import * as dbtIds from './dbt-ids';
import type { EntrySpec } from './manifest-artifact';
import * as nodeBuilders from './manifest-nodes';
import type { NodeContext } from './manifest-nodes';
import * as testBuilders from './manifest-test-nodes';

let builderCode: string | undefined;

/**
 * This build of landfall (engine/code-version.ts: a helper these builders call can change with no exported function
 * changing) and the code of every function that builds an entry.
 */
function builderFingerprint(): string {
  builderCode ??= contentHash([codeVersion(), ...[artifactMetadata, dbtIds, nodeBuilders, testBuilders]
    .flatMap((module) => Object.values(module).filter((value) => typeof value === 'function').map(String))].join('\n'));
  return builderCode;
}

/** What every entry of one manifest shares. */
const shared = new WeakMap<NodeContext, string>();

function sharedPart(ctx: NodeContext): string {
  let part = shared.get(ctx);
  if (part === undefined) {
    const { target, projectName } = ctx.manifest;
    part = JSON.stringify([builderFingerprint(), projectName, target.database, target.schema, target.type]);
    shared.set(ctx, part);
  }
  return part;
}

/** What an entry reads of a node it depends on or is attached to. */
function upstream(manifest: Manifest, id: string): unknown {
  const model: ModelNode | undefined = manifest.models[id];
  if (model) return ['model', model.name, model.packageName, model.version ?? null, model.relation.schema];
  const seed = manifest.seeds[id];
  if (seed) return ['seed', seed.name, seed.packageName];
  const source = manifest.sources[id];
  if (source) return ['source', source.sourceName, source.name];
  return id;
}

function testsOf(ctx: NodeContext, id: string): unknown {
  return (ctx.testsByNode.get(id) ?? []).map((test) => [test.testMetadata?.name ?? null, test.testMetadata?.kwargs ?? null]);
}

function fileText(ctx: NodeContext, packageName: string, file: string): string | null {
  return ctx.docs.fileTexts.get(`${packageName}://${file}`) ?? null;
}

function packageOfId(id: string, ctx: NodeContext): string {
  return id.split('.')[1] ?? ctx.manifest.projectName;
}

/** The key of one entry (see the file comment). */
export function entryKey(spec: EntrySpec, ctx: NodeContext): string {
  const { manifest } = ctx;
  let inputs: unknown[];
  switch (spec.kind) {
    case 'model': {
      const model = spec.node;
      const kind = model.uniqueId.startsWith('analysis.') ? 'analysis' : model.config.materialized === 'snapshot' ? 'snapshot' : 'model';
      inputs = [model, ctx.docs.nodes.get(`${model.packageName}.${kind}.${model.name}`) ?? null, fileText(ctx, model.packageName, model.origin.file),
        ctx.compiled?.get(model.uniqueId) ?? null, model.dependsOn.map((id) => upstream(manifest, id)), testsOf(ctx, model.uniqueId)];
      break;
    }
    case 'seed': {
      const seed = spec.node;
      inputs = [seed, ctx.docs.nodes.get(`${seed.packageName}.seed.${seed.name}`) ?? null, fileText(ctx, seed.packageName, seed.origin.file)];
      break;
    }
    case 'test': {
      const test: TestNode = spec.node;
      const model = test.unitTest ? manifest.models[test.unitTest.model] : undefined;
      // Only a singular test's checksum reads its file; a generic test's file is the whole YAML file (tens of kB per key).
      const singular = test.kind !== 'generic' && !test.unitTest;
      inputs = [test, upstream(manifest, test.attachedTo), test.dependsOn.map((id) => upstream(manifest, id)), ctx.compiled?.get(test.uniqueId) ?? null,
        singular ? fileText(ctx, packageOfId(test.uniqueId, ctx), test.origin.file) : null, model ? [model.name, model.relation.schema] : null];
      break;
    }
    case 'source': {
      const source = spec.node;
      inputs = [source, ctx.docs.sources.get(`${packageOfId(source.uniqueId, ctx)}.${source.sourceName}.${source.name}`) ?? null];
      break;
    }
    case 'exposure':
      inputs = [spec.node, spec.node.dependsOn.map((id) => upstream(manifest, id))];
      break;
  }
  return contentHash(`${sharedPart(ctx)}\n${spec.kind}\n${JSON.stringify(inputs)}`);
}
