/**
 * `--state DIR` with a dbt-core `manifest.json` (schema v12, dbt-core 1.8–1.11): slim CI against the manifest a
 * production dbt-core run wrote, before or while moving to landfall. The manifest is read into the nodes landfall's
 * selection and `--defer` need (ids, relations), and `state:modified` compares each current node with its dbt-core
 * node as dbt-core's `same_contents` does (dbt-core 1.10 contracts/graph/nodes.py):
 *   - body: `raw_code` (the file, stripped) for models, snapshots, analyses and singular tests; a seed's file checksum
 *     (sha256 of the stripped file, `SeedNode.checksum`); generic tests have none (their config decides);
 *   - configs: the config keys the node set (`unrendered_config`), compared on their values;
 *   - relation: the `database`, `schema` and `alias` the node configured (not the rendered names, so a CI target
 *     schema is no change);
 *   - persisted_descriptions: the description, when `persist_docs.relation` is on;
 *   - contract: enforcement, then the columns' names and types;
 *   - macros: the root project's macros the node calls, compared by text (packages' macros are not compared).
 * dbt-core's test ids end in a hash of the arguments (`test.pkg.name.<hash>`); landfall's do not, so they are
 * matched without it.
 */
import { SelectionError } from '../errors';
import type { Manifest, ModelNode, Node, SeedNode, SourceTable, TestNode } from '../manifest';
import { hookTemplates } from '../materializations/hooks';
import { macrosCalledBy } from './macro-calls';

/** The dbt-core manifest schema versions read (v12: dbt-core 1.8 to 1.11). */
const READ_VERSIONS = ['v12'];

type Json = Record<string, unknown>;

/** What `state:modified` needs of a dbt-core manifest besides the nodes: each node as dbt wrote it, and root macros. */
export interface DbtCoreState {
  /** dbt-core's node (model, seed, snapshot, test, analysis, source), by landfall's unique id. */
  nodes: Map<string, Json>;
  /** The root project's macros: name → `macro_sql`. */
  rootMacros: Map<string, string>;
}

/** Whether parsed JSON is a dbt-core manifest (by its `metadata.dbt_schema_version`). */
export function isDbtCoreManifest(json: unknown): boolean {
  const version = ((json as Json | null)?.metadata as Json | undefined)?.dbt_schema_version;
  return typeof version === 'string' && /\/manifest\/v\d+\.json$/.test(version);
}

const asObject = (value: unknown): Json => (value && typeof value === 'object' && !Array.isArray(value) ? value as Json : {});
const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** landfall's id for a dbt-core node: a data test's id without dbt's argument hash. */
function landfallId(node: Json): string {
  const id = String(node.unique_id);
  return node.resource_type === 'test' ? id.split('.').slice(0, 3).join('.') : id;
}

/**
 * Reads a dbt-core manifest into a landfall manifest (for `state:new`/`state:old` and `--defer`'s relations) and the
 * dbt-core nodes `state:modified` compares with. `file` names the manifest in errors. Relations keep dbt's database
 * (`--defer` reads them with three parts, as dbt does).
 *
 * @throws SelectionError for another schema version than v12
 * @example
 * const { manifest, dbt } = readDbtCoreManifest(JSON.parse(fs.readFileSync('prod/manifest.json', 'utf8')), 'prod/manifest.json');
 */
