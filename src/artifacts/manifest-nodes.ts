/**
 * The entries of dbt's manifest.json (v12) for landfall's models, analyses, snapshots, seeds, sources and exposures,
 * and what every entry shares (configs with dbt's defaults, refs, sources, docs, checksums). Tests and unit tests:
 * manifest-test-nodes.ts. Each builder is pure: one landfall node and the {@link NodeContext} in, one JSON object out.
 */
import { createHash } from 'node:crypto';
import type { DefinitionNode, Manifest, ModelNode, NodeConfig, SeedNode, SourceTable, TestNode } from '../engine/manifest';
import { fqnOf } from '../engine/graph/select';
import type { ColumnDocs, NodeDocs, ProjectDocs } from './project-docs';
import { relationName } from './artifact-metadata';

export type Json = Record<string, unknown>;

export interface NodeContext {
  manifest: Manifest;
  docs: ProjectDocs;
  idOf: (id: string) => string;
  createdAt: number;
  compiled?: ReadonlyMap<string, string>;
  /** Generic tests by the node they are attached to. */
  testsByNode: Map<string, TestNode[]>;
}

/** The path of a node's file under its resource folder (`staging/stg_users.sql`), as dbt's `path`. */
export function resourcePath(file: string): string {
  const parts = file.split('/');
  return parts.length > 1 ? parts.slice(1).join('/') : file;
}

export function checksumOf(ctx: NodeContext, packageName: string, file: string, fallback: string): Json {
  // dbt hashes the file's text stripped of leading and trailing whitespace (parser/read_files.py).
  const text = ctx.docs.fileTexts.get(`${packageName}://${file}`) ?? fallback;
  return { name: 'sha256', checksum: createHash('sha256').update(text.trim()).digest('hex') };
}

export function columnsOf(columns: ColumnDocs[]): Record<string, Json> {
  return Object.fromEntries(columns.map((c) => [c.name, {
    name: c.name, description: c.description, meta: c.meta, data_type: c.dataType, constraints: [], quote: null,
    config: { meta: c.meta, tags: c.tags }, tags: c.tags, granularity: null, doc_blocks: [],
  }]));
}

const HOOK_KEYS = ['pre_hook', 'post_hook', 'pre-hook', 'post-hook'] as const;

/** A landfall config as dbt's NodeConfig: dbt's defaults, then the project's keys, hooks as `{sql, transaction, index}`. */
export function dbtConfig(config: NodeConfig, defaults: Json): Json {
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
export function refsOf(ctx: NodeContext, dependsOn: string[]): Json[] {
  return dependsOn.flatMap((id) => {
    const model = ctx.manifest.models[id];
    const seed = ctx.manifest.seeds[id];
    if (!model && !seed) return [];
    const name = model?.name ?? seed!.name;
    const packageName = model?.packageName ?? seed!.packageName;
    return [{ name, package: packageName === ctx.manifest.projectName ? null : packageName, version: model?.version ?? null }];
  });
}

export function sourcesOf(ctx: NodeContext, dependsOn: string[]): string[][] {
  return dependsOn.flatMap((id) => {
    const source = ctx.manifest.sources[id];
    return source ? [[source.sourceName, source.name]] : [];
  });
}

export function docsOf(ctx: NodeContext, packageName: string, kind: string, name: string): NodeDocs | undefined {
  return ctx.docs.nodes.get(`${packageName}.${kind}.${name}`);
}

export function database(ctx: NodeContext, relation: { database?: string }): string {
  return relation.database ?? ctx.manifest.target.database;
}

export function modelNode(model: ModelNode, ctx: NodeContext): Json {
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
export function primaryKeyOf(model: ModelNode, ctx: NodeContext): string[] {
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

export function seedNode(seed: SeedNode, ctx: NodeContext): Json {
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


export function sourceNode(source: SourceTable, ctx: NodeContext): Json {
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

export function exposureNode(definition: DefinitionNode, ctx: NodeContext): Json {
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

