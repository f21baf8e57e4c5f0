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
import type { DefinitionNode, Manifest, ModelNode, NodeConfig, SeedNode, SourceTable, TestNode } from '../engine/manifest';
import { fqnOf } from '../engine/graph/select';
import { dbtIdMap, testMetadataOf } from './dbt-ids';
import { emptyProjectDocs, type ColumnDocs, type NodeDocs, type ProjectDocs } from './project-docs';
import { DBT_VERSION, relationName, type ArtifactMetadataInput, artifactMetadata } from './artifact-metadata';

export const MANIFEST_SCHEMA = 'https://schemas.getdbt.com/dbt/manifest/v12.json';

export interface ManifestArtifactInput extends ArtifactMetadataInput {
  manifest: Manifest;
  docs?: ProjectDocs;
  /** Compiled SQL by landfall id (`landfall compile` renders models), as dbt's `compiled_code`. */
  compiledCode?: ReadonlyMap<string, string>;
}

type Json = Record<string, unknown>;

/**
 * @example
 * const artifact = manifestArtifact({ manifest, docs: readProjectDocs('dbt'), invocationId, generatedAt: new Date() });
 * fs.writeFileSync('dbt/target/manifest.json', JSON.stringify(artifact));
 */
export function manifestArtifact(input: ManifestArtifactInput): Json {
  const { manifest } = input;
  const docs = input.docs ?? emptyProjectDocs();
  const ids = dbtIdMap(manifest);
  const idOf = (id: string) => ids.get(id) ?? id;
  const createdAt = input.generatedAt.getTime() / 1000;
  const testsByNode = new Map<string, TestNode[]>();
  for (const test of Object.values(manifest.tests)) {
    if (test.kind !== 'generic' || test.unitTest) continue;
    const attached = testsByNode.get(test.attachedTo);
    if (attached) attached.push(test);
    else testsByNode.set(test.attachedTo, [test]);
  }
  const ctx: NodeContext = { manifest, docs, idOf, createdAt, compiled: input.compiledCode, testsByNode };

  const nodes: Record<string, Json> = {};
  const unitTests: Record<string, Json> = {};
  for (const model of Object.values(manifest.models)) nodes[model.uniqueId] = modelNode(model, ctx);
  for (const analysis of Object.values(manifest.analyses ?? {})) nodes[analysis.uniqueId] = modelNode(analysis, ctx);
  for (const seed of Object.values(manifest.seeds)) nodes[seed.uniqueId] = seedNode(seed, ctx);
  for (const test of Object.values(manifest.tests)) {
    if (test.unitTest) unitTests[test.uniqueId] = unitTestNode(test, ctx);
    else nodes[idOf(test.uniqueId)] = testNode(test, ctx);
  }
  const sources: Record<string, Json> = {};
  for (const source of Object.values(manifest.sources)) sources[source.uniqueId] = sourceNode(source, ctx);
  const exposures: Record<string, Json> = {};
  for (const definition of Object.values(manifest.definitions ?? {})) {
    if (definition.resourceType === 'exposure') exposures[definition.uniqueId] = exposureNode(definition, ctx);
  }
  const macros: Record<string, Json> = {};
  for (const macro of docs.macros) {
    macros[macro.uniqueId] = {
      name: macro.name, resource_type: 'macro', package_name: macro.packageName, path: macro.file, original_file_path: macro.file,
      unique_id: macro.uniqueId, macro_sql: macro.sql, depends_on: { macros: [] }, description: '', meta: {},
      docs: { show: true, node_color: null }, patch_path: null,
      // dbt lists only arguments documented in YAML (macros: properties), never the signature's.
      arguments: [], created_at: createdAt, supported_languages: null,
    };
  }
  const docBlocks: Record<string, Json> = {};
  for (const block of docs.docs) {
    docBlocks[block.uniqueId] = {
      name: block.name, resource_type: 'doc', package_name: block.packageName, path: block.file.split('/').slice(1).join('/') || block.file,
      original_file_path: block.file, unique_id: block.uniqueId, block_contents: block.contents,
    };
  }

  // parent_map: every node's parents (what it depends on); child_map: the reverse. Sources and exposures included.
  const parentMap: Record<string, string[]> = {};
  for (const [id, node] of [...Object.entries(nodes), ...Object.entries(exposures), ...Object.entries(unitTests)]) {
    parentMap[id] = [...((node.depends_on as { nodes?: string[] }).nodes ?? [])].sort();
  }
  for (const id of Object.keys(sources)) parentMap[id] = [];
  const childMap: Record<string, string[]> = Object.fromEntries(Object.keys(parentMap).map((id) => [id, [] as string[]]));
  for (const [child, parents] of Object.entries(parentMap)) for (const parent of parents) (childMap[parent] ??= []).push(child);
  for (const children of Object.values(childMap)) children.sort();

  return {
    metadata: {
      ...artifactMetadata(MANIFEST_SCHEMA, input),
      project_name: manifest.projectName,
      project_id: createHash('md5').update(manifest.projectName).digest('hex'),
      user_id: null,
      send_anonymous_usage_stats: false,
      adapter_type: manifest.target.type,
      quoting: { database: true, schema: true, identifier: true, column: null },
    },
    nodes,
    sources,
    macros,
    docs: docBlocks,
    exposures,
    metrics: {},
    groups: {},
    selectors: Object.fromEntries((manifest.selectors ?? []).map((s) => [s.name, s])),
    disabled: {},
    parent_map: parentMap,
    child_map: childMap,
    group_map: {},
    saved_queries: {},
    semantic_models: {},
    unit_tests: unitTests,
  };
}

