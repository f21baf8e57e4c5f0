/**
 * A render context holds its own names over a layer shared by every render of the dialect (render-context.ts): a
 * template sees both, a project macro still overrides a shared name, a render's own name overrides a shared one, and
 * two renders never see each other's names.
 */
import { renderTemplate } from '../../../src/engine/jinja/environment';
import { RelationRef } from '../../../src/engine/render/relation';
import { buildRenderContext, parseTimeContext } from '../../../src/engine/render/render-context';

const target = { name: 'dev', type: 'postgres' as const, schema: 'analytics', database: 'dev' };

function contextOf(self: string, vars: Record<string, unknown> = {}): Record<string, unknown> {
  return buildRenderContext({
    target, vars, self: RelationRef.inDatabase({ schema: 'analytics', identifier: self }, 'dev'), invocationId: 'i1', runStartedAt: new Date(0),
    hooks: { ref: (n) => RelationRef.inDatabase({ schema: 'analytics', identifier: n }, 'dev'), source: () => { throw new Error('no sources'); }, config: () => undefined, configValues: () => ({}), isIncremental: () => false },
  });
}

describe('render contexts over a shared layer', () => {
  const macros = '{% macro log(msg) %}project log: {{ msg }}{% endmacro %}';

  it('shows shared and own names; a project macro overrides a shared global; renders do not leak names', () => {
    const first = contextOf('first', { v: 1 });
    expect(Object.keys(first)).not.toContain('dbt_version'); // shared, not copied per render
    const source = "{{ this }} {{ var('v', 0) }} {{ dbt_version }} {{ adapter.quote('x') }} {{ log('hi') }} {{ ref('a') }}";
    expect(renderTemplate(source, first, { file: 'models/first.sql', macros })).toBe('"dev"."analytics"."first" 1 1.10.0 "x" project log: hi "dev"."analytics"."a"');
    expect(renderTemplate(source, contextOf('second'), { file: 'models/second.sql', macros })).toBe('"dev"."analytics"."second" 0 1.10.0 "x" project log: hi "dev"."analytics"."a"');
    // without the project macro, the shared `log` (prints nothing)
    expect(renderTemplate("{{ log('hi') }}|{{ dbt_version }}", contextOf('third'), { file: 'models/third.sql', macros: '' })).toBe('|1.10.0');
  });

  it('a name a render sets over a shared one wins, in that render only', () => {
    const context = contextOf('mine');
    context.env_var = () => 'overridden';
    expect(renderTemplate("{{ env_var('X', 'd') }}", context, { file: 'models/a.sql', macros: '' })).toBe('overridden');
    expect(renderTemplate("{{ env_var('LANDFALL_SURELY_UNSET', 'd') }}", contextOf('other'), { file: 'models/b.sql', macros: '' })).toBe('d');
    expect(renderTemplate('{{ dbt_version }} {{ this }}', context, { file: 'models/c.sql' })).toBe('1.10.0 "dev"."analytics"."mine"'); // no macros: flattened for nunjucks
  });

  it('parse-time contexts are flat, so callers may spread them', () => {
    const spread = { ...parseTimeContext({ target, vars: {}, where: 'a property value' }) };
    expect(renderTemplate('{{ dbt_version }} {{ target.schema }}', spread, { file: 'models/x.yml', macros: '' })).toBe('1.10.0 analytics');
  });
});

describe('lazy context names', () => {
  it('graph and model are made only when a template reads them, and read as the values made', () => {
    let made = 0;
    const context = buildRenderContext({
      target, vars: {}, self: undefined, invocationId: 'i1', runStartedAt: new Date(0),
      graph: () => {
        made++;
        return { nodes: { 'model.p.a': { name: 'a' } }, sources: {}, macros: {}, exposures: {}, metrics: {}, groups: {}, semantic_models: {}, saved_queries: {}, unit_tests: {} };
      },
      model: () => {
        made++;
        return { name: 'me' };
      },
      hooks: { ref: () => { throw new Error('no refs'); }, source: () => { throw new Error('no sources'); }, config: () => undefined, configValues: () => ({}), isIncremental: () => false },
    });
    expect(renderTemplate('select 1', context, { file: 'models/a.sql', macros: '' })).toBe('select 1');
    expect(made).toBe(0);
    expect(renderTemplate("{{ model.name }} {{ graph.nodes['model.p.a'].name }}", context, { file: 'models/a.sql', macros: '' })).toBe('me a');
    expect(made).toBe(2);
    expect(renderTemplate('{% set model = 5 %}{{ model }} {{ model }}', context, { file: 'models/a.sql', macros: '' })).toBe('5 5');
    expect(renderTemplate('{{ model.name }}', context, { file: 'models/a.sql', macros: '' })).toBe('me'); // the set stayed in its render
    expect(made).toBe(2);
  });
});
