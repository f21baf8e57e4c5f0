/**
 * The names a model template sees (`ref`, `source`, `config`, `var`, `this`, `target`, `is_incremental`),
 * built for one of two moments: parse time, which records calls to build the graph without a warehouse,
 * and run time, which resolves real relations. Both share this one builder so they cannot drift apart.
 */
import * as yaml from 'js-yaml';
import type { Target } from '../target';
import { RelationRef } from './relation';
import { dbtGlobals } from '../jinja/dbt-globals';
import { flatten, LAZY_CONTEXT_NAMES, markSharedContextLayer } from '../jinja/context-layers';
import { pythonDatetimeModule, PyDatetime } from '../jinja/python-datetime';
import { pythonReModule } from '../jinja/python-re-module';
import { pythonItertoolsModule, pythonPytzModule } from '../jinja/python-modules';
import { adapterSurface } from './adapter-surface';
import { emptyGraph, type GraphContext } from './graph-context';
import { AgateTable } from './agate-table';
import { leadingKeyword, type QuerySession, type StoredQueryResult } from './query-session';

export interface RenderHooks {
  ref(name: string, version?: string): RelationRef;
  source(sourceName: string, tableName: string): RelationRef;
  /** Called with the keyword arguments of `{{ config(...) }}`. */
  config(values: Record<string, unknown>): void;
  /** Current config values, for `config.get`. */
  configValues(): Record<string, unknown>;
  isIncremental(): boolean;
}

export interface RenderInputs {
  target: Target;
  /** Project vars overridden by `--vars`. */
  vars: Record<string, unknown>;
  self: RelationRef | undefined;
  hooks: RenderHooks;
  invocationId: string;
  runStartedAt: Date;
  /** The project's `name` in dbt_project.yml: `project_name` in templates. */
  projectName?: string;
  /**
   * Where `run_query`/`statement` get results. Absent at parse time: then `execute` is false, as in dbt,
   * `statement` runs nothing and `run_query`/`load_result` return none.
   */
  queries?: QuerySession;
  /** dbt's `flags` for this invocation (`FULL_REFRESH`, `WHICH`, `STORE_FAILURES`, `EMPTY`); dbt's defaults otherwise. */
  flags?: Partial<RunFlags>;
  /** dbt's `graph` (run time: graph-context.ts); empty at parse time, as in dbt. */
  graph?: GraphContext | (() => GraphContext);
  /** dbt's `model`: the node being rendered, as a dict with dbt's keys. */
  model?: Record<string, unknown> | (() => Record<string, unknown>);
  /** Names this render reads through a layer that sees each read (parse-render-reuse.ts: a model's parse render). */
  tripwires?: ContextTripwires;
}

/**
 * Names of a render read through a layer that is told of each read: they are not among the render's own names but
 * in `values` (`graph`/`model` as given: a function makes the value), and `layerOver(shared)` — made once per shared
 * layer, with an accessor per name — sits between the render's own names and the dialect's shared layer.
 */
export interface ContextTripwires {
  readonly names: ReadonlySet<string>;
  readonly values: Record<string, unknown>;
  layerOver(shared: Record<string, unknown>): Record<string, unknown>;
}

/** The `flags` templates read. */
export interface RunFlags {
  FULL_REFRESH: boolean;
  /** The command: `run`, `build`, `test`, `seed`, `compile`, `parse`… */
  WHICH: string;
  STORE_FAILURES: boolean;
  EMPTY: boolean;
  WARN_ERROR: boolean;
  DEBUG: boolean;
}

const DEFAULT_FLAGS: RunFlags = { FULL_REFRESH: false, WHICH: 'run', STORE_FAILURES: false, EMPTY: false, WARN_ERROR: false, DEBUG: false };

/** dbt's `target` dict: the profile output's fields, with `dbname` for `database` and `profile_name`. */
function targetContext(target: Target): Record<string, unknown> {
  const { extra, profileName, user, threads, ...core } = target;
  return { ...(extra ?? {}), ...core, dbname: target.database, user: user ?? '', threads: threads ?? 4, profile_name: profileName ?? '' };
}

