/**
 * The state one compile shares across the root project and its packages: the nodes found so far, the Jinja
 * helpers of parse time (property values, test arguments, a model's `ref`/`source`/`config` calls) and dbt's
 * name resolution (`ref('x')` from package P: the root project, then P, then any package).
 */
import { ProjectError, lineOf } from '../errors';
import type { ModelNode, SeedNode, SourceTable, TestNode } from '../manifest';
import type { Target } from '../target';
import { renderTemplate, TemplateRenderError } from '../jinja/environment';
import { buildRenderContext, parseTimeContext } from '../render/render-context';
import { RelationRef } from '../render/relation';
import { ParseRenderRecorder, type ParseRender } from '../render/parse-render-reuse';
import { parseStatically } from './static-parser';
import { versionedRefKey } from './model-versions';
import type { CustomNaming, NamingNode } from './custom-naming';
import type { ProjectFiles, SqlFile } from './project-files';
import { contentHash, type PartialParseCache, type SqlFileCalls, type SqlFileParse } from './partial-parse';
import { escapeRegex, similar } from './config-levels';

/** One project being compiled: the root or an installed package. */
export interface ProjectScope {
  files: ProjectFiles;
  packageName: string;
  /** The text of one of this project's files (for error lines). */
  textOf: (file: string) => string;
  /** Folder configs for a file of a resource kind (`models`, `seeds`, `data_tests`), package's own then the root's. */
  folderConfig: (kind: 'models' | 'seeds' | 'tests', relative: string) => Record<string, unknown>;
}

export interface SessionInputs {
  rootName: string;
  target: Target;
  vars: Record<string, unknown>;
  /** The vars of each package's own nodes (dbt scopes vars by the node's package); the root's are `vars`. */
  packageVars?: Record<string, Record<string, unknown>>;
  now?: Date;
  macroPrefix: string;
  naming: CustomNaming;
  parseCache?: PartialParseCache;
  /** What a rendered file's parse depends on besides its own text (see `renderContextHash`). */
  contextParts: () => unknown;
}

export class ParseSession {
  readonly sources: Record<string, SourceTable> = {};
  readonly seeds: Record<string, SeedNode> = {};
  readonly models: Record<string, ModelNode> = {};
  readonly tests: Record<string, TestNode> = {};
  /** Seeds and models turned off with `enabled: false`, by name: their YAML properties and tests are ignored. */
  readonly disabledNames = new Set<string>();
  /** Models and seeds by name, then package. */
  private readonly relationIds = new Map<string, Map<string, string>>();
  private renderContextHash?: string;
  /** Each model file's parse render, when it can stand for the compile render (render/parse-render-reuse.ts). */
  readonly parseRenders = new Map<string, ParseRender>();

  constructor(readonly inputs: SessionInputs) {}

  /** The vars a node of this package sees (dbt: its package's own below the root's; the root's nodes see only theirs). */
  varsOf(packageName: string): Record<string, unknown> {
    return packageName === this.inputs.rootName ? this.inputs.vars : this.inputs.packageVars?.[packageName] ?? this.inputs.vars;
  }

  schemaFor(custom: unknown, node: NamingNode): string {
    return this.inputs.naming.schema(custom, node);
  }

  aliasFor(custom: unknown, node: NamingNode): string {
    return this.inputs.naming.alias(custom, node);
  }

  addRelationName(name: string, packageName: string, uniqueId: string): void {
    let byPackage = this.relationIds.get(name);
    if (!byPackage) this.relationIds.set(name, (byPackage = new Map()));
    if (!byPackage.has(packageName)) byPackage.set(packageName, uniqueId);
  }

  /** The model or seed `name` of one package (what YAML properties of that package describe). */
  relationInPackage(name: string, packageName: string): string | undefined {
    return this.relationIds.get(name)?.get(packageName);
  }

  /** The id of the model or seed `ref(name)` from a node of `fromPackage` means, or undefined. */
  relationByName(name: string, fromPackage: string): string | undefined {
    const byPackage = this.relationIds.get(name);
    if (!byPackage) return undefined;
    return byPackage.get(this.inputs.rootName) ?? byPackage.get(fromPackage) ?? byPackage.values().next().value;
  }

  /**
   * What a parse-time `ref(key)` prints: the relation of a seed or model parsed already that no later node can take
   * the name from (the root project's, or the referring package's own: dbt's ref precedence), else undefined and the
   * caller prints a placeholder in the target schema. Not an ephemeral model (a CTE at compile time) or a version.
   * Printing the relation compile time will print lets the model's parse render stand for its compile render
   * (render/parse-render-reuse.ts); dbt prints the referring model's own relation at parse time, so a template that
   * inspects what ref() printed sees neither tool's compile-time value at parse time either way.
   */
  private knownRelation(key: string, fromPackage: string): RelationRef | undefined {
    const byPackage = this.relationIds.get(key);
    const id = byPackage?.get(this.inputs.rootName) ?? byPackage?.get(fromPackage);
    if (id === undefined) return undefined;
    const node = this.models[id] ?? this.seeds[id];
    if (!node || (node.resourceType === 'model' && (node.version !== undefined || node.config.materialized === 'ephemeral'))) return undefined;
    return RelationRef.inDatabase(node.relation, this.inputs.target.database);
  }

