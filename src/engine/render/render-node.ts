/**
 * Run time: render a model's or test's Jinja into the SQL the warehouse runs, resolving `ref()` and
 * `source()` to real relations and `is_incremental()` from what the warehouse holds.
 */
import { EngineError } from '../errors';
import { renderTemplate, TemplateRenderError } from '../jinja/environment';
import type { Manifest, ModelNode, TestNode } from '../manifest';
import { buildRenderContext } from './render-context';
import { RelationRef } from './relation';

export interface RuntimeRenderOptions {
  /** Project vars merged with the run's `--vars`. */
  vars: Record<string, unknown>;
  isIncremental: boolean;
  invocationId: string;
  runStartedAt: Date;
  /** Relations that `ref(name)` resolves to instead of the model's own (e.g. a month's shadow, or the touched months). */
  refOverrides?: Record<string, RelationRef>;
}

/** Name → relation lookups, built once per manifest. */
const lookups = new WeakMap<Manifest, Map<string, RelationRef>>();

function relationsByName(manifest: Manifest): Map<string, RelationRef> {
  let map = lookups.get(manifest);
  if (!map) {
    map = new Map();
    for (const node of [...Object.values(manifest.seeds), ...Object.values(manifest.models)]) {
      map.set(node.name, RelationRef.of(node.relation));
    }
    lookups.set(manifest, map);
  }
  return map;
}

/**
 * @example
 * renderNodeSql(manifest, manifest.models['model.demo.fct_transfers'], { vars: manifest.vars, isIncremental: true, invocationId: 'run-1', runStartedAt: new Date() })
 */
export function renderNodeSql(manifest: Manifest, node: ModelNode | TestNode, options: RuntimeRenderOptions): string {
  const relations = relationsByName(manifest);
  const file = node.origin.file;
  let config: Record<string, unknown> = node.resourceType === 'model' ? { ...node.config } : {};
  const context = buildRenderContext({
    target: manifest.target,
    vars: options.vars,
    self: node.resourceType === 'model' ? RelationRef.of(node.relation) : undefined,
    invocationId: options.invocationId,
    runStartedAt: options.runStartedAt,
    hooks: {
      ref: (name) => {
        const relation = options.refOverrides?.[name] ?? relations.get(name);
        if (!relation) throw new EngineError(`${file}: ref('${name}') does not match any model or seed`);
        return relation;
      },
      source: (sourceName, tableName) => {
        const source = manifest.sources[`source.${manifest.projectName}.${sourceName}.${tableName}`];
        if (!source) throw new EngineError(`${file}: source('${sourceName}', '${tableName}') is not defined`);
        return RelationRef.of(source.relation);
      },
      config: (values) => {
        config = { ...config, ...values };
      },
      configValues: () => config,
      isIncremental: () => options.isIncremental,
    },
  });
  // Macros (dbt's library, then the project's) are defined in the same context before the node renders.
  try {
    return renderTemplate(node.rawSql, context, { file, macros: manifest.macroSource }).trim();
  } catch (error) {
    if (error instanceof TemplateRenderError) throw new EngineError(error.message);
    throw error;
  }
}