interface NodeContext {
  manifest: Manifest;
  docs: ProjectDocs;
  idOf: (id: string) => string;
  createdAt: number;
  compiled?: ReadonlyMap<string, string>;
  /** Generic tests by the node they are attached to. */
  testsByNode: Map<string, TestNode[]>;
}

/** The path of a node's file under its resource folder (`staging/stg_users.sql`), as dbt's `path`. */
function resourcePath(file: string): string {
  const parts = file.split('/');
  return parts.length > 1 ? parts.slice(1).join('/') : file;
}

function checksumOf(ctx: NodeContext, packageName: string, file: string, fallback: string): Json {
  // dbt hashes the file's text stripped of leading and trailing whitespace (parser/read_files.py).
  const text = ctx.docs.fileTexts.get(`${packageName}://${file}`) ?? fallback;
  return { name: 'sha256', checksum: createHash('sha256').update(text.trim()).digest('hex') };
}

function columnsOf(columns: ColumnDocs[]): Record<string, Json> {
  return Object.fromEntries(columns.map((c) => [c.name, {
    name: c.name, description: c.description, meta: c.meta, data_type: c.dataType, constraints: [], quote: null,
    config: { meta: c.meta, tags: c.tags }, tags: c.tags, granularity: null, doc_blocks: [],
  }]));
}

const HOOK_KEYS = ['pre_hook', 'post_hook', 'pre-hook', 'post-hook'] as const;

/** A landfall config as dbt's NodeConfig: dbt's defaults, then the project's keys, hooks as `{sql, transaction, index}`. */
function dbtConfig(config: NodeConfig, defaults: Json): Json {
  const out: Json = {
    enabled: true, alias: null, schema: null, database: null, tags: [], meta: {}, group: null,
    incremental_strategy: null, batch_size: null, lookback: 1, begin: null, persist_docs: {}, 'post-hook': [], 'pre-hook': [],
    quoting: {}, column_types: {}, full_refresh: null, unique_key: null, on_schema_change: 'ignore', on_configuration_change: 'apply',
    grants: {}, packages: [], docs: { show: true, node_color: null }, contract: { enforced: false, alias_types: true },
    event_time: null, concurrent_batches: null, ...defaults,
  };
  for (const [key, value] of Object.entries(config)) {
    if (value === undefined || (HOOK_KEYS as readonly string[]).includes(key)) continue;
    out[key] = value;
  }
  for (const moment of ['pre', 'post'] as const) {
    const hooks = [config[`${moment}-hook`], config[`${moment}_hook`]].flatMap((h) => (h === undefined ? [] : Array.isArray(h) ? h : [h]));
    out[`${moment}-hook`] = hooks.map((hook, index) => (typeof hook === 'string'
      ? { sql: hook, transaction: true, index }
      : { sql: String((hook as { sql?: unknown }).sql ?? ''), transaction: (hook as { transaction?: unknown }).transaction !== false, index }));
  }
  const contract = config.contract as { enforced?: unknown } | undefined;
  out.contract = { enforced: contract?.enforced === true, alias_types: true };
  const docs = config.docs as { show?: unknown; node_color?: unknown } | undefined;
  out.docs = { show: docs?.show !== false, node_color: typeof docs?.node_color === 'string' ? docs.node_color : null };
  if (!['apply', 'continue', 'fail'].includes(String(out.on_configuration_change))) out.on_configuration_change = 'apply';
  return out;
}

