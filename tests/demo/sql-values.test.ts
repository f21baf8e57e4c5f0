import {
  buildInsertStatements,
  DemoDataError,
  formatTimestamp,
  RowTooLargeError,
  sqlLiteral,
  UnsupportedSqlValueError,
} from '../../src/demo/sql-values';

describe('Function: sqlLiteral', () => {
  it('quotes strings and doubles embedded single quotes', () => {
    expect(sqlLiteral("O'Brien")).toBe("'O''Brien'");
    expect(sqlLiteral("it''s")).toBe("'it''''s'");
  });

  it('keeps double quotes, semicolons and non-ASCII text as they are', () => {
    expect(sqlLiteral('Q3 "launch"; Zoë')).toBe(`'Q3 "launch"; Zoë'`);
  });

  it('writes null, booleans, numbers and bigints without quotes', () => {
    expect(sqlLiteral(null)).toBe('null');
    expect(sqlLiteral(true)).toBe('true');
    expect(sqlLiteral(false)).toBe('false');
    expect(sqlLiteral(12.5)).toBe('12.5');
    expect(sqlLiteral(9007199254740993n)).toBe('9007199254740993');
  });

  it('writes dates as UTC timestamps with second precision', () => {
    expect(sqlLiteral(new Date('2026-11-01T08:30:15.999Z'))).toBe("'2026-11-01 08:30:15'");
    expect(formatTimestamp(new Date('2026-01-02T03:04:05Z'))).toBe('2026-01-02 03:04:05');
  });

  it('refuses values that have no portable literal', () => {
    expect(() => sqlLiteral(Number.NaN)).toThrow(UnsupportedSqlValueError);
    expect(() => sqlLiteral(Infinity)).toThrow(UnsupportedSqlValueError);
    expect(() => sqlLiteral('a\\b')).toThrow(/backslashes/);
    expect(() => sqlLiteral('a\0b')).toThrow(/NUL/);
    expect(() => sqlLiteral(new Date('nope'))).toThrow(UnsupportedSqlValueError);
  });
});

describe('Function: buildInsertStatements', () => {
  const rows = Array.from({ length: 100 }, (_, index) => [`id_${index}`, "O'Brien", index]);

  it('puts every row, in order, into multi-row inserts', () => {
    const [statement] = buildInsertStatements('raw.people', ['id', 'name', 'n'], rows.slice(0, 2));

    expect(statement).toBe("insert into raw.people (id, name, n) values\n('id_0', 'O''Brien', 0),\n('id_1', 'O''Brien', 1)");
  });

  it('splits rows across statements that each stay within the byte limit', () => {
    const statements = buildInsertStatements('raw.people', ['id', 'name', 'n'], rows, 500);

    expect(statements.length).toBeGreaterThan(1);
    for (const statement of statements) expect(Buffer.byteLength(statement)).toBeLessThanOrEqual(500);
    const ids = statements.flatMap((statement) => [...statement.matchAll(/'(id_\d+)'/g)].map((match) => match[1]));
    expect(ids).toEqual(rows.map((row) => row[0]));
  });

  it('counts multi-byte characters in bytes, not characters', () => {
    const wide = Array.from({ length: 10 }, () => ['Zoë Łukasz Müller'.repeat(3)]);

    for (const statement of buildInsertStatements('t', ['name'], wide, 200)) {
      expect(Buffer.byteLength(statement)).toBeLessThanOrEqual(200);
    }
  });

  it('returns no statement for no rows', () => {
    expect(buildInsertStatements('t', ['a'], [])).toEqual([]);
  });

  it('fails when one row alone exceeds the limit or has the wrong arity', () => {
    expect(() => buildInsertStatements('t', ['a'], [['x'.repeat(1000)]], 100)).toThrow(RowTooLargeError);
    expect(() => buildInsertStatements('t', ['a', 'b'], [['x']])).toThrow(DemoDataError);
  });
});