export function readDbtCoreManifest(json: unknown, file: string): { manifest: Manifest; dbt: DbtCoreState } {
  const root = asObject(json);
  const metadata = asObject(root.metadata);
  const version = /\/manifest\/(v\d+)\.json$/.exec(String(metadata.dbt_schema_version ?? ''))?.[1];
  if (!version || !READ_VERSIONS.includes(version)) {
    throw new SelectionError(`${file}: dbt-core manifest schema ${version ?? 'unknown'} (dbt-core ${String(metadata.dbt_version ?? '?')}) is not read; landfall reads ${READ_VERSIONS.join(', ')} (dbt-core 1.8 to 1.11)`);
  }
  const projectName = String(metadata.project_name ?? '');
  const manifest: Manifest = {
    landfallVersion: 1, projectName, compiledAt: String(metadata.generated_at ?? ''), vars: {}, macroSource: '', macroLines: 0,
    models: {}, seeds: {}, sources: {}, tests: {}, target: { name: 'state', type: 'postgres', schema: '', database: '' },
  };
  const nodes = new Map<string, Json>();
  const relationOf = (node: Json) => ({
    schema: String(node.schema ?? ''), identifier: String(node.alias ?? node.identifier ?? node.name ?? ''),
    ...(text(node.database) ? { database: String(node.database) } : {}),
  });
  const common = (node: Json) => ({
    uniqueId: landfallId(node), name: String(node.name ?? ''), packageName: String(node.package_name ?? projectName),
    origin: { file: String(node.original_file_path ?? '') },
  });
  for (const node of [...Object.values(asObject(root.nodes)), ...Object.values(asObject(root.unit_tests))].map(asObject)) {
    const id = landfallId(node);
    nodes.set(id, node);
    const config = asObject(node.config);
    switch (node.resource_type) {
      case 'model': case 'snapshot': case 'analysis':
        if (node.resource_type !== 'analysis') {
          manifest.models[id] = { ...common(node), resourceType: 'model', rawSql: String(node.raw_code ?? ''), relation: relationOf(node), config: config as ModelNode['config'], dependsOn: [], path: '' };
        }
        break;
      case 'seed':
        manifest.seeds[id] = { ...common(node), resourceType: 'seed', relation: relationOf(node), config: config as SeedNode['config'], columns: [], columnTypes: {}, rows: [], dependsOn: [], path: '' };
        break;
      case 'test': case 'unit_test':
        manifest.tests[id] = {
          ...common(node), resourceType: 'test', kind: node.test_metadata ? 'generic' : 'singular', rawSql: String(node.raw_code ?? ''),
          attachedTo: '', severity: String(config.severity ?? 'error').toLowerCase() === 'warn' ? 'warn' : 'error', tags: [], dependsOn: [],
        } as TestNode;
        break;
      default:
    }
  }
  for (const source of Object.values(asObject(root.sources)).map(asObject)) {
    const id = String(source.unique_id);
    nodes.set(id, source);
    manifest.sources[id] = {
      uniqueId: id, resourceType: 'source', sourceName: String(source.source_name ?? ''), name: String(source.name ?? ''),
      origin: { file: String(source.original_file_path ?? '') }, relation: relationOf({ ...source, alias: source.identifier }), meta: {}, tags: [],
    } as SourceTable;
  }
  const rootMacros = new Map<string, string>();
  for (const macro of Object.values(asObject(root.macros)).map(asObject)) {
    if (macro.package_name === projectName) rootMacros.set(String(macro.name), String(macro.macro_sql ?? ''));
  }
  return { manifest, dbt: { nodes, rootMacros } };
}

