/**
 * Macros are defined once per macro source and process (jinja/environment.ts `macroScopeOf`); each render puts its
 * own names under them. These check that a render still sees only its own names, nested renders included.
 */
import { renderTemplate } from '../../../src/engine/jinja/environment';
import { RelationRef } from '../../../src/engine/render/relation';
import { modelRenderContext } from '../../support/render-in-context';

const MACROS = [
  "{% macro greet(who) %}{{ var('greeting') }} {{ who }} from {{ this }}{% endmacro %}",
  "{% macro nested_value() %}{{ render_inner() }}{% endmacro %}",
  '{% macro generate_alias_name(custom, node) %}overridden{% endmacro %}',
].join('\n');

function contextFor(greeting: string, self: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ...modelRenderContext({ vars: { greeting }, self: new RelationRef('analytics', self), invocationId: 'inv', runStartedAt: new Date(Date.UTC(2024, 0, 1)) }),
    ...extra,
  };
}

const render = (source: string, context: Record<string, unknown>) => renderTemplate(source, context, { file: 'models/x.sql', macros: MACROS }).trim();

describe('macros defined once per macro source', () => {
  it('each render sees its own vars and this through the shared macros', () => {
    expect(render("{{ greet('ann') }}", contextFor('hi', 'model_a'))).toBe('hi ann from "analytics"."model_a"');
    expect(render("{{ greet('bob') }}", contextFor('hello', 'model_b'))).toBe('hello bob from "analytics"."model_b"');
    expect(render("{{ greet('ann') }}", contextFor('hi', 'model_a'))).toBe('hi ann from "analytics"."model_a"');
  });

  it('a render nested in a macro call leaves the outer render its names', () => {
    const inner = () => render("{{ greet('inner') }}", contextFor('inner-var', 'model_inner'));
    const outer = contextFor('outer-var', 'model_outer', { render_inner: inner });
    expect(render("{{ nested_value() }} / {{ greet('outer') }}", outer))
      .toBe('inner-var inner from "analytics"."model_inner" / outer-var outer from "analytics"."model_outer"');
  });

  it('a project macro overrides a context name of the same name, and a template\'s own set/macro stay in that render', () => {
    const context = contextFor('hi', 'm', { generate_alias_name: () => 'from-context' });
    expect(render('{{ generate_alias_name(none, none) }}', context)).toBe('overridden');
    expect(render("{% set greeting_local = 'x' %}{% macro local() %}L{% endmacro %}{{ local() }}{{ greeting_local }}", context)).toBe('Lx');
    expect(render('[{{ greeting_local }}][{{ local is defined }}]', context)).toBe('[][False]');
  });
});

describe('a namespace dict of the macro source is each render\'s own', () => {
  // A package's namespace (`{% set pkg = {...} %}`, project/package-macros.ts) is defined once per process. A unit test
  // overriding `pkg.bounds` updates it (project/compile-unit-tests.ts); in dbt that dict belongs to the one node's
  // context. Shared, the override leaked into every later render: audit_helper's compare_and_classify_query_results,
  // built after its unit tests, called the override macro of another render (whose literals were that render's
  // template-shape parameters) and got a dict without its keys: `where  >= ''`.
  const NAMESPACED = [
    '{% macro pkg__bounds(event_time) %}{% set props = {"event_time": event_time} %}{{ return(props) }}{% endmacro %}',
    "{% macro pkg__filter(props) %}where {{ props['event_time'] }} >= '{{ props['min_event_time'] }}'{% endmacro %}",
    "{% macro pkg__classify(event_time) %}{{ pkg.filter(pkg.bounds(event_time)) }}{% endmacro %}",
    '{% set pkg = {"bounds": pkg__bounds, "filter": pkg__filter, "classify": pkg__classify} %}',
  ].join('\n');
  const renderNs = (source: string) => renderTemplate(source, modelRenderContext(), { file: 'models/x.sql', macros: NAMESPACED }).trim();

  it('an update of the namespace in one render is not seen by the next', () => {
    expect(renderNs("{{ pkg.classify('created_at') }}")).toBe("where created_at >= ''");
    const override = '{%- macro __override() -%}{{ return({"event_time": "overridden_at", "min_event_time": "2024-01-02"}) }}{%- endmacro -%}'
      + "{%- do pkg.update({'bounds': __override}) -%}{{ pkg.classify('created_at') }}";
    expect(renderNs(override)).toBe("where overridden_at >= '2024-01-02'");
    expect(renderNs("{{ pkg.classify('created_at') }}")).toBe("where created_at >= ''");
    expect(renderNs("{%- do pkg.pop('filter') -%}{%- do pkg.setdefault('extra', 1) -%}{{ 'filter' in pkg }} {{ pkg.extra }}")).toBe('False 1');
    expect(renderNs("{{ 'filter' in pkg }} {{ 'extra' in pkg }}")).toBe('True False');
  });

  it('a render sees its own update through the macros it calls, and a top-level set of the name still wins', () => {
    expect(renderNs("{%- do pkg.update({'filter': pkg.bounds}) -%}{{ pkg.classify('x') }}")).toBe("{'event_time': {'event_time': 'x'}}");
    expect(renderNs("{%- set pkg = {'classify': 1} -%}{{ pkg.classify }}")).toBe('1');
  });
});
