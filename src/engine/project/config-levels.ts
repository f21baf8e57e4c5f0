/**
 * dbt's config levels and the checks configs get at parse time: folder configs from `dbt_project.yml`
 * (a package's own file, then the root project's entry for the package), YAML properties, `config()`; merged
 * as dbt merges them (later levels win, `tags` and hooks accumulate, `grants` merge by privilege).
 */
import { createHash } from 'node:crypto';
import { ProjectError } from '../errors';
import type { Manifest, NodeConfig, Severity, Materialization } from '../manifest';
import type { Target } from '../target';
import { validatePartitionConfig } from '../materializations/partitioned/config';
import { mergeHooks } from '../materializations/hooks';
import { GrantsConfigError, mergeGrants, normalizeGrants } from '../materializations/grants';
import type { FreshnessConfig } from '../freshness/freshness';

const MATERIALIZATIONS: ReadonlySet<string> = new Set(['view', 'table', 'incremental', 'ephemeral']);
const FOLDER_CONFIG_KEYS = new Set([
  'materialized', 'schema', 'tags', 'enabled', 'incremental_strategy', 'unique_key', 'dist', 'sort', 'column_types',
  'severity', 'alias', 'full_refresh', 'on_schema_change', 'bind', 'sort_type', 'docs', 'persist_docs', 'meta',
  'pre-hook', 'post-hook', 'grants', 'quote_columns', 'database', 'where', 'limit', 'store_failures',
]);

/**
 * A source table's `loaded_at_field` and `freshness`: the table's keys over the source's (dbt merges them);
 * `freshness: null` on the table turns the check off.
 */
export function freshnessOf(source: Record<string, unknown>, table: Record<string, unknown>): { loadedAtField?: string; freshness?: FreshnessConfig } {
  const loadedAtField = (table.loaded_at_field ?? source.loaded_at_field) as string | undefined;
  const own = table.freshness as FreshnessConfig | null | undefined;
  const inherited = source.freshness as FreshnessConfig | null | undefined;
  const freshness = own === null ? undefined : own || inherited ? { ...(inherited ?? {}), ...(own ?? {}) } : undefined;
  return {
    ...(loadedAtField ? { loadedAtField } : {}),
    ...(freshness ? { freshness } : {}),
  };
}

export function severityOf(value: unknown, file: string): Severity {
  if (value === undefined || value === null) return 'error';
  const s = String(value).toLowerCase();
  if (s === 'error' || s === 'warn') return s;
  throw new ProjectError(file, `severity must be 'error' or 'warn', got '${String(value)}'`);
}

export function normalizeConfig(values: Record<string, unknown>, file: string): NodeConfig {
  const materialized = String(values.materialized ?? 'view');
  if (materialized !== 'seed' && !MATERIALIZATIONS.has(materialized)) {
    throw new ProjectError(file, `unknown materialization '${materialized}' (supported: ${[...MATERIALIZATIONS].join(', ')})`);
  }
  const strategy = values.incremental_strategy;
  // dbt 1.9's microbatch runs one statement per event_time batch; landfall cannot yet, and running the model as
  // another strategy would silently change what it writes, so the parse refuses it (dbt ignores the key on non-incrementals).
  if (strategy === 'microbatch' && materialized !== 'incremental') return normalizeConfig({ ...values, incremental_strategy: undefined }, file);
  if (strategy === 'microbatch') {
    throw new ProjectError(file, "incremental_strategy 'microbatch' is not supported yet by landfall (event_time batches are not implemented); use 'append', 'delete+insert' or 'merge', or build this model with dbt-core");
  }
  if (strategy !== undefined && strategy !== 'append' && strategy !== 'delete+insert' && strategy !== 'merge') {
    throw new ProjectError(file, `incremental_strategy '${String(strategy)}' is not supported (use 'append', 'delete+insert' or 'merge')`);
  }
  // Object.assign, not `{ ...values, enabled: … }`: Node 20's V8 builds an object literal that adds keys after
  // a spread about 20× slower, which showed in compiling 10,000 models.
  validatePartitionConfig(Object.assign({}, values, { materialized }), file);
  return Object.assign({}, values, {
    ...(values.grants !== undefined ? { grants: grantsOf(values.grants, file) } : {}),
    materialized: materialized as Materialization,
    tags: toStringList(values.tags),
    enabled: values.enabled !== false,
    // Left unset when the project does not set it, as dbt does (`config.get`, `config.incremental_strategy:` selection);
    // the incremental plan applies the adapter's default.
    incremental_strategy: strategy as NodeConfig['incremental_strategy'],
  });
}

