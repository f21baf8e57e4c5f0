import { bindNamedParameters } from '../../../src/local/data-api/named-parameters';

describe('bindNamedParameters', () => {
  it('replaces each :name by a positional parameter, reusing the position for repeated names', () => {
    const bound = bindNamedParameters('select * from t where a = :a and b = :b or a2 = :a', [
      { name: 'b', value: '2' },
      { name: 'a', value: '1' },
    ]);
    expect(bound).toEqual({ sql: 'select * from t where a = $1 and b = $2 or a2 = $1', values: ['1', '2'] });
  });

  it('leaves :: casts, string literals, quoted identifiers and comments alone', () => {
    const bound = bindNamedParameters(`select :d::date, ':d', "x:d", $$:d$$ -- :d`, [{ name: 'd', value: '2024-01-01' }]);
    expect(bound).toEqual({ sql: `select $1::date, ':d', "x:d", $$:d$$ -- :d`, values: ['2024-01-01'] });
  });

  it('leaves a :word that names no supplied parameter for the database to reject', () => {
    expect(bindNamedParameters('select :a, :missing', [{ name: 'a', value: 'x' }])).toEqual({
      sql: 'select $1, :missing',
      values: ['x'],
    });
  });

  it('returns the SQL untouched without parameters', () => {
    expect(bindNamedParameters('select arr[1:2] from t', [])).toEqual({ sql: 'select arr[1:2] from t', values: [] });
  });
});