  /** The id of a model or seed for `ref()`, or a ProjectError naming the file and line. */
  resolveRefName(refName: string, fromPackage: string, file: string, text: string): string {
    const id = this.relationByName(refName, fromPackage);
    if (!id) {
      // A versioned ref is keyed `m.v2` (model-versions.ts): name the model and its versions.
      const versioned = /^(.+)\.v([^.]+)$/.exec(refName);
      if (versioned && this.relationIds.has(versioned[1]!)) {
        const versions = [...this.relationIds.keys()].filter((k) => k.startsWith(`${versioned[1]}.v`)).map((k) => k.slice(versioned[1]!.length + 2));
        throw new ProjectError(file, `ref('${versioned[1]}', v=${versioned[2]}): model '${versioned[1]}' has no version ${versioned[2]}${versions.length ? ` (its versions: ${versions.join(', ')})` : ' (it is not versioned)'}`,
          lineOf(text, new RegExp(`ref\\(\\s*(?:['"][^'"]*['"]\\s*,\\s*)?['"]${escapeRegex(versioned[1]!)}['"]`)));
      }
      const close = [...this.relationIds.keys()].filter((k) => similar(k, refName)).slice(0, 3);
      throw new ProjectError(file,
        `ref('${refName}') does not match any model or seed${close.length ? ` (did you mean ${close.map((c) => `'${c}'`).join(', ')}?)` : ''}`,
        lineOf(text, new RegExp(`ref\\(\\s*(?:['"][^'"]*['"]\\s*,\\s*)?['"]${escapeRegex(refName)}['"]`)));
    }
    return id;
  }

  /** The id of a source table for `source()` from `fromPackage` (root, own package, any), or a ProjectError. */
  resolveSource(sourceName: string, tableName: string, fromPackage: string, file: string, text: string): string {
    for (const pkg of [this.inputs.rootName, fromPackage]) {
      const id = `source.${pkg}.${sourceName}.${tableName}`;
      if (this.sources[id]) return id;
    }
    const any = Object.values(this.sources).find((s) => s.sourceName === sourceName && s.name === tableName);
    if (any) return any.uniqueId;
    const known = Object.values(this.sources).map((s) => `${s.sourceName}.${s.name}`).sort();
    throw new ProjectError(file,
      `source('${sourceName}', '${tableName}') is not defined in any sources: YAML` +
        (known.length ? ` (defined: ${known.join(', ')})` : ' (the project defines no sources)'),
      lineOf(text, new RegExp(`source\\(\\s*['"]${escapeRegex(sourceName)}['"]`)));
  }

  /** dbt renders Jinja in property values such as a source's `schema: "{{ var('raw_schema') }}"`. */
  renderProperty(value: string, file: string, text: string, withMacros = false): string {
    if (!value.includes('{{') && !value.includes('{%')) return value;
    const { target, vars, now } = this.inputs;
    try {
      // Test arguments see the macros (dbt renders them in the test's context: `{{ dbt_date.yesterday('d') }}`).
      return renderTemplate(value, parseTimeContext({ target, vars, now, where: 'a property value' }), { file, ...(withMacros ? { macros: this.inputs.macroPrefix } : {}) }).trim();
    } catch (error) {
      if (error instanceof TemplateRenderError) throw new ProjectError(file, `in '${value}': ${error.detail}`, lineOf(text, new RegExp(escapeRegex(value.slice(0, 20)))));
      throw error;
    }
  }

  /** dbt renders a generic test's Jinja arguments natively at parse time: `"{{ var('statuses') }}"` is the list. */
  renderArgument(value: string, file: string, text: string): unknown {
    const expression = /^\s*\{\{([\s\S]*)\}\}\s*$/.exec(value)?.[1];
    if (expression === undefined || expression.includes('{{')) return this.renderProperty(value, file, text, true);
    return JSON.parse(this.renderProperty(`{{ (${expression}) | tojson }}`, file, text, true)) as unknown;
  }

  /**
   * Parse time for a model or singular test: its `ref()`, `source()` and `config()` calls, read by the static
   * parser when the file allows it, else recorded by rendering the file; nothing is resolved against a
   * warehouse. `configOf` merges the file's own config() values with the levels below them, for `config.get()`;
   * `selfName` names the relation `this` stands for (a model's). Errors become ProjectErrors with file and line.
   * Cached by the partial-parse cache when there is one.
   */
  sqlCalls(
    file: SqlFile, scope: ProjectScope, selfName: string | undefined, configOf: (own: Record<string, unknown>) => Record<string, unknown>,
    keepRender = false,
  ): SqlFileCalls {
    const cache = this.inputs.parseCache;
    // A package's files are keyed under the package, so a root file of the same path is another entry.
    const key = scope.packageName === this.inputs.rootName ? file.file : `${scope.packageName}:${file.file}`;
    return cache
      ? cache.sqlCalls(key, file.text, () => this.contextHash(), () => this.parseSqlFile(file, scope, selfName, configOf, keepRender))
      : this.parseSqlFile(file, scope, selfName, configOf, keepRender).calls;
  }

