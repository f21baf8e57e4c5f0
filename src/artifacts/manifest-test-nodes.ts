/**
 * The entries of dbt's manifest.json (v12) for landfall's tests: generic and singular tests under `nodes` (with
 * dbt's ids, aliases, fqn, `test_metadata`, and `depends_on` in dbt's order) and unit tests under `unit_tests`.
 */
import { createHash } from 'node:crypto';
import type { TestNode } from '../engine/manifest';
import { testMetadataOf } from './dbt-ids';
import { relationName } from './artifact-metadata';
import { checksumOf, refsOf, resourcePath, sourcesOf, type Json, type NodeContext } from './manifest-nodes';

export function testNode(test: TestNode, ctx: NodeContext): Json {
  const id = ctx.idOf(test.uniqueId);
  const metadata = testMetadataOf(ctx.manifest, test);
  const dependsOn = testDependsOn(test, ctx);
  const packageName = id.split('.')[1] ?? ctx.manifest.projectName;
  const compiled = ctx.compiled?.get(test.uniqueId);
  const config: Json = {
    enabled: true, alias: null, schema: 'dbt_test__audit', database: null, tags: test.tags, meta: {}, group: null, materialized: 'test',
    severity: test.severity.toUpperCase(), store_failures: test.storeFailuresIn ? true : null, store_failures_as: test.storeFailuresAs ?? null,
    where: test.where ?? null, limit: test.limit ?? null, fail_calc: test.failCalc ?? 'count(*)',
    warn_if: test.warnIf ?? '!= 0', error_if: test.errorIf ?? '!= 0',
  };
  const node: Json = {
    database: ctx.manifest.target.database,
    schema: `${ctx.manifest.target.schema}_dbt_test__audit`,
    name: test.name,
    resource_type: 'test',
    package_name: packageName,
    path: metadata ? `${testAlias(ctx, test, metadata)}.sql` : resourcePath(test.origin.file),
    original_file_path: test.origin.file,
    unique_id: id,
    fqn: testFqn(test, packageName, Boolean(metadata)),
    alias: test.storeFailuresIn?.identifier ?? (metadata ? testAlias(ctx, test, metadata) : test.name),
    checksum: metadata ? { name: 'none', checksum: '' } : checksumOf(ctx, packageName, test.origin.file, test.rawSql),
    config,
    tags: test.tags,
    description: '',
    columns: {},
    meta: {},
    group: null,
    docs: { show: true, node_color: null },
    patch_path: null,
    build_path: null,
    unrendered_config: {},
    created_at: ctx.createdAt,
    relation_name: test.storeFailuresIn ? relationName(ctx.manifest, test.storeFailuresIn) : null,
    raw_code: metadata ? `{{ test_${metadata.name}(**_dbt_generic_test_kwargs) }}` : test.rawSql,
    doc_blocks: [],
    language: 'sql',
    refs: refsOf(ctx, dependsOn),
    sources: sourcesOf(ctx, dependsOn),
    metrics: [],
    depends_on: { macros: [], nodes: dependsOn },
    compiled_path: null,
    ...(compiled === undefined ? {} : { compiled: true, compiled_code: compiled, extra_ctes_injected: true, extra_ctes: [] }),
    contract: { enforced: false, alias_types: true, checksum: null },
  };
  if (metadata) {
    const attached = test.attachedTo;
    Object.assign(node, {
      column_name: test.columnName ?? null,
      file_key_name: attached.startsWith('source.') ? `sources.${ctx.manifest.sources[attached]?.sourceName ?? ''}` : `models.${ctx.manifest.models[attached]?.name ?? ctx.manifest.seeds[attached]?.name ?? ''}`,
      attached_node: attached.startsWith('source.') ? null : attached,
      test_metadata: metadata,
    });
  }
  return node;
}

/**
 * A test's depends_on in dbt's order, which consumers read positionally (dbt-coverage takes a relationships test's
 * last node as the tested table): sources before refs, and within each the test's arguments (`to:`) before the
 * `model` argument dbt appends last.
 */
export function testDependsOn(test: TestNode, ctx: NodeContext): string[] {
  const ids = [...new Set(test.dependsOn)];
  const others = ids.filter((id) => id !== test.attachedTo);
  const attached = ids.includes(test.attachedTo) ? [test.attachedTo] : [];
  const isSource = (id: string) => id.startsWith('source.');
  return [...others.filter(isSource), ...attached.filter(isSource), ...others.filter((id) => !isSource(id)), ...attached.filter((id) => !isSource(id))].map(ctx.idOf);
}

/**
 * dbt's short name of a generic test (its alias and compiled file name): the name, or when 64 characters or longer,
 * the first 30 characters of `<namespace>_<test>_<target>` and the md5 of the full name (synthesize_generic_test_names).
 */
export function testAlias(ctx: NodeContext, test: TestNode, metadata: { name: string; namespace: string | null }): string {
  if (test.name.length < 64) return test.name;
  const source = ctx.manifest.sources[test.attachedTo];
  const model = ctx.manifest.models[test.attachedTo];
  const target = source ? `${source.sourceName}_${source.name}` : model ? (model.version === undefined ? model.name : `${model.name}_v${model.version}`) : ctx.manifest.seeds[test.attachedTo]?.name ?? '';
  const identifier = `${metadata.namespace ? `${metadata.namespace}_` : ''}${source ? 'source_' : ''}${metadata.name}_${target}`;
  return `${identifier.slice(0, 30)}_${createHash('md5').update(test.name).digest('hex')}`;
}

/** dbt's test fqn: package, the folders of the YAML file (generic) or test file (singular) under its root folder, name. */
export function testFqn(test: TestNode, packageName: string, generic: boolean): string[] {
  const folders = test.origin.file.split('/').slice(1, -1);
  return generic ? [packageName, ...folders, test.name] : [packageName, ...folders, test.name];
}

export function unitTestNode(test: TestNode, ctx: NodeContext): Json {
  const [, packageName = ctx.manifest.projectName, modelName = ''] = test.uniqueId.split('.');
  const modelId = test.unitTest!.model;
  return {
    model: ctx.manifest.models[modelId]?.name ?? modelName,
    given: [],
    expect: { rows: null, format: 'dict', fixture: null },
    name: test.name,
    resource_type: 'unit_test',
    package_name: packageName,
    path: resourcePath(test.origin.file),
    original_file_path: test.origin.file,
    unique_id: test.uniqueId,
    fqn: [packageName, ...test.origin.file.split('/').slice(1, -1), modelName, test.name],
    description: '',
    depends_on: { macros: [], nodes: [modelId] },
    config: { tags: test.tags, meta: {}, enabled: true },
    checksum: null,
    schema: ctx.manifest.models[modelId]?.relation.schema ?? null,
    created_at: ctx.createdAt,
    versions: null,
    version: null,
  };
}

