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
 */
import type { Manifest, ModelNode } from '../engine/manifest';
import { findSource } from '../engine/manifest';
import { parseStatically } from '../engine/project/static-parser';
import { compiledSqlOf } from '../engine/render/compiled-sql';
import { RelationRef } from '../engine/render/relation';

const EXPRESSION = /\{\{([\s\S]*?)\}\}/g;
const JINJA_DELIMITER = /\{[{%#]/;
/** A project macro that would replace one of the calls the fast path prints itself. */
const OVERRIDING_MACRO = /\{%-?\s*macro\s+(ref|source|config)\s*\(/;

/**
 * @example
 * compiledCodeOf(manifest, new Date()).get('model.demo.stg_users') // 'select … from "dev"."raw"."users"'
 */
export function compiledCodeOf(manifest: Manifest, startedAt: Date): Map<string, string> {
  const out = new Map<string, string>();
  const fast = OVERRIDING_MACRO.test(manifest.macroSource ?? '') ? undefined : new StaticRenderer(manifest);
  for (const model of Object.values(manifest.models)) {
    if (model.config.materialized === 'ephemeral') continue;
    const quick = fast?.render(model);
    if (quick !== undefined) {
      out.set(model.uniqueId, quick);
      continue;
    }
    try {
      // The engine's render, memoised across compiles when the manifest was compiled with a partial-parse cache.
      out.set(model.uniqueId, compiledSqlOf(manifest, model, startedAt));
    } catch {
      // run_query/statement at render time, or an error the build reports with its file and line
    }
  }
  return out;
}

/** Renders templates of static ref/source/config calls by substitution; undefined when it cannot. */
class StaticRenderer {
  /** Relation text by the name `ref()` finds: seeds and non-ephemeral, unversioned models. */
  private readonly relations = new Map<string, string>();
  /** Names `ref()` must not resolve here (ephemeral or versioned models: CTEs, version keys). */
  private readonly special = new Set<string>();

  constructor(private readonly manifest: Manifest) {
    const database = manifest.target.database;
    for (const seed of Object.values(manifest.seeds)) this.relations.set(seed.name, RelationRef.inDatabase(seed.relation, database).toString());
    for (const model of Object.values(manifest.models)) {
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