/** dbt's refs of a node: the models and seeds it depends on, by name (and version). */
function refsOf(ctx: NodeContext, dependsOn: string[]): Json[] {
  return dependsOn.flatMap((id) => {
    const model = ctx.manifest.models[id];
    const seed = ctx.manifest.seeds[id];
    if (!model && !seed) return [];
    const name = model?.name ?? seed!.name;
    const packageName = model?.packageName ?? seed!.packageName;
    return [{ name, package: packageName === ctx.manifest.projectName ? null : packageName, version: model?.version ?? null }];
  });
}

function sourcesOf(ctx: NodeContext, dependsOn: string[]): string[][] {
  return dependsOn.flatMap((id) => {
    const source = ctx.manifest.sources[id];
    return source ? [[source.sourceName, source.name]] : [];
  });
}

function docsOf(ctx: NodeContext, packageName: string, kind: string, name: string): NodeDocs | undefined {
  return ctx.docs.nodes.get(`${packageName}.${kind}.${name}`);
}

function database(ctx: NodeContext, relation: { database?: string }): string {
  return relation.database ?? ctx.manifest.target.database;
}

function modelNode(model: ModelNode, ctx: NodeContext): Json {
  const isAnalysis = model.uniqueId.startsWith('analysis.');
  const isSnapshot = model.config.materialized === 'snapshot';
  const kind = isAnalysis ? 'analysis' : isSnapshot ? 'snapshot' : 'model';
  const docs = docsOf(ctx, model.packageName, kind, model.name);
  const dependsOn = model.dependsOn.map(ctx.idOf);
  const compiled = ctx.compiled?.get(model.uniqueId);
  const contract = model.contract;
  const columns = docs?.columns.length ? columnsOf(docs.columns)
    : contract ? columnsOf(contract.columns.map((c) => ({ name: c.name, description: '', meta: {}, tags: [], dataType: c.dataType }))) : {};
  const node: Json = {
    database: database(ctx, model.relation),
    schema: model.relation.schema,
    name: model.name,
    resource_type: kind,
    package_name: model.packageName,
    path: resourcePath(model.origin.file),
    original_file_path: model.origin.file,
    unique_id: model.uniqueId,
    fqn: fqnOf(model),
    alias: model.relation.identifier,
    checksum: checksumOf(ctx, model.packageName, model.origin.file, model.rawSql),
    config: dbtConfig(model.config, isSnapshot ? { materialized: 'snapshot' } : {}),
    tags: model.config.tags,
    description: docs?.description ?? '',
    columns,
    meta: { ...((model.config.meta as Json | undefined) ?? {}), ...(docs?.meta ?? {}) },
    group: null,
    docs: { show: true, node_color: null },
    patch_path: docs?.patchPath ?? null,
    build_path: null,
    unrendered_config: {},
    created_at: ctx.createdAt,
    relation_name: isAnalysis || model.config.materialized === 'ephemeral' ? null : relationName(ctx.manifest, model.relation),
    raw_code: model.rawSql,
    doc_blocks: [],
    language: 'sql',
    refs: refsOf(ctx, dependsOn),
    sources: sourcesOf(ctx, dependsOn),
    metrics: [],
    depends_on: { macros: [], nodes: [...new Set(dependsOn)] },
    compiled_path: compiled === undefined ? null : `target/compiled/${model.packageName}/${model.origin.file}`,
    ...(compiled === undefined ? {} : { compiled: true, compiled_code: compiled, extra_ctes_injected: true, extra_ctes: [] }),
    contract: { enforced: Boolean(contract), alias_types: true, checksum: null },
  };
  if (kind === 'model') {
    Object.assign(node, {
      access: 'protected',
      constraints: (contract?.constraints ?? []).map((c) => ({ type: c.type, name: c.name ?? null, expression: c.expression ?? null, warn_unenforced: true, warn_unsupported: c.warnUnsupported !== false, to: null, to_columns: [], columns: c.columns ?? [] })),
      version: model.version ?? null,
      latest_version: model.latestVersion ?? null,
      deprecation_date: null,
      primary_key: primaryKeyOf(model, ctx),
      time_spine: null,
    });
  }
  return node;
}

