import { inferSeedType, parseCsv, seedCellValue } from '../../../src/engine/project/csv';

describe('parseCsv', () => {
  it('splits on the seed delimiter, keeping it inside quotes', () => {
    expect(parseCsv('a;b\n1;"x; y"\n', ';')).toEqual([['a', 'b'], ['1', 'x; y']]);
  });

  it('reads a blank line as a row of NULLs, as dbt seed loads it (agate), or skips it for a unit-test fixture (csv.DictReader)', () => {
    expect(parseCsv('id,name\n1,a\n\n2,b\n\n')).toEqual([['id', 'name'], ['1', 'a'], [null, null], ['2', 'b'], [null, null]]);
    expect(parseCsv('id,name\n1,a\n\n2,b\n\n', ',', 'skip')).toEqual([['id', 'name'], ['1', 'a'], ['2', 'b']]);
    expect(parseCsv('id\n\n7\n')).toEqual([['id'], [null], ['7']]);
  });
});

describe('seedCellValue', () => {
  it('reads empty fields, blanks and null in any case as NULL, as dbt (agate) does', () => {
    expect(['', '  ', 'null', 'NULL', ' Null '].map(seedCellValue)).toEqual([null, null, null, null, null]);
    expect(seedCellValue('00123')).toBe('00123');
    expect(seedCellValue('nullable')).toBe('nullable');
  });
});

describe('inferSeedType', () => {
  it('gives whole numbers integer and other numbers double precision (dbt-postgres float8)', () => {
    expect(inferSeedType(['1', '-2', null, '00123'])).toBe('integer');
    expect(inferSeedType(['10.50', '0', '-3.25'])).toBe('double precision');
  });

  it('gives timestamps written with a space and seconds, or in ISO form with T, but not a mix', () => {
    expect(inferSeedType(['2024-03-01 10:00:00', ''])).toBe('timestamp without time zone');
    expect(inferSeedType(['2024-03-01T10:00:00Z', '2024-03-02T11:30'])).toBe('timestamp without time zone');
    expect(inferSeedType(['2024-03-01 10:00'])).toBe('text');
    expect(inferSeedType(['2024-03-01 10:00:00', '2024-03-01T10:00:00'])).toBe('text');
  });

  it('gives dates, booleans in any case, and text for anything else', () => {
    expect(inferSeedType(['2024-01-05', 'null'])).toBe('date');
    expect(inferSeedType(['TRUE', 'false'])).toBe('boolean');
    expect(inferSeedType(['US', '1'])).toBe('text');
    expect(inferSeedType([null, ''])).toBe('text');
  });
});
