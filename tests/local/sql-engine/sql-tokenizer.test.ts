import { tokenizeSql } from '../../../src/local/sql-engine/sql-tokenizer';

const kinds = (sql: string) => tokenizeSql(sql).filter((t) => t.kind !== 'whitespace').map((t) => [t.kind, t.text]);

describe('tokenizeSql', () => {
  it('gives back the input exactly when the tokens are joined', () => {
    const sql = "select a::int, 'it''s', E'\\'x', $tag$ :p $tag$, \"Col\"\"x\" -- c :q\n/* a /* nested */ :r */ from t where x = :p";
    expect(tokenizeSql(sql).map((t) => t.text).join('')).toBe(sql);
  });

  it('tells a named parameter from a :: cast', () => {
    expect(kinds('select :a::date')).toEqual([
      ['word', 'select'],
      ['named-parameter', ':a'],
      ['operator', '::'],
      ['word', 'date'],
    ]);
  });

  it('keeps parameters-looking text inside strings, identifiers, dollar quotes and comments', () => {
    const tokens = tokenizeSql("':a' \"b:c\" $$ :d $$ -- :e\n/* :f */ E'\\' :g'");
    expect(tokens.filter((t) => t.kind === 'named-parameter')).toEqual([]);
    expect(tokens.filter((t) => t.kind === 'string').map((t) => t.text)).toEqual(["':a'", '$$ :d $$', "E'\\' :g'"]);
  });

  it('reads positional parameters, numbers and punctuation', () => {
    expect(kinds('f($1, 1.5e3)')).toEqual([
      ['word', 'f'],
      ['punctuation', '('],
      ['positional-parameter', '$1'],
      ['punctuation', ','],
      ['number', '1.5e3'],
      ['punctuation', ')'],
    ]);
  });
});
