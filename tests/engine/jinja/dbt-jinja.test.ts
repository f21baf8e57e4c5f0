import { renderTemplate } from '../../../src/engine/jinja/environment';
import type { DialectName } from '../../../src/engine/target';
import { modelRenderContext } from '../../support/render-in-context';

function render(source: string, macros = '', type: DialectName = 'postgres'): string {
  const context = modelRenderContext({
    target: { name: 'dev', type, schema: 'analytics', database: 'dev' },
    vars: { greeting: 'hi' },
    runStartedAt: new Date(Date.UTC(2024, 0, 2, 3, 4, 5)),
    hooks: { configValues: () => ({ materialized: 'table' }) },
  });
  return renderTemplate(source, context, { file: 'models/x.sql', macros }).replace(/\s+/g, ' ').trim();
}

describe('dbt Jinja on nunjucks', () => {
  it('returns values from macros with return(), keeping the caller\'s variables intact', () => {
    const macros = "{% macro statuses() %}{{ return(['a', 'b']) }}{% endmacro %}";
    expect(render("{% for i in [1] %}{% set s = statuses() %}{{ s | join(',') }}-{{ i }}{% endfor %}", macros)).toBe('a,b-1');
  });

  it('dispatches to the most specific adapter implementation, project before library', () => {
    const macros = [
      "{% macro greet() %}{{ return(adapter.dispatch('greet')()) }}{% endmacro %}",
      '{% macro default__greet() %}default{% endmacro %}',
      '{% macro postgres__greet() %}postgres{% endmacro %}',
    ].join('\n');
    expect(render('{{ greet() }}', macros, 'redshift')).toBe('postgres');
    expect(render('{{ greet() }}', macros.replace('{% macro postgres__greet() %}postgres{% endmacro %}', ''), 'postgres')).toBe('default');
  });

  it('names every macro it looked for when dispatch finds none', () => {
    expect(() => render("{{ adapter.dispatch('nothing')() }}")).toThrow(/redshift__nothing|postgres__nothing.*default__nothing/);
  });

  it('supports namespace() with attribute assignment, call blocks and set blocks', () => {
    const macros = '{% macro wrap() %}[{{ caller() }}]{% endmacro %}';
    const source = [
      '{% set ns = namespace(total=0) %}{% for i in range(4) %}{% set ns.total = ns.total + i %}{% endfor %}{{ ns.total }}',
      '{% call wrap() %}inner{% endcall %}',
      '{% set block %}b{{ 1 + 1 }}{% endset %}{{ block | trim }}',
    ].join(' ');
    expect(render(source, macros)).toBe('6 [inner] b2');
  });

  it('renders dbt cross-database macros for postgres and redshift', () => {
    expect(render("{{ dbt.dateadd('day', 3, 'd') }}")).toBe("d + ((interval '1 day') * (3))");
    expect(render("{{ dbt.dateadd('day', 3, 'd') }}", '', 'redshift')).toBe('dateadd(day, 3, d)');
    expect(render("{{ dbt.datediff('a', 'b', 'day') }}")).toBe('((b)::date - (a)::date)');
    expect(render("{{ dbt.listagg('x', \"','\", 'order by x') }}", '', 'redshift')).toBe("listagg(x, ',') within group (order by x)");
    expect(render("{{ dbt.length('x') }} {{ length('x') }}", '', 'redshift')).toBe('len(x) len(x)');
    expect(render('{{ dbt.type_string() }} {{ dbt.type_int() }} {{ dbt.current_timestamp() }}')).toBe('TEXT integer now()');
    expect(render("{{ dbt.concat(['a', 'b']) }} {{ dbt.hash('a') }}")).toBe('a || b md5(cast(a as TEXT))');
  });

  it('lets a project override one implementation of a library macro', () => {
    const macros = '{% macro postgres__any_value(e) %}max({{ e }}){% endmacro %}';
    expect(render("{{ dbt.any_value('x') }}", macros)).toBe('max(x)');
  });

  it('raises compiler errors with their message and exposes run_started_at and modules.datetime', () => {
    expect(() => render("{{ exceptions.raise_compiler_error('bad input') }}")).toThrow(/bad input/);
    expect(render("{{ run_started_at.strftime('%Y-%m-%d') }} {{ modules.datetime.datetime(2024, 5, 6).strftime('%d/%m') }} {{ config.get('materialized') }} {{ invocation_id }}"))
      .toBe('2024-01-02 06/05 table inv-1');
  });

  it('defines generic tests with {% test %} as test_<name> macros', () => {
    const macros = '{% test positive(model, column_name) %}select * from {{ model }} where {{ column_name }} <= 0{% endtest %}';
    expect(render("{{ test_positive(model=ref('orders'), column_name='amount') }}", macros)).toBe('select * from "analytics"."orders" where amount <= 0');
  });

  it('slices lists as Python does', () => {
    expect(render("{{ [1, 2, 3, 4][1:] | join(',') }} {{ [1, 2, 3, 4][:2] | join(',') }} {{ [1, 2, 3, 4][::2] | join(',') }}")).toBe('2,3,4 1,2 1,3');
  });

  it('maps items to an attribute, an index or another filter', () => {
    expect(render("{{ [[1, 'a'], [2, 'b']] | map(attribute=1) | join(',') }} {{ ['x', 'y'] | map('upper') | join(',') }}")).toBe('a,b X,Y');
    expect(render("{{ [{'a': {'b': 1} }, {}] | map(attribute='a.b', default=0) | join(',') }}")).toBe('1,0');
  });
});
