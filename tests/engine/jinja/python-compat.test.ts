/**
 * Expected values are what dbt-core 1.10 (Jinja2 on Python) prints for the same templates.
 */
import { renderTemplate } from '../../../src/engine/jinja/environment';
import { pyFormat } from '../../../src/engine/jinja/python-operators';
import { pyJson, pyRepr, pyStr } from '../../../src/engine/jinja/python-values';
import { modelRenderContext } from '../../support/render-in-context';

function render(source: string, macros = ''): string {
  const context = modelRenderContext({
    vars: { statuses: ['placed', 'shipped'], extra: ['returned'] },
    runStartedAt: new Date(Date.UTC(2024, 0, 2, 3, 4, 5)),
    hooks: { configValues: () => ({ materialized: 'table' }) },
  });
  return renderTemplate(source, context, { file: 'models/x.sql', macros });
}

describe('Python semantics in dbt Jinja', () => {
  it('prints values as Python str() does: True, False, None, lists and dicts', () => {
    expect(render('{{ true }}|{{ false }}|{{ none }}|{{ [1, "a"] }}|{{ {"a": [1, "b", none, true]} }}')).toBe("True|False|None|[1, 'a']|{'a': [1, 'b', None, True]}");
    expect(render("{{ 'a' ~ none ~ true }}|{{ [true, none] | join(',') }}|{{ 5 | string }}")).toBe('aNoneTrue|True,None|5');
  });

  it('treats (a, b) as a tuple: for loops, in tests and printing', () => {
    expect(render("{% for c in ('a', 'b') %}{{ c }};{% endfor %}")).toBe('a;b;');
    expect(render("{{ 'b' in ('a', 'b') }} {{ 'a' in ('xa', 'y') }}")).toBe('True False');
    expect(render("where s in {{ ('a', 'b') }}")).toBe("where s in ('a', 'b')");
    expect(render("{% for a, b in [('x', 1), ('y', 2)] %}{{ a }}{{ b }}{% endfor %}")).toBe('x1y2');
  });

  it('keys dict literals on the value of a name, and keeps keyword argument names', () => {
    const macros = '{% macro wrap(a, b="z") %}[{{ caller() }}{{ a }}{{ b }}]{% endmacro %}';
    expect(render("{% set d = {} %}{% for s in ['a', 'b'] %}{% do d.update({s: 'is_' ~ s}) %}{% endfor %}{{ d }}")).toBe("{'a': 'is_a', 'b': 'is_b'}");
    expect(render("{% call wrap('x', b='y') %}body{% endcall %}", macros)).toBe('[bodyxy]');
  });

  it('iterates the keys of a dict', () => {
    expect(render("{% for k in {'z': 1, 'a': 2} %}{{ k }}{% endfor %}|{{ {'z': 1} | list }}")).toBe("za|['z']");
  });

  it('applies Python operators: list +, string and list *, % formatting, == by value', () => {
    expect(render("{{ var('statuses') + var('extra') }}")).toBe("['placed', 'shipped', 'returned']");
    expect(render("{{ '-' * 3 }}|{{ [0] * 2 }}|{{ '%s_%03d' % ('day', 7) }}|{{ '%(n).1f' % {'n': 2.26} }}|{{ -7 % 3 }}")).toBe('---|[0, 0]|day_007|2.3|2');
    expect(render('{{ [1, 2] == [1, 2] }} {{ {"a": 1} != {"a": 1} }} {{ 1 == 1 }}')).toBe('True False True');
  });

  it('unescapes string literals as Python does, keeping unknown escapes such as \\d', () => {
    expect(render("{{ 'a\\tb' }}|{{ 'it\\'s' }}|{{ '^\\d+$' }}|{{ '\\x41' }}")).toBe("a\tb|it's|^\\d+$|A");
  });

  it('indexes and slices strings and lists like Python', () => {
    expect(render("{{ 'abc'[1:] }}|{{ 'abc'[-1] }}|{{ [1, 2, 3][-1] }}|{{ 'abcdef'[::2] }}|{{ [1, 2, 3][:-1] }}")).toBe('bc|c|3|ace|[1, 2]');
  });

  it('has the Python string methods templates use', () => {
    expect(render("{{ 'hello world'.title() }}|{{ 'hELLO'.capitalize() }}|{{ 'abc'.find('c') }}|{{ '7'.zfill(3) }}|{{ 'a,b,a'.count('a') }}|{{ '12'.isdigit() }}|{{ 'a b  c'.split() }}|{{ 'a_b_c'.split('_', 1) }}|{{ 'a_b'.rsplit('_', 1)[0] }}"))
      .toBe("Hello World|Hello|2|007|2|True|['a', 'b', 'c']|['a', 'b_c']|a");
    expect(render("{{ '{}-{}'.format('a', 1) }}|{{ '{name}!'.format(name='x') }}|{{ '{:>4}'.format('a') }}|{{ '{:.2f}'.format(3.14159) }}")).toBe('a-1|x!|   a|3.14');
  });

  it('adds the filters and tests nunjucks lacks', () => {
    const rows = "[{'n': 'a', 'x': 1}, {'n': 'b', 'x': 2}, {'n': 'c'}]";
    expect(render(`{{ ${rows} | selectattr('x', 'equalto', 2) | map(attribute='n') | list }}|{{ ${rows} | rejectattr('x', 'defined') | map(attribute='n') | join }}|{{ ${rows} | selectattr('x') | list | length }}`)).toBe("['b']|c|2");
    expect(render("{{ ['b', 'a', 'B'] | unique | list }}|{{ [3, 1, 2] | max }}|{{ [3, 1, 2] | min }}|{{ {'a': 1} | items | list }}|{{ 'x' is string }}|{{ 1 is integer }}|{{ true is boolean }}|{{ [1, 2, 3] | select('in', [1, 3]) | list }}"))
      .toBe("['b', 'a']|3|1|[['a', 1]]|True|True|True|[1, 3]");
    expect(render("{{ {'b': 1, 'a': [1, 'x', none]} | tojson }}|{{ tojson({'b': 1, 'a': 2}) }}|{{ zip([1, 2], ['a', 'b']) | list }}|{{ fromjson('{\"k\": [1]}')['k'] }}|{{ local_md5('abc') }}"))
      .toBe('{"a": [1, "x", null], "b": 1}|{"b": 1, "a": 2}|[[1, \'a\'], [2, \'b\']]|[1]|900150983cd24fb0d6963f7d28e17f72');
  });
});