/** Stable JSON (sorted keys, no undefined) for comparing values. */
function stable(value: unknown): string {
  return JSON.stringify(value ?? null, (_key, v: unknown) => (v && typeof v === 'object' && !Array.isArray(v)
    ? Object.fromEntries(Object.entries(v as Json).filter(([, x]) => x !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
    : v));
}

/**
 * Config keys dbt-core leaves out of the config comparison (`CompareBehavior.Exclude` in dbt's config classes: alias,
 * schema, database, tags, group), or compares through another sub-selector (persist_docs, contract).
 */
const NOT_CONFIGS = new Set(['database', 'schema', 'alias', 'tags', 'group', 'persist_docs', 'contract', 'docs', 'description', 'column_types']);

/** A config value as landfall holds it, in dbt's shape for the comparison (hooks as their SQL; severity lower case). */
function currentConfigValue(node: Node, key: string): unknown {
  if (node.resourceType === 'test') {
    const byKey: Json = { severity: node.severity, where: node.where, limit: node.limit, error_if: node.errorIf, warn_if: node.warnIf, tags: node.tags, fail_calc: node.failCalc, store_failures: node.storeFailuresIn !== undefined || undefined };
    return byKey[key];
  }
  if (!('config' in node)) return undefined;
  if (/^(pre|post)[-_]hook$/.test(key)) return hookTemplates(node.config, key.startsWith('pre') ? 'pre' : 'post').map((h) => h.sql);
  return (node.config as Json)[key];
}

function dbtConfigValue(dbtNode: Json, key: string): unknown {
  const config = asObject(dbtNode.config);
  if (/^(pre|post)[-_]hook$/.test(key)) {
    const hooks = config[key.startsWith('pre') ? 'pre-hook' : 'post-hook'] ?? config[key.startsWith('pre') ? 'pre_hook' : 'post_hook'];
    return (Array.isArray(hooks) ? hooks : []).map((h) => String(asObject(h).sql ?? h));
  }
  return config[key];
}

const normalize = (key: string, value: unknown): unknown => {
  if (value === null) return undefined;
  if (key === 'severity' && typeof value === 'string') return value.toLowerCase();
  if (key === 'tags') return [...(Array.isArray(value) ? value : value === undefined ? [] : [value])].map(String).sort();
  return value;
};

/**
 * The text of a macro in landfall's library, as dbt's `macro_sql` holds it: `{% macro name(` … `{% endmacro %}`, or
 * for a generic test `test_x` its `{% test x(` … `{% endtest %}` block; undefined when it has none.
 */
function currentMacro(current: Manifest, name: string): string | undefined {
  const test = name.startsWith('test_') ? name.slice('test_'.length) : undefined;
  const start = new RegExp(`\\{%-?\\s*macro\\s+${name}\\s*\\(`).exec(current.macroSource)
    ?? (test ? new RegExp(`\\{%-?\\s*test\\s+${test}\\s*\\(`).exec(current.macroSource) : null);
  if (!start) return undefined;
  const end = /\{%-?\s*end(?:macro|test)\s*-?%\}/g;
  end.lastIndex = start.index;
  const found = end.exec(current.macroSource);
  return found ? current.macroSource.slice(start.index, found.index + found[0].length) : undefined;
}

export interface DbtComparisonInputs {
  dbt: DbtCoreState;
  current?: Manifest;
}

/**
 * Whether `node` differs from its dbt-core node in one of `state:modified`'s parts (see the module comment).
 *
 * @example
 * modifiedSinceDbtCore('body', currentModel, { dbt }) // true when the model's SQL changed
 */
export function modifiedSinceDbtCore(part: string, node: Node, inputs: DbtComparisonInputs): boolean {
  const old = inputs.dbt.nodes.get(node.uniqueId);
  if (!old) return true;
  switch (part) {
    case 'body': {
      if (node.resourceType === 'seed') {
        return node.checksum !== undefined && node.checksum !== asObject(old.checksum).checksum;
      }
      if (node.resourceType === 'test' && (node.kind === 'generic' || old.test_metadata)) return false;
      return 'rawSql' in node && node.rawSql.trim() !== String(old.raw_code ?? '').trim();
    }
    case 'configs': {
      if (node.resourceType === 'source') return false;
      // dbt compares the keys either side set; landfall's config holds the keys the project set (and hooks).
      const current = 'config' in node ? Object.keys(node.config).filter((key) => (node.config as Json)[key] !== undefined) : [];
      const keys = [...new Set([...Object.keys(asObject(old.unrendered_config)), ...current])].filter((key) => !NOT_CONFIGS.has(key));
      return keys.some((key) => stable(normalize(key, currentConfigValue(node, key))) !== stable(normalize(key, dbtConfigValue(old, key))));
    }
    case 'relation': {
      if (!('config' in node)) return false;
      const unrendered = asObject(old.unrendered_config);
      return ['database', 'schema', 'alias'].some((key) => stable((node.config as Json)[key] ?? undefined) !== stable(unrendered[key] ?? undefined));
    }
    case 'persisted_descriptions': {
      const docs = 'config' in node ? asObject((node.config as Json).persist_docs) : {};
      const description = (node as Node & { description?: string }).description;
      return docs.relation === true && (description ?? '') !== String(old.description ?? '');
    }
    case 'contract': {
      if (node.resourceType !== 'model') return false;
      const wasEnforced = asObject(old.contract).enforced === true;
      const enforced = asObject(node.config.contract).enforced === true;
      if (wasEnforced !== enforced) return true;
      if (!enforced) return false;
      const oldColumns = Object.values(asObject(old.columns)).map(asObject).map((c) => [String(c.name), String(c.data_type ?? '')]).sort();
      const columns = (node.contract?.columns ?? []).map((c) => [c.name, c.dataType]).sort();
      return stable(columns) !== stable(oldColumns);
    }
    case 'macros': {
      if (!inputs.current || !('rawSql' in node)) return false;
      return [...macrosCalledBy(node.rawSql, inputs.dbt.rootMacros)]
        .some((name) => (currentMacro(inputs.current!, name) ?? '').trim() !== inputs.dbt.rootMacros.get(name)!.trim());
    }
    default:
      return false;
  }
}
