/**
 * Jinja semantics that follow Python in dbt (issue 15, reproduction rows 1–5). Every expected value was printed
 * by dbt-core 1.10 compiling the same template (`dbt compile`, PostgreSQL profile).
 */
import { pyTruthy } from '../../../src/engine/jinja/python-syntax';
import { renderInContext } from '../../support/render-in-context';

const MACROS = '{% macro f(a, b=0) %}{{ a }}-{{ b }}{% endmacro %}';
const render = (source: string) => renderInContext(`${MACROS}${source}`);

describe('Python truth values (row 1)', () => {
  it('treats an empty list, dict and string as false in if, inline if, or, and, not, select and default(…, true)', () => {
    expect(renderInContext('{% set xs = [] %}{{ 1 if xs else 0 }} {{ [] or "fallback" }} {{ {} and 1 }} {{ not {} }}')).toBe('0 fallback {} True');
    expect(renderInContext("{{ [0, '', [], 1] | select | list }} {{ '' | default('d', true) }} {{ [] | default('d', true) }} {{ none | default('d') }}")).toBe('[1] d d None');
    expect(renderInContext('{% if [] %}A{% elif {} %}B{% elif [0] %}C{% endif %}')).toBe('C');
    expect(renderInContext('{% for x in [[], [1], {}] if x %}{{ x }}{% endfor %}')).toBe('[1]');
  });

  it('returns an operand from or/and, evaluating the right one only when needed', () => {
    expect(renderInContext("{{ 'a' or exceptions.raise_compiler_error('no') }} {{ 0 and exceptions.raise_compiler_error('no') }} {{ 1 and 'b' }}")).toBe('a 0 b');
  });

  it('answers bool() for the values templates hold', () => {
    expect([[], {}, '', 0, null, undefined, false].map(pyTruthy)).toEqual([false, false, false, false, false, false, false]);
    expect([[0], { a: 1 }, '0', 0.5, NaN, new Date(0)].map(pyTruthy)).toEqual([true, true, true, true, true, true]);
  });
});

describe('Jinja grammar nunjucks lacks', () => {
  it('chains conditional expressions (row 2)', () => {
    expect(renderInContext("{{ 'a' if false else 'b' if true else 'c' }} {{ 'a' if false else 'b' if false else 'c' }} {{ 'a' if true else 'b' if x.y else 'c' }}")).toBe('b c a');
  });

  it('unpacks *args and **kwargs in calls (row 3)', () => {
    expect(render('{% set kw = {"b": 2} %}{% set ys = [3, 4] %}{{ f(1, **kw) }} {{ f(*ys) }} {{ f(*[5], b=6) }}')).toBe('1-2 3-4 5-6');
    expect(() => render('{{ f(**[1]) }}')).toThrow(/argument after \*\* must be a mapping/);
  });

  it('calls a method on a string literal that spans lines (row 4)', () => {
    expect(renderInContext("{% set m = 'x\ny {}'.format(1) %}{{ m | replace('\\n', '|') }}")).toBe('x|y 1');
  });

  it('assigns a namespace attribute from a set block, honouring whitespace control (row 5)', () => {
    expect(renderInContext('{% set ns = namespace(msg="") %}{%- set ns.msg -%} hello {%- endset %}[{{ ns.msg }}]')).toBe('[hello]');
    expect(renderInContext('{%- set x -%} hello {%- endset %}[{{ x }}]{% set y %} a {% endset %}[{{ y }}]')).toBe('[hello][ a ]');
  });
});

describe('dict literals', () => {
  it('take any expression as a key, filters included (audit_helper: `{k | lower: v}`)', () => {
    expect(renderInContext("{% set k = 'AB' %}{% set d = {} %}{% do d.update({k | lower: 1}) %}{{ d }} {{ {k ~ '_2': 3, 'x': 2} }} {{ {'k': [1, 2],} }}"))
      .toBe("{'ab': 1} {'AB_2': 3, 'x': 2} {'k': [1, 2]}");
  });
});