/**
 * dbt's `infer_primary_key`: a primary_key constraint's columns, else columns with both a unique and a not_null
 * test, else columns with a unique (or unique_combination_of_columns) test.
 */
function primaryKeyOf(model: ModelNode, ctx: NodeContext): string[] {
  const constraint = model.contract?.constraints.find((c) => c.type === 'primary_key');
  if (constraint?.columns?.length) return constraint.columns;
  const column = model.contract?.columns.find((c) => c.constraints.some((k) => k.type === 'primary_key'));
  if (column) return [column.name];
  const unique = new Set<string>();
  const notNull = new Set<string>();
  for (const test of ctx.testsByNode.get(model.uniqueId) ?? []) {
    const kwargs = test.testMetadata?.kwargs ?? {};
    const columns = typeof kwargs.column_name === 'string' ? [kwargs.column_name]
      : Array.isArray(kwargs.combination_of_columns) ? kwargs.combination_of_columns.filter((c): c is string => typeof c === 'string') : [];
    const name = test.testMetadata?.name;
    for (const c of columns) {
      if (name === 'unique' || name === 'unique_combination_of_columns') unique.add(c);
      else if (name === 'not_null') notNull.add(c);
    }
  }
  const both = [...notNull].filter((c) => unique.has(c));
  return (both.length ? both : [...unique]).sort();
}

function seedNode(seed: SeedNode, ctx: NodeContext): Json {
  const docs = docsOf(ctx, seed.packageName, 'seed', seed.name);
  return {
    database: database(ctx, seed.relation),
    schema: seed.relation.schema,
    name: seed.name,
    resource_type: 'seed',
    package_name: seed.packageName,
    path: resourcePath(seed.origin.file),
    original_file_path: seed.origin.file,
    unique_id: seed.uniqueId,
    fqn: fqnOf(seed),
    alias: seed.relation.identifier,
    checksum: checksumOf(ctx, seed.packageName, seed.origin.file, JSON.stringify(seed.rows)),
    config: dbtConfig(seed.config, { materialized: 'seed', delimiter: ',', quote_columns: null }),
    tags: seed.config.tags,
    description: docs?.description ?? '',
    columns: columnsOf(docs?.columns ?? []),
    meta: docs?.meta ?? {},
    group: null,
    docs: { show: true, node_color: null },
    patch_path: docs?.patchPath ?? null,
    build_path: null,
    unrendered_config: {},
    created_at: ctx.createdAt,
    relation_name: relationName(ctx.manifest, seed.relation),
    raw_code: '',
    doc_blocks: [],
    root_path: null,
    depends_on: { macros: [] },
  };
}

