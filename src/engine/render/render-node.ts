/**
 * Run time: render a model's or test's Jinja into the SQL the warehouse runs, resolving `ref()` and
 * `source()` to real relations and `is_incremental()` from what the warehouse holds.
 */
import { EngineError } from '../errors';
import { renderTemplate, TemplateRenderError } from '../jinja/environment';
import { findSource, type ExecutableNode, type Manifest, type ModelNode, type TestNode } from '../manifest';
import { versionedRefKey } from '../project/model-versions';
import { buildRenderContext, type RunFlags } from './render-context';
import { graphOf, nodeDict } from './graph-context';
import { RelationRef } from './relation';
import { QuerySession } from './query-session';

export interface RuntimeRenderOptions {
  /** Project vars merged with the run's `--vars`. */
  vars: Record<string, unknown>;
  isIncremental: boolean;
  invocationId: string;
  runStartedAt: Date;
  /** Relations that `ref(name)` resolves to instead of the model's own (e.g. a month's shadow, or the touched months). */
  refOverrides?: Record<string, RelationRef>;
  /**
   * Results of the template's `run_query`/`statement` calls. Without it, any such call fails with
   * `UnresolvedQueryError` (the scheduler resolves them first: run/run-time-queries.ts).
   */
  queries?: QuerySession;
  /** dbt's `flags` (`FULL_REFRESH`, `WHICH`, …) of the run. */
  flags?: Partial<RunFlags>;
  /** dbt's `--empty`: `ref()` and `source()` print a subquery with no rows (EmptyRelationRef). */
  empty?: boolean;
  /** Told what the render read beyond the node itself (render/compiled-sql.ts memoises compiled SQL by it). */
  observe?: RenderObserver;
}

/**
 * What a render read that a memo of its output must check: each `ref()`/`source()` and what it printed, each
 * environment variable, and whether it read anything that changes between compiles or that depends on the whole
 * project (`graph`, `run_started_at`, `modules`, an ephemeral model's CTE): then `volatile()`.
 */
export interface RenderObserver {
  resolved(call: 'ref' | 'source', args: string[], printed: string): void;
  envRead(name: string, value: string | null): void;
  volatile(what: string): void;
}

/** `value` as it is, but a read of any of its members tells `observer` (a Proxy: copying the reference reads nothing). */
function watched<T extends object>(value: T, what: string, observer: RenderObserver): T {
  return new Proxy(value, {
    get(target, key, receiver) {
      observer.volatile(what);
      return Reflect.get(target, key, receiver) as unknown;
    },
    has(target, key) {
      observer.volatile(what);
      return Reflect.has(target, key);
    },
  });
}