/** Warnings already printed by this process: a template rendered in several passes warns once. */
const warned = new Set<string>();

function jinjaOutput(message: string): void {
  if (process.env.LANDFALL_LOG_JINJA) process.stderr.write(`${message}\n`);
}

function stripKeywords(args: unknown[]): { positional: unknown[]; keywords: Record<string, unknown> } {
  const last = args[args.length - 1];
  if (last && typeof last === 'object' && Object.prototype.hasOwnProperty.call(last, '__keywords')) {
    const { __keywords: _flag, ...keywords } = last as Record<string, unknown>;
    return { positional: args.slice(0, -1), keywords };
  }
  return { positional: args, keywords: {} };
}

export class UnknownVarError extends Error {
  constructor(name: string) {
    super(`Required var '${name}' not found in dbt_project.yml vars or --vars, and no default was given`);
    this.name = 'UnknownVarError';
  }
}

/** The dbt-core version whose behaviour landfall follows (tests/compat runs it): `dbt_version` in templates. */
export const DBT_VERSION = '1.10.0';

/**
 * What every render in a dialect shares: dbt's globals and the helpers that depend on nothing being rendered. Each
 * render's context has it as its prototype and holds only its own ~25 names, instead of a copy of ~130 names per
 * render (building and copying those was ~10 % of a cold compile of 2,000 models); renderTemplate keeps one layer of
 * it per macro scope (jinja/environment.ts `markSharedContextLayer`). Not frozen: a render may assign its own
 * `env_var` or `modules` over it.
 */
function sharedLayer(type: Target['type']): Record<string, unknown> {
  let layer = sharedLayers.get(type);
  if (layer) return layer;
  layer = {
    ...dbtGlobals(type),
    modules: { datetime: pythonDatetimeModule, re: pythonReModule, itertools: pythonItertoolsModule, pytz: pythonPytzModule },
    fromyaml: (text: unknown, fallback: unknown = null) => {
      try {
        return yaml.load(String(text)) ?? null;
      } catch {
        return fallback;
      }
    },
    toyaml: (value: unknown) => yaml.dump(value, { sortKeys: false }),
    print: (message: unknown) => {
      jinjaOutput(String(message));
      return '';
    },
    env_var: (name: string, fallback?: string) => {
      const value = process.env[name] ?? fallback;
      if (value === undefined) throw new Error(`Env var required but not provided: '${name}'`);
      return value;
    },
    dbt_version: DBT_VERSION,
    log: (message: unknown, ...rest: unknown[]) => {
      const info = rest.some((r) => r === true || (r && typeof r === 'object' && (r as { info?: unknown }).info === true));
      if (info) jinjaOutput(String(message));
      return '';
    },
    exceptions: {
      raise_compiler_error: (message: string) => {
        throw new Error(`Compilation Error: ${message}`);
      },
      raise_not_implemented: (message: string) => {
        throw new Error(`Not implemented: ${message}`);
      },
      warn: (message: unknown) => {
        const text = String(message);
        if (!warned.has(text)) {
          warned.add(text);
          process.stderr.write(`Warning: ${text}\n`);
        }
        return '';
      },
    },
  };
  markSharedContextLayer(layer);
  sharedLayers.set(type, layer);
  return layer;
}
const sharedLayers = new Map<Target['type'], Record<string, unknown>>();

/**
 * `context[name]`, computed by `make` when first read (most templates never read `graph` or `model`: building their
 * dicts for 8,500 nodes was ~5 % of a cold compile). renderTemplate keeps it lazy (see {@link LAZY_CONTEXT_NAMES}).
 */