function testNode(test: TestNode, ctx: NodeContext): Json {
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
function testDependsOn(test: TestNode, ctx: NodeContext): string[] {
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
function testAlias(ctx: NodeContext, test: TestNode, metadata: { name: string; namespace: string | null }): string {
  if (test.name.length < 64) return test.name;
  const source = ctx.manifest.sources[test.attachedTo];
  const model = ctx.manifest.models[test.attachedTo];
  const target = source ? `${source.sourceName}_${source.name}` : model ? (model.version === undefined ? model.name : `${model.name}_v${model.version}`) : ctx.manifest.seeds[test.attachedTo]?.name ?? '';
  const identifier = `${metadata.namespace ? `${metadata.namespace}_` : ''}${source ? 'source_' : ''}${metadata.name}_${target}`;
  return `${identifier.slice(0, 30)}_${createHash('md5').update(test.name).digest('hex')}`;
}

/** dbt's test fqn: package, the folders of the YAML file (generic) or test file (singular) under its root folder, name. */
function testFqn(test: TestNode, packageName: string, generic: boolean): string[] {
  const folders = test.origin.file.split('/').slice(1, -1);
  return generic ? [packageName, ...folders, test.name] : [packageName, ...folders, test.name];
}

function unitTestNode(test: TestNode, ctx: NodeContext): Json {
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

function sourceNode(source: SourceTable, ctx: NodeContext): Json {
  const packageName = source.uniqueId.split('.')[1] ?? ctx.manifest.projectName;
  const docs = ctx.docs.sources.get(`${packageName}.${source.sourceName}.${source.name}`);
  const threshold = (t: { count: number; period: string } | undefined) => ({ count: t?.count ?? null, period: t?.period ?? null });
  const freshness = { warn_after: threshold(source.freshness?.warn_after), error_after: threshold(source.freshness?.error_after), filter: source.freshness?.filter ?? null };
  return {
    database: database(ctx, source.relation),
    schema: source.relation.schema,
    name: source.name,
    resource_type: 'source',
    package_name: packageName,
    path: source.origin.file,
    original_file_path: source.origin.file,
    unique_id: source.uniqueId,
    fqn: fqnOf(source),
    source_name: source.sourceName,
    source_description: docs?.sourceDescription ?? '',
    loader: docs?.loader ?? '',
    identifier: source.relation.identifier,
    quoting: { database: null, schema: null, identifier: null, column: null },
    loaded_at_field: source.loadedAtField ?? null,
    loaded_at_query: null,
    freshness,
    external: null,
    description: docs?.description ?? '',
    columns: columnsOf(docs?.columns ?? []),
    meta: source.meta,
    source_meta: docs?.sourceMeta ?? {},
    tags: source.tags,
    config: { enabled: true, event_time: null, freshness, loaded_at_field: source.loadedAtField ?? null, loaded_at_query: null, meta: source.meta, tags: source.tags },
    patch_path: null,
    unrendered_config: {},
    relation_name: relationName(ctx.manifest, source.relation),
    created_at: ctx.createdAt,
    unrendered_database: null,
    unrendered_schema: null,
    doc_blocks: [],
  };
}

function exposureNode(definition: DefinitionNode, ctx: NodeContext): Json {
  const props = definition.properties;
  const owner = (props.owner ?? {}) as Json;
  const type = ['dashboard', 'notebook', 'analysis', 'ml', 'application'].includes(String(props.type)) ? String(props.type) : 'analysis';
  const dependsOn = definition.dependsOn.map(ctx.idOf);
  return {
    name: definition.name,
    resource_type: 'exposure',
    package_name: definition.packageName,
    path: resourcePath(definition.origin.file),
    original_file_path: definition.origin.file,
    unique_id: definition.uniqueId,
    fqn: [definition.packageName, ...definition.origin.file.split('/').slice(1, -1), definition.name],
    type,
    owner: { email: typeof owner.email === 'string' ? owner.email : null, name: typeof owner.name === 'string' ? owner.name : null },
    description: typeof props.description === 'string' ? props.description : '',
    label: typeof props.label === 'string' ? props.label : null,
    maturity: ['low', 'medium', 'high'].includes(String(props.maturity)) ? String(props.maturity) : null,
    meta: definition.meta,
    tags: definition.tags,
    config: { enabled: true, tags: definition.tags, meta: definition.meta },
    unrendered_config: {},
    url: typeof props.url === 'string' ? props.url : null,
    depends_on: { macros: [], nodes: dependsOn },
    refs: refsOf(ctx, dependsOn),
    sources: sourcesOf(ctx, dependsOn),
    metrics: [],
    created_at: ctx.createdAt,
  };
}

export { DBT_VERSION };