/** Where Jinja begins: an expression, a statement or a comment. */
const JINJA_DELIMITER = /\{[{%#]/;

/** Name → relation lookups, built once per manifest. */
const lookups = new WeakMap<Manifest, Map<string, RelationRef>>();

function relationsByName(manifest: Manifest): Map<string, RelationRef> {
  let map = lookups.get(manifest);
  if (!map) {
    map = new Map();
    for (const node of [...Object.values(manifest.seeds), ...Object.values(manifest.models)]) {
      for (const key of refKeys(node)) map.set(key, RelationRef.inDatabase(node.relation, manifest.target.database));
    }
    lookups.set(manifest, map);
  }
  return map;
}

/** The relation `ref(key)` resolves to (`key` as versionedRefKey makes it), or undefined. */
export function relationOfRef(manifest: Manifest, key: string): RelationRef | undefined {
  return relationsByName(manifest).get(key);
}

/** Whether `ref(key)` names an ephemeral model (it prints a CTE's name and injects the CTE). */
export function refsEphemeralModel(manifest: Manifest, key: string): boolean {
  return modelsByName(manifest).get(key)?.config.materialized === 'ephemeral';
}

/** The models by name, built once per manifest, to find ephemeral models. */
const modelLookups = new WeakMap<Manifest, Map<string, ModelNode>>();

function modelsByName(manifest: Manifest): Map<string, ModelNode> {
  let map = modelLookups.get(manifest);
  if (!map) {
    map = new Map(Object.values(manifest.models).flatMap((m) => refKeys(m).map((key) => [key, m] as const)));
    modelLookups.set(manifest, map);
  }
  return map;
}

/**
 * A relation under dbt's `--empty`: prints as `(select * from "s"."t" where false limit 0) _dbt_limit_subq_t`, as
 * dbt's adapters render it, and keeps every other attribute of the relation for macros.
 */
export class EmptyRelationRef extends RelationRef {
  static wrap(relation: RelationRef): EmptyRelationRef {
    return new EmptyRelationRef(relation.schema, relation.identifier, relation.database, relation.quoting, undefined, relation.type);
  }
  override toString(): string {
    return `(select * from ${super.toString()} where false limit 0) _dbt_limit_subq_${this.identifier}`;
  }
}

/** The keys `ref()` finds a node by: its name, or for a model version `m.v1` and (the latest only) `m`. */
function refKeys(node: ExecutableNode): string[] {
  if (node.resourceType !== 'model' || node.version === undefined) return [node.name];
  const versioned = versionedRefKey(node.name, node.version);
  return node.version === node.latestVersion ? [versioned, node.name] : [versioned];
}

/** How `ref()` to an ephemeral model prints: the name of the CTE dbt injects for it. */
export class CteRef extends RelationRef {
  constructor(modelName: string) {
    super('', `__dbt__cte__${modelName}`);
  }
  override toString(): string {
    return this.identifier;
  }
}

/**
 * Put ephemeral models' CTEs in front of a node's SQL, as dbt does: into its own leading `with`, or as a
 * new `with` clause. `ctes` are in dependency order.
 *
 * @example
 * injectCtes('select * from __dbt__cte__a', [{ name: '__dbt__cte__a', sql: 'select 1' }])
 * // 'with __dbt__cte__a as (\nselect 1\n) select * from __dbt__cte__a'
 */
export function injectCtes(sql: string, ctes: { name: string; sql: string }[]): string {
  if (ctes.length === 0) return sql;
  const definitions = ctes.map((c) => `${c.name} as (\n${c.sql}\n)`).join(', ');
  // Leading comments and whitespace, then the keyword `with` (not `with recursive`, which must stay first).
  const leadingWith = /^((?:\s+|--[^\n]*\n|\/\*[\s\S]*?\*\/)*)with\b(?!\s+recursive\b)/i.exec(sql);
  if (leadingWith) return `${leadingWith[0]} ${definitions}, ${sql.slice(leadingWith[0].length).trimStart()}`;
  return `with ${definitions} ${sql}`;
}

/**
 * @example
 * renderNodeSql(manifest, manifest.models['model.demo.fct_transfers'], { vars: manifest.vars, isIncremental: true, invocationId: 'run-1', runStartedAt: new Date() })
 */
export function renderNodeSql(manifest: Manifest, node: ModelNode | TestNode, options: RuntimeRenderOptions): string {
  const ctes = new Map<string, string>();
  const sql = renderWithCtes(manifest, node, node.rawSql, options, ctes, []);
  return injectCtes(sql, [...ctes].map(([name, body]) => ({ name, sql: body })));
}

/**
 * Render one of a model's hooks (`pre_hook`/`post_hook` SQL) at run time, in the model's context
 * (`this`, `target`, `var`, `ref`).
 */
export function renderHookSql(manifest: Manifest, node: ModelNode, hook: string, options: RuntimeRenderOptions): string {
  const ctes = new Map<string, string>();
  return injectCtes(renderWithCtes(manifest, node, hook, options, ctes, []), [...ctes].map(([name, body]) => ({ name, sql: body })));
}

/** A test's config as `config.get` and `should_store_failures()` read it. */
function testConfig(test: TestNode): Record<string, unknown> {
  return {
    severity: test.severity, tags: test.tags, ...(test.storeFailuresIn ? { store_failures: true } : {}),
    ...(test.where !== undefined ? { where: test.where } : {}), ...(test.limit !== undefined ? { limit: test.limit } : {}),
    ...(test.failCalc !== undefined ? { fail_calc: test.failCalc } : {}),
  };
}

/**
 * The vars a node sees (dbt scopes them by the node's package): the run's for the root project's nodes; for a
 * package's node, its package's (project/compile-manifest.ts), under what the run sets beyond the manifest's
 * (`--vars` given at run time, a month's window).
 */
export function varsOfNode(manifest: Manifest, node: ModelNode | TestNode, runVars: Record<string, unknown>): Record<string, unknown> {
  const packageName = node.resourceType === 'model' ? node.packageName : node.uniqueId.split('.')[1];
  const scoped = packageName === undefined || packageName === manifest.projectName ? undefined : manifest.packageVars?.[packageName];
  if (!scoped) return runVars;
  const runOverrides = Object.entries(runVars).filter(([key, value]) => !(key in manifest.vars) || manifest.vars[key] !== value);
  return { ...scoped, ...Object.fromEntries(runOverrides) };
}

/**
 * Render `template` in `node`'s context; each ephemeral model it refs is rendered (recursively, its own
 * ephemeral refs first) into `ctes`, and `ref()` prints the CTE's name.
 */
function renderWithCtes(
  manifest: Manifest, node: ModelNode | TestNode, template: string, options: RuntimeRenderOptions,
  ctes: Map<string, string>, ephemeralPath: string[],
): string {
  // Plain SQL (no `{{`, `{%` or `{#`) renders to itself: no Jinja context to build, no macros to define.
  if (!JINJA_DELIMITER.test(template)) return template.trim();
  const relations = relationsByName(manifest);
  const models = modelsByName(manifest);
  const file = node.origin.file;
  let config: Record<string, unknown> = node.resourceType === 'model' ? { ...node.config } : testConfig(node);
  const context = buildRenderContext({
    target: manifest.target,
    vars: varsOfNode(manifest, node, options.vars),
    self: node.resourceType === 'model' ? (node.config.materialized === 'ephemeral' ? new CteRef(node.name) : RelationRef.inDatabase(node.relation, manifest.target.database)) : undefined,
    invocationId: options.invocationId,
    projectName: manifest.projectName,
    runStartedAt: options.runStartedAt,
    queries: options.queries ?? QuerySession.replaying({}, 'sql', file),
    flags: options.flags,
    // Made when a template first reads them (most never do).
    // Watched when first read, not before: reading it here to wrap it built all of `graph` for every observed render.
    graph: () => (options.observe ? watched(graphOf(manifest), 'graph', options.observe) : graphOf(manifest)),
    model: () => nodeDict(manifest, node),
    hooks: {
      ref: (refName, version) => {
        const name = versionedRefKey(refName, version);
        const ephemeral = options.refOverrides?.[name] ? undefined : models.get(name);
        if (ephemeral?.config.materialized === 'ephemeral') {
          options.observe?.volatile('an ephemeral model');
          const cte = new CteRef(version === undefined ? refName : `${refName}_v${version}`);
          if (ephemeralPath.includes(name)) throw new EngineError(`${file}: ephemeral models ref each other in a cycle: ${[...ephemeralPath, name].join(' -> ')}`);
          if (!ctes.has(cte.identifier)) {
            const body = renderWithCtes(manifest, ephemeral, ephemeral.rawSql, { ...options, isIncremental: false }, ctes, [...ephemeralPath, name]).trim();
            ctes.set(cte.identifier, body);
          }
          return cte;
        }
        const relation = options.refOverrides?.[name] ?? relations.get(name);
        if (!relation) throw new EngineError(`${file}: ref('${refName}'${version === undefined ? '' : `, v=${version}`}) does not match any model or seed`);
        const printed = options.empty ? EmptyRelationRef.wrap(relation) : relation;
        options.observe?.resolved('ref', [name], `${printed.toString()} ${JSON.stringify(printed)}`);
        return printed;
      },
      source: (sourceName, tableName) => {
        const source = findSource(manifest, sourceName, tableName);
        if (!source) throw new EngineError(`${file}: source('${sourceName}', '${tableName}') is not defined`);
        const relation = RelationRef.inDatabase(source.relation, manifest.target.database);
        const printed = options.empty ? EmptyRelationRef.wrap(relation) : relation;
        options.observe?.resolved('source', [sourceName, tableName], `${printed.toString()} ${JSON.stringify(printed)}`);
        return printed;
      },
      config: (values) => {
        config = { ...config, ...values };
      },
      configValues: () => config,
      isIncremental: () => options.isIncremental,
    },
  });
  const observer = options.observe;
  if (observer) {
    // A relation's own attributes (`ref('x').identifier`) are covered by what it printed; these are not.
    context.run_started_at = watched(context.run_started_at as object, 'run_started_at', observer);
    context.modules = watched(context.modules as object, 'modules', observer);
    const envVar = context.env_var as (name: string, fallback?: string) => string;
    context.env_var = (name: string, fallback?: string) => {
      observer.envRead(String(name), process.env[String(name)] ?? null);
      return envVar(name, fallback);
    };
  }
  // Macros (dbt's library, then the project's) are defined in the same context before the node renders.
  try {
    return renderTemplate(template, context, { file, macros: manifest.macroSource }).trim();
  } catch (error) {
    if (error instanceof TemplateRenderError) throw new EngineError(error.message);
    throw error;
  }
}