function setLazily(context: Record<string, unknown>, name: string, value: unknown): void {
  if (typeof value !== 'function') {
    context[name] = value;
    return;
  }
  let made: { value: unknown } | undefined;
  Object.defineProperty(context, name, {
    get: () => (made ??= { value: (value as () => unknown)() }).value,
    set: (replaced: unknown) => {
      made = { value: replaced };
    },
    enumerable: true,
    configurable: true,
  });
  const lazy = (context as { [LAZY_CONTEXT_NAMES]?: string[] })[LAZY_CONTEXT_NAMES];
  if (lazy) lazy.push(name);
  else Object.defineProperty(context, LAZY_CONTEXT_NAMES, { value: [name], enumerable: false });
}

/**
 * Build the template context: this render's names, over the dialect's shared layer (its prototype: read names with
 * `context.x` or `for … in`, not `Object.keys` or a spread, which see this render's own names only).
 */
export function buildRenderContext(inputs: RenderInputs): Record<string, unknown> {
  const { hooks } = inputs;
  const config = (...args: unknown[]) => {
    const { positional, keywords } = stripKeywords(args);
    const values = { ...((positional[0] as Record<string, unknown> | undefined) ?? {}), ...keywords };
    hooks.config(values);
    return '';
  };
  Object.assign(config, {
    get: (key: string, fallback?: unknown) => hooks.configValues()[key] ?? fallback ?? null,
    require: (key: string) => {
      const value = hooks.configValues()[key];
      if (value === undefined) throw new Error(`config '${key}' is required`);
      return value;
    },
  });
  const varFn = (...args: unknown[]) => {
    const { positional, keywords } = stripKeywords(args);
    const name = String(positional[0]);
    if (Object.prototype.hasOwnProperty.call(inputs.vars, name)) return inputs.vars[name];
    const fallback = positional.length > 1 ? positional[1] : keywords.default;
    if (fallback === undefined) throw new UnknownVarError(name);
    return fallback;
  };
  const shared = sharedLayer(inputs.target.type);
  const surface = adapterSurface({ target: inputs.target, queries: inputs.queries });
  const flags: RunFlags = { ...DEFAULT_FLAGS, ...inputs.flags };
  const configOr = (key: string, fallback: boolean) => {
    const value = hooks.configValues()[key];
    return value === undefined || value === null ? fallback : value;
  };
  const own: Record<string, unknown> = {
    adapter: { ...(shared.adapter as Record<string, unknown>), ...surface.adapter },
    api: surface.api,
    load_relation: surface.load_relation,
    should_full_refresh: () => configOr('full_refresh', flags.FULL_REFRESH),
    should_store_failures: () => configOr('store_failures', flags.STORE_FAILURES),
    flags,
    ref: (...args: unknown[]) => {
      const { positional, keywords } = stripKeywords(args);
      // ref('package', 'model') or ref('model', v=2): the model name is the last positional argument.
      const name = String(positional[positional.length - 1]);
      const version = keywords.v ?? keywords.version;
      return hooks.ref(name, version !== undefined && version !== null ? String(version) : undefined);
    },
    source: (sourceName: string, tableName: string) => hooks.source(String(sourceName), String(tableName)),
    config,
    var: varFn,
    this: inputs.self,
    target: targetContext(inputs.target),
    is_incremental: () => hooks.isIncremental(),
    invocation_id: inputs.invocationId,
    run_started_at: new PyDatetime(inputs.runStartedAt),
    project_name: inputs.projectName,
    ...statementContext(inputs.queries),
  };
  const tripwires = inputs.tripwires;
  if (tripwires) {
    const context = Object.create(tripwires.layerOver(shared)) as Record<string, unknown>;
    for (const key of Object.keys(own)) (tripwires.names.has(key) ? tripwires.values : context)[key] = own[key];
    tripwires.values.graph = inputs.graph ?? emptyGraph;
    tripwires.values.model = inputs.model ?? {};
    return context;
  }
  const context = Object.assign(Object.create(shared) as Record<string, unknown>, own);
  setLazily(context, 'graph', inputs.graph ?? emptyGraph);
  setLazily(context, 'model', inputs.model ?? {});
  return context;
}

