/**
 * Renders a template in the dbt context a model sees (target `dev`/postgres/analytics, `ref` → "analytics".<name>),
 * for tests of what templates print. Override any render input (vars, queries, run_started_at, …) per call; `hooks`
 * overrides only the hooks it names.
 */
import { renderTemplate } from '../../src/engine/jinja/environment';
import { buildRenderContext, type RenderHooks, type RenderInputs } from '../../src/engine/render/render-context';
import { RelationRef } from '../../src/engine/render/relation';

export type ModelRenderInputs = Partial<Omit<RenderInputs, 'hooks'>> & { hooks?: Partial<RenderHooks> };

/** The dbt context a model sees (as above), with any render input overridden. */
export function modelRenderContext(inputs: ModelRenderInputs = {}): Record<string, unknown> {
  const { hooks, ...rest } = inputs;
  return buildRenderContext({
    target: { name: 'dev', type: 'postgres', schema: 'analytics', database: 'dev' },
    vars: {},
    self: new RelationRef('analytics', 'model_a'),
    invocationId: 'inv-1',
    runStartedAt: new Date(0),
    ...rest,
    hooks: {
      ref: (name) => new RelationRef('analytics', name),
      source: (s, t) => new RelationRef(s, t),
      config: () => undefined,
      configValues: () => ({}),
      isIncremental: () => false,
      ...hooks,
    },
  });
}

export function renderInContext(source: string, inputs: ModelRenderInputs = {}, file = 'models/x.sql'): string {
  return renderTemplate(source, modelRenderContext(inputs), { file, macros: '' });
}
