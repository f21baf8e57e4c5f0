/**
 * Run time rendering of SQL that is not a model's: dbt_project.yml's `on-run-start`/`on-run-end` hooks
 * and a seed's `pre_hook`/`post_hook`. They see what a model sees (`target`, `var`, `ref`, `source`,
 * `run_started_at`, `invocation_id`, the project's macros), `this` when they belong to a relation, and
 * any extra names (the on-run-end hook's `schemas`, `database_schemas` and `results`).
 */
import { EngineError } from '../errors';
import { renderTemplate, TemplateRenderError } from '../jinja/environment';
import { findSource, type Manifest, type Relation } from '../manifest';
import { buildRenderContext } from '../render/render-context';
import { RelationRef } from '../render/relation';
import { QuerySession } from '../render/query-session';
import type { RuntimeRenderOptions } from '../render/render-node';

export interface OperationRenderInput extends Omit<RuntimeRenderOptions, 'isIncremental' | 'refOverrides'> {
  /** Where the template comes from, for error messages (`dbt_project.yml`, `seeds/prices.csv`). */
  file: string;
  /** The relation `{{ this }}` names, if any. */
  self?: Relation;
  /** What `config.get` answers. */
  config?: Record<string, unknown>;
  /** More names for the template, e.g. `results`. */
  extra?: Record<string, unknown>;
}

/**
 * @example
 * renderOperationSql(manifest, 'grant usage on schema {{ target.schema }} to reporter', { file: 'dbt_project.yml', vars: {}, invocationId: 'r1', runStartedAt: new Date() })
 * // 'grant usage on schema analytics to reporter'
 */
export function renderOperationSql(manifest: Manifest, template: string, input: OperationRenderInput): string {
  const relations = new Map([...Object.values(manifest.seeds), ...Object.values(manifest.models)].map((n) => [n.name, n]));
  const context = buildRenderContext({
    target: manifest.target,
    vars: input.vars,
    self: input.self ? RelationRef.inDatabase(input.self, manifest.target.database) : undefined,
    invocationId: input.invocationId,
    projectName: manifest.projectName,
    runStartedAt: input.runStartedAt,
    queries: input.queries ?? QuerySession.replaying({}, 'sql', input.file),
    hooks: {
      ref: (name) => {
        const node = relations.get(name);
        if (!node) throw new EngineError(`${input.file}: ref('${name}') does not match any model or seed`);
        if (node.config.materialized === 'ephemeral') throw new EngineError(`${input.file}: ref('${name}') names an ephemeral model, which has no relation to use here`);
        return RelationRef.inDatabase(node.relation, manifest.target.database);
      },
      source: (sourceName, tableName) => {
        const source = findSource(manifest, sourceName, tableName);
        if (!source) throw new EngineError(`${input.file}: source('${sourceName}', '${tableName}') is not defined`);
        return RelationRef.inDatabase(source.relation, manifest.target.database);
      },
      config: () => undefined,
      configValues: () => input.config ?? {},
      isIncremental: () => false,
    },
  });
  try {
    return renderTemplate(template, Object.assign(Object.create(context) as Record<string, unknown>, input.extra), { file: input.file, macros: manifest.macroSource }).trim();
  } catch (error) {
    if (error instanceof TemplateRenderError) throw new EngineError(error.message);
    throw error;
  }
}