const HOOK_KEYS = ['pre_hook', 'post_hook', 'pre-hook', 'post-hook'];

/**
 * Config levels merged as dbt merges them (folder < YAML properties < `config()`): later levels override
 * earlier ones, except `tags` and hooks, which accumulate.
 */
export function mergeConfigLevels(levels: Record<string, unknown>[]): Record<string, unknown> {
  const merged: Record<string, unknown> = Object.assign({}, ...levels);
  const tags = levels.flatMap((level) => toStringList(level.tags));
  if (tags.length) merged.tags = [...new Set(tags)];
  if (levels.some((level) => HOOK_KEYS.some((key) => key in level))) {
    for (const key of HOOK_KEYS) delete merged[key];
    Object.assign(merged, mergeHooks(levels));
  }
  // Grants merge by privilege: a level's privilege replaces the earlier grantees, `+privilege` adds to them.
  if (levels.some((level) => level.grants !== undefined)) merged.grants = mergeGrants(levels.map((level) => level.grants));
  return merged;
}

/** dbt_project.yml's `on-run-start`/`on-run-end` hooks (a string or a list each), when it has any. */
export function projectHooksOf(project: Record<string, unknown>): Pick<Manifest, 'projectHooks'> {
  const hooks = (key: 'on-run-start' | 'on-run-end'): string[] => {
    const value = project[key] ?? project[key.replace(/-/g, '_')];
    const list = value === undefined || value === null ? [] : Array.isArray(value) ? value : [value];
    return list.map((hook) => {
      if (typeof hook !== 'string') throw new ProjectError('dbt_project.yml', `${key}: each hook must be a SQL string, got ${JSON.stringify(hook)}`);
      return hook;
    }).filter((hook) => hook.trim() !== '');
  };
  const start = hooks('on-run-start');
  const end = hooks('on-run-end');
  return start.length || end.length ? { projectHooks: { 'on-run-start': start, 'on-run-end': end } } : {};
}

/** A merged `grants` config, validated and normalized (see materializations/grants.ts). */
function grantsOf(value: unknown, file: string): Record<string, string[]> {
  try {
    return normalizeGrants(mergeGrants([value]));
  } catch (error) {
    if (error instanceof GrantsConfigError) throw new ProjectError(file, error.message);
    throw error;
  }
}

export function toStringList(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]).map(String);
}

/**
 * Folder configs from `dbt_project.yml` (`models: {project: {staging: {+materialized: view}}}`):
 * walk the file's folders, later (deeper) levels override earlier ones; `tags` accumulate.
 */
export function folderConfigFor(tree: Record<string, unknown> | undefined, projectName: string, relative: string): Record<string, unknown> {
  const parts = relative.split('/');
  // Folders, then the file's own name (`seeds: {project: {prices: {+column_types: …}}}`), as dbt matches them.
  return folderConfigAlong(tree, projectName, [...parts.slice(0, -1), parts[parts.length - 1]!.replace(/\.(sql|csv)$/, '')]).config;
}

/**
 * {@link folderConfigFor} for the many files of a project: files in one folder share its walk, unless a
 * level is named after the file itself.
 */
export function folderConfigResolver(tree: Record<string, unknown> | undefined, projectName: string): (relative: string) => Record<string, unknown> {
  const byFolder = new Map<string, ReturnType<typeof folderConfigAlong>>();
  return (relative) => {
    const slash = relative.lastIndexOf('/');
    const folder = slash < 0 ? '' : relative.slice(0, slash);
    let along = byFolder.get(folder);
    if (!along) {
      along = folderConfigAlong(tree, projectName, folder === '' ? [] : folder.split('/'));
      byFolder.set(folder, along);
    }
    const fileLevel = along.deepest?.[relative.slice(slash + 1).replace(/\.(sql|csv)$/, '')];
    if (fileLevel && typeof fileLevel === 'object') return folderConfigFor(tree, projectName, relative);
    return { ...along.config };
  };
}