describe('Jinja loops, groupby, macro varargs and modules.re', () => {
  it('filters a loop with `if` before counting, and gives loop.previtem/nextitem', () => {
    expect(render("{% for x in [1, 2, 3, 4] if x is even %}{{ loop.index }}:{{ x }}/{{ loop.length }} {% endfor %}")).toBe('1:2/2 2:4/2 ');
    expect(render("{% for k, v in {'a': 1, 'b': 2}.items() if v > 1 %}{{ k }}{% endfor %}|{% for x in [] if x %}{% else %}empty{% endfor %}")).toBe('b|empty');
    expect(render('{% for x in [1, 2, 3] %}{{ loop.previtem }}/{{ loop.nextitem }};{% endfor %}')).toBe('/2;1/3;2/;');
  });

  it('groups with groupby into sorted (grouper, list) pairs', () => {
    expect(render("{% for g in [{'k': 'b', 'v': 1}, {'k': 'a', 'v': 3}, {'k': 'b', 'v': 4}] | groupby('k') %}{{ g.grouper }}={{ g.list | map(attribute='v') | list }};{% endfor %}"))
      .toBe('a=[3];b=[1, 4];');
  });

  it('passes extra positional and keyword arguments to a macro as varargs and kwargs', () => {
    const macros = '{% macro cols() %}{% for c in varargs %}coalesce({{ c }}, 0){{ "," if not loop.last }}{% endfor %}{{ kwargs }}{% endmacro %}';
    expect(render("{{ cols('a', 'b', alias='x') }}", macros)).toBe("coalesce(a, 0),coalesce(b, 0){'alias': 'x'}");
  });

  it("has Python's re: sub with groups, match objects, findall, split", () => {
    expect(render("{{ modules.re.sub('(?P<w>[a-z]+)-(\\d)', '\\\\2_\\g<w>', 'ab-1 cd-2') }}|{{ modules.re.match('(\\w+)@(\\w+)', 'joe@acme').group(2) }}|{{ modules.re.findall('\\d', 'a1b2') }}|{{ modules.re.split(',\\s*', 'a, b,c') }}|{{ modules.re.search('x', 'abc') is none }}"))
      .toBe("1_ab 2_cd|acme|['1', '2']|['a', 'b', 'c']|True");
  });
});

describe('Functions: pyStr, pyRepr, pyFormat, pyJson', () => {
  it('quote strings as Python repr does', () => {
    expect(pyRepr("it's")).toBe('"it\'s"');
    expect(pyRepr('a\\b')).toBe("'a\\\\b'");
    expect(pyStr(['x', { k: null }])).toBe("['x', {'k': None}]");
  });

  it('format with flags, width and precision', () => {
    expect(pyFormat('%-4s|%5.1f|%+d|%x|%%', ['ab', 3.14159, 5, 255])).toBe('ab  |  3.1|+5|ff|%');
  });

  it('dump JSON as json.dumps does, escaping non-ASCII', () => {
    expect(pyJson({ é: ['ü', 1.5, false] })).toBe('{"\\u00e9": ["\\u00fc", 1.5, false]}');
  });
});
