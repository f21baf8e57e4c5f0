/**
 * Each model's compiled SQL for manifest.json's `compiled_code` (`compile`, `docs generate`), as `dbt compile`
 * renders it: not incremental, refs and sources resolved to their relations. A model whose Jinja runs queries at
 * compile time gets none (landfall compiles without a warehouse), as before.
 *
 * Most models use Jinja only as `{{ ref('x') }}`, `{{ source('a', 'b') }}` and `{{ config(…) }}` (what the
 * engine's static parser reads without rendering). Their compiled SQL is the text with each call replaced by
 * what it prints — the relation's name, or nothing for `config()` — which is what the full render gives, at a
 * fraction of the cost (the full render compiles every template with nunjucks and builds the whole render
 * context: ~70 % of `docs generate`'s CPU at 10,000 models). Anything else — other Jinja, an ephemeral or
 * versioned ref, a project macro that overrides `ref`/`source`/`config`, a name that does not resolve — takes the
 * engine's full render, so errors and edge cases stay the engine's. tests/artifacts/compiled-code.test.ts
 * checks both paths give the same SQL.
 *
 * A recompile that patched the last compiled manifest (engine/project/model-edits.ts) and reuses the last
 * manifest.json's entries (manifest-fragments.ts) need not render the models it did not edit whose last render was
 * *stable* — static, or kept by the partial-parse cache, which never keeps a render that read `run_started_at`,
 * `graph`… — : the same inputs print the same SQL. The caller names them (`unchanged`); they are rendered only if
 * something asks for their SQL after all (`CompiledCode.get`).
 */
import type { Manifest, ModelNode } from '../engine/manifest';
import { findSource } from '../engine/manifest';
import { parseStatically } from '../engine/project/static-parser';
import type { PartialParseCache } from '../engine/project/partial-parse';
import { compiledSqlOf } from '../engine/render/compiled-sql';
import { RelationRef } from '../engine/render/relation';

const EXPRESSION = /\{\{([\s\S]*?)\}\}/g;
const JINJA_DELIMITER = /\{[{%#]/;
/** A project macro that would replace one of the calls the fast path prints itself. */
const OVERRIDING_MACRO = /\{%-?\s*macro\s+(ref|source|config)\s*\(/;

export interface CompiledCodeOptions {
  /** The partial-parse cache `manifest` was compiled with: a render it kept or stored is stable. */
  parseCache?: PartialParseCache;
  /** Models (landfall ids) whose SQL is as in the manifest.json assembled last and stable there: not rendered. */
  unchanged?: (id: string) => boolean;
}

/** Compiled SQL by landfall id, with which renders are stable and which were not rendered (see the file comment). */
export class CompiledCode extends Map<string, string> {
  /** Models whose SQL the same inputs print again (static, or a render the partial-parse cache kept). */
  readonly stable = new Set<string>();
  /** Models left out as `unchanged`: `get` renders one on demand. */
  readonly notRendered = new Set<string>();
  private renderLater?: (id: string) => string | undefined;

  /** @internal compiledCodeOf sets how a model left out is rendered when asked for. */
  setRenderLater(render: (id: string) => string | undefined): void {
    this.renderLater = render;
  }

  override get(id: string): string | undefined {
    if (this.notRendered.has(id) && this.renderLater) {
      this.notRendered.delete(id);
      const sql = this.renderLater(id);
      if (sql !== undefined) this.set(id, sql);
    }
    return super.get(id);
  }

  override has(id: string): boolean {
    return this.get(id) !== undefined;
  }
}

/**
 * @example
 * compiledCodeOf(manifest, new Date()).get('model.demo.stg_users') // 'select … from "dev"."raw"."users"'
 */
export function compiledCodeOf(manifest: Manifest, startedAt: Date, options: CompiledCodeOptions = {}): CompiledCode {
  const out = new CompiledCode();
  const fast = OVERRIDING_MACRO.test(manifest.macroSource ?? '') ? undefined : new StaticRenderer(manifest);
  const renderOne = (model: ModelNode): string | undefined => {
    const quick = fast?.render(model);
    if (quick !== undefined) {
      out.stable.add(model.uniqueId);
      return quick;
    }
    try {
      // The engine's render, memoised across compiles when the manifest was compiled with a partial-parse cache.
      const sql = compiledSqlOf(manifest, model, startedAt);
      if (options.parseCache?.compiledSqlKept(model.uniqueId)) out.stable.add(model.uniqueId);
      return sql;
    } catch {
      return undefined; // run_query/statement at render time, or an error the build reports with its file and line
    }
  };
  for (const model of Object.values(manifest.models)) {
    if (model.config.materialized === 'ephemeral') continue;
    if (options.unchanged?.(model.uniqueId)) {
      out.notRendered.add(model.uniqueId);
      out.stable.add(model.uniqueId);
      options.parseCache?.retainCompiledSql(model.uniqueId);
      continue;
    }
    const sql = renderOne(model);
    if (sql !== undefined) out.set(model.uniqueId, sql);
  }
  out.setRenderLater((id) => {
    const model = manifest.models[id];
    return model && renderOne(model);
  });
  return out;
}

/** Renders templates of static ref/source/config calls by substitution; undefined when it cannot. */
class StaticRenderer {
  /** Relation text by the name `ref()` finds: seeds and non-ephemeral, unversioned models. */
  private readonly relations = new Map<string, string>();
  /** Names `ref()` must not resolve here (ephemeral or versioned models: CTEs, version keys). */
  private readonly special = new Set<string>();
  private indexed = false;

  constructor(private readonly manifest: Manifest) {}

  /** The names above, made at the first `ref()` (a recompile that renders one model through Jinja never needs them). */
  private index(): void {
    if (this.indexed) return;
    this.indexed = true;
    const database = this.manifest.target.database;
    for (const seed of Object.values(this.manifest.seeds)) this.relations.set(seed.name, RelationRef.inDatabase(seed.relation, database).toString());
    for (const model of Object.values(this.manifest.models)) {
      if (model.version !== undefined || model.config.materialized === 'ephemeral') this.special.add(model.name);
      else this.relations.set(model.name, RelationRef.inDatabase(model.relation, database).toString());
    }
  }

  render(model: ModelNode): string | undefined {
    const text = model.rawSql;
    if (!JINJA_DELIMITER.test(text)) return text.trim();
    const calls = parseStatically(text);
    if (!calls) return undefined;
    const printed: string[] = [];
    for (const call of calls) {
      if (call.kind === 'config') printed.push('');
      else if (call.kind === 'ref') {
        this.index();
        if (this.special.has(call.name)) return undefined;
        const relation = this.relations.get(call.name);
        if (relation === undefined) return undefined;
        printed.push(relation);
      } else {
        const source = findSource(this.manifest, call.sourceName, call.tableName);
        if (!source) return undefined;
        printed.push(RelationRef.inDatabase(source.relation, this.manifest.target.database).toString());
      }
    }
    let index = 0;
    return text.replace(EXPRESSION, () => printed[index++]!).trim();
  }
}
