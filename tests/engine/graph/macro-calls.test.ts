import { macrosCalledBy } from '../../../src/engine/graph/macro-calls';

describe('macrosCalledBy', () => {
  const macros = new Map([
    ['cents', '{% macro cents(c) %}{{ rounded(c) / 100 }}{% endmacro %}'],
    ['rounded', '{% macro rounded(c) %}round({{ c }}){% endmacro %}'],
    ['unused', '{% macro unused() %}1{% endmacro %}'],
    ['loop_a', '{% macro loop_a() %}{{ loop_b() }}{% endmacro %}'],
    ['loop_b', '{% macro loop_b() %}{{ loop_a() }}{% endmacro %}'],
  ]);

  it('follows calls through the macros called, ignoring names that are not macros', () => {
    expect(macrosCalledBy("select {{ cents('x') }}, count(*) from t", macros)).toEqual(new Set(['cents', 'rounded']));
  });

  it('ends on macros that call each other, and finds none in a text without calls', () => {
    expect(macrosCalledBy('{{ loop_a() }}', macros)).toEqual(new Set(['loop_a', 'loop_b']));
    expect(macrosCalledBy('select 1', macros)).toEqual(new Set());
  });
});