/** The config of the levels along `segments`, and the deepest level when every segment had one. */
function folderConfigAlong(tree: Record<string, unknown> | undefined, projectName: string, segments: string[]): { config: Record<string, unknown>; deepest?: Record<string, unknown> } {
  const result: Record<string, unknown> = {};
  const tags: string[] = [];
  const apply = (level: Record<string, unknown>) => {
    for (const [key, value] of Object.entries(level)) {
      const name = key.startsWith('+') ? key.slice(1) : key;
      if (key.startsWith('+') || (FOLDER_CONFIG_KEYS.has(name) && (typeof value !== 'object' || value === null || Array.isArray(value) || name === 'column_types' || name === 'meta' || name === 'grants'))) {
        if (name === 'tags') tags.push(...toStringList(value));
        else if (name === 'grants') result.grants = mergeGrants([result.grants, value]);
        // Hooks of every folder level run, outermost first.
        else if (HOOK_KEYS.includes(name) && result[name] !== undefined) result[name] = [result[name], value].flat();
        else result[name] = value;
      }
    }
  };
  // `+` keys at the top (`seeds: {+quote_columns: false}`) apply to every project's resources, packages' too.
  if (tree) apply(Object.fromEntries(Object.entries(tree).filter(([key]) => key.startsWith('+'))));
  let level = tree?.[projectName] as Record<string, unknown> | undefined;
  if (!level) return { config: result };
  apply(level);
  let complete = true;
  for (const segment of segments) {
    const next = level[segment];
    if (!next || typeof next !== 'object') {
      complete = false;
      break;
    }
    level = next as Record<string, unknown>;
    apply(level);
  }
  if (tags.length) result.tags = tags;
  return { config: result, ...(complete ? { deepest: level } : {}) };
}

export function flattenProjectVars(vars: Record<string, unknown>, projectName: string): Record<string, unknown> {
  // Vars may be global or scoped under the project name.
  const scoped = vars[projectName];
  const { [projectName]: _omit, ...global } = vars;
  return { ...global, ...(scoped && typeof scoped === 'object' ? (scoped as Record<string, unknown>) : {}) };
}


export function thresholdsOf(config: Record<string, unknown>, file: string): { errorIf?: string; warnIf?: string; limit?: number } {
  const out: { errorIf?: string; warnIf?: string; limit?: number } = {};
  for (const [key, field] of [['error_if', 'errorIf'], ['warn_if', 'warnIf']] as const) {
    if (config[key] === undefined) continue;
    const value = String(config[key]).trim();
    if (!/^(==|!=|<>|>=|<=|>|<)\s*-?\d+(\.\d+)?$/.test(value)) throw new ProjectError(file, `${key} must be a comparison with a number such as '>10' or '!=0', got '${value}'`);
    out[field] = value;
  }
  if (config.limit !== undefined && config.limit !== null) {
    const limit = Number(config.limit);
    if (!Number.isInteger(limit) || limit < 0) throw new ProjectError(file, `limit must be a non-negative integer, got '${String(config.limit)}'`);
    out.limit = limit;
  }
  return out;
}

export function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 10);
}

export function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function similar(a: string, b: string): boolean {
  if (a.includes(b) || b.includes(a)) return true;
  // Levenshtein distance ≤ 2.
  const dp = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)] as number[]);
  for (let j = 1; j <= b.length; j++) dp[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      dp[i]![j] = Math.min(dp[i - 1]![j]! + 1, dp[i]![j - 1]! + 1, dp[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
  }
  return dp[a.length]![b.length]! <= 2;
}

/**
 * A source's `database`, kept in the manifest only when it is not the target's (templates print the target's
 * database for the others: render/relation.ts `RelationRef.inDatabase`); a relation in another database is a
 * Redshift cross-database query.
 */
export function otherDatabase(database: string | undefined, target: Target): { database?: string } {
  return database && database !== target.database ? { database } : {};
}