/**
 * The context of Jinja rendered at parse time outside any model — property values, dbt_project.yml, the naming
 * macros — where `ref()` and `source()` are refused with an error naming `where`.
 *
 * @example
 * renderTemplate("{{ var('raw_schema') }}", parseTimeContext({ target, vars, where: 'a property value' }), { file })
 */
export function parseTimeContext(inputs: {
  target: Target;
  vars: Record<string, unknown>;
  where: string;
  now?: Date;
  configValues?: () => Record<string, unknown>;
}): Record<string, unknown> {
  const refuse = (name: string) => (): never => {
    throw new Error(`${name}() cannot be used in ${inputs.where}`);
  };
  const context = buildRenderContext({
    target: inputs.target, vars: inputs.vars, self: undefined, invocationId: 'parse', runStartedAt: inputs.now ?? new Date(),
    hooks: { ref: refuse('ref'), source: refuse('source'), config: () => undefined, configValues: inputs.configValues ?? (() => ({})), isIncremental: () => false },
  });
  // Flat (its callers spread it): every name as its own.
  return flatten(context);
}

/** What dbt's `load_result(name)` returns. */
interface StatementResult {
  response: { _message: string; code: string; rows_affected: number };
  data: unknown[][];
  table: AgateTable;
}

function statementResult(sql: string, result: StoredQueryResult, fetch: boolean): StatementResult {
  const table = fetch ? AgateTable.of(result) : AgateTable.empty();
  const code = leadingKeyword(sql);
  return {
    response: { _message: `${code} ${result.rowsAffected}`, code, rows_affected: result.rowsAffected },
    data: table.rows.map((row) => [...row]),
    table,
  };
}

/** The result of a `statement` named `name` has been read by `load_result` already. */
export class ResultAlreadyLoadedError extends Error {
  constructor(name: string) {
    super(`The 'statement' result named '${name}' has already been loaded into a variable`);
    this.name = 'ResultAlreadyLoadedError';
  }
}

/**
 * dbt's `execute`, `statement`, `run_query`, `load_result` and `store_result`, over one render's
 * {@link QuerySession}. As in dbt, `load_result(name)` hands a result out once (except `main`), and
 * returns none for a name no statement stored.
 */
function statementContext(queries: QuerySession | undefined): Record<string, unknown> {
  const stored = new Map<string, StatementResult | null>();
  const storeResult = (...args: unknown[]) => {
    const { positional, keywords } = stripKeywords(args);
    const name = String(positional[0] ?? keywords.name);
    const response = positional[1] ?? keywords.response;
    const table = (positional[2] ?? keywords.agate_table) as AgateTable | undefined;
    stored.set(name, { response: response as StatementResult['response'], data: table ? table.rows.map((row) => [...row]) : [], table: table ?? AgateTable.empty() });
    return '';
  };
  return {
    execute: queries !== undefined,
    statement: (...args: unknown[]) => {
      if (!queries) return '';
      const { positional, keywords } = stripKeywords(args);
      const name = positional[0] ?? keywords.name ?? null;
      const fetch = Boolean(positional[1] ?? keywords.fetch_result ?? false);
      const caller = keywords.caller as (() => unknown) | undefined;
      const sql = caller ? String(caller()) : '';
      const result = queries.run(sql, fetch);
      if (name !== null && name !== undefined) stored.set(String(name), statementResult(sql, result, fetch));
      return '';
    },
    run_query: (sql: unknown) => {
      if (!queries) return null;
      return AgateTable.of(queries.run(String(sql), true));
    },
    load_result: (name: unknown) => {
      const key = String(name);
      if (!stored.has(key)) return null;
      const result = stored.get(key)!;
      if (key === 'main') return result;
      if (result === null) throw new ResultAlreadyLoadedError(key);
      stored.set(key, null);
      return result;
    },
    store_result: storeResult,
  };
}