  /**
   * The `config()` a generic test's macro calls while dbt parses it (`{{ config(fail_calc='sum(diff_count)') }}`
   * before `{% if not execute %}{{ return('') }}`), or {} when it calls none or does not render at parse time.
   */
  testMacroConfig(test: TestNode, scope: ProjectScope): Record<string, unknown> {
    try {
      return this.parseSqlFile({ file: test.origin.file, relative: '', text: test.rawSql }, scope, undefined, (own) => own).calls.config;
    } catch (error) {
      if (error instanceof ProjectError) return {}; // the test errors when it runs, as in dbt
      throw error;
    }
  }

  // A rendered file's calls depend on everything the render sees: the partial-parse cache keys them by this hash
  // (all but `run_started_at`: as with dbt's partial parsing, a reused render keeps the time it was parsed at).
  // The environment is not part of it: each render records the variables its `env_var()` calls read (the file's
  // or any macro's), and the cache reuses it only while they hold the same values (partial-parse.ts). Keying on
  // the whole environment made every new process (another PWD, a terminal's variables) a cache miss.
  contextHash(): string {
    return this.renderContextHash ??= contentHash(JSON.stringify({
      parts: this.inputs.contextParts(), vars: this.inputs.vars, packageVars: this.inputs.packageVars ?? null, macros: this.inputs.macroPrefix, target: this.inputs.target,
    }));
  }

  private parseSqlFile(
    file: SqlFile, scope: ProjectScope, selfName: string | undefined, configOf: (own: Record<string, unknown>) => Record<string, unknown>,
    keepRender = false,
  ): SqlFileParse {
    const calls: SqlFileCalls = { refs: [], sources: [], config: {} };
    const staticCalls = parseStatically(file.text);
    if (staticCalls) {
      for (const call of staticCalls) {
        if (call.kind === 'ref') calls.refs.push(call.name);
        else if (call.kind === 'source') calls.sources.push({ sourceName: call.sourceName, tableName: call.tableName });
        else calls.config = { ...calls.config, ...call.values };
      }
      return { calls, rendered: false };
    }
    const { target, now } = this.inputs;
    const vars = this.varsOf(scope.packageName);
    const envRead: Record<string, string | null> = {};
    // A model's render is kept for its compiled SQL when it read nothing the compile render sees otherwise.
    const recorder = keepRender ? new ParseRenderRecorder(vars) : undefined;
    try {
      const context = buildRenderContext({
        target,
        vars,
        self: selfName === undefined ? undefined : RelationRef.inDatabase({ schema: target.schema, identifier: selfName }, target.database),
        invocationId: 'parse',
        projectName: this.inputs.rootName,
        runStartedAt: now ?? new Date(),
        ...(recorder ? { tripwires: recorder.tripwires } : {}),
        hooks: {
          ref: (refName: string, version?: string) => {
            // `ref('m', v=1)` depends on version 1 (project/model-versions.ts); `ref('m')` on the latest.
            const key = versionedRefKey(refName, version);
            calls.refs.push(key);
            const relation = this.knownRelation(key, scope.packageName) ?? RelationRef.inDatabase({ schema: target.schema, identifier: refName }, target.database);
            recorder?.printed('ref', [key], relation);
            return relation;
          },
          source: (sourceName: string, tableName: string) => {
            const id = this.resolveSource(sourceName, tableName, scope.packageName, file.file, file.text);
            calls.sources.push({ sourceName, tableName });
            const relation = RelationRef.inDatabase(this.sources[id]!.relation, target.database);
            recorder?.printed('source', [sourceName, tableName], relation);
            return relation;
          },
          config: (values: Record<string, unknown>) => {
            calls.config = { ...calls.config, ...values };
          },
          configValues: () => (recorder ? recorder.watchConfig(configOf(calls.config), calls.config) : configOf(calls.config)),
          isIncremental: () => false,
        },
      });
      const envVar = context.env_var as (name: string, fallback?: string) => string;
      context.env_var = (name: string, fallback?: string) => {
        envRead[String(name)] = process.env[String(name)] ?? null;
        return envVar(name, fallback);
      };
      const render = () => renderTemplate(file.text, context, { file: file.file, macros: this.inputs.macroPrefix });
      if (!recorder) render();
      else {
        const kept = recorder.finish(file.text, recorder.during(render), envRead);
        if (kept) this.parseRenders.set(file.file, kept);
      }
    } catch (error) {
      if (error instanceof ProjectError) throw error;
      if (error instanceof TemplateRenderError) throw new ProjectError(error.file, error.detail, error.line);
      throw error;
    }
    return { calls, rendered: true, env: envRead };
  }
}
