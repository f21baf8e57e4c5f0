import { locateBadCsvRecord, locateBadJsonRecord } from '../../src/ingest/locate-bad-record';

describe('locateBadJsonRecord', () => {
  it('finds nothing wrong in records one per line or back to back', () => {
    expect(locateBadJsonRecord('{"a":1}\n{"a":"}{"}\n')).toBeUndefined();
    expect(locateBadJsonRecord('{"a":1}{"a":2}')).toBeUndefined();
  });

  it('places a truncated last record at its start', () => {
    expect(locateBadJsonRecord('{"a":1}\n{"a":2}\n{"a":3,"b":"tru')).toEqual({ line: 3, column: 1, problem: expect.stringContaining('not closed') });
  });

  it('places a record that does not parse at the bad character', () => {
    expect(locateBadJsonRecord('{"a":1}\n{"a": tru}\n')).toMatchObject({ line: 2, problem: expect.stringContaining('invalid JSON') });
  });

  it('places stray text between records', () => {
    expect(locateBadJsonRecord('{"a":1}\n  x{"a":2}')).toEqual({ line: 2, column: 3, problem: "unexpected 'x' between records" });
  });
});

describe('locateBadCsvRecord', () => {
  it('finds the first line with another field count, after the header', () => {
    expect(locateBadCsvRecord('id,name\n1,a\n2,"b,c"\n3\n', ',', 1)).toEqual({ line: 4, column: 1, problem: '1 fields where the header has 2' });
    expect(locateBadCsvRecord('a,b,c\nx,y\n', ',', 1)).toEqual({ line: 2, column: 1, problem: '2 fields where the header has 3' });
  });

  it('counts lines inside quoted fields and reports an unclosed quote', () => {
    expect(locateBadCsvRecord('1,"multi\nline"\n2,x\n', ',', 0)).toBeUndefined();
    expect(locateBadCsvRecord('1,a\n2,"never closed\n', ',', 0)).toMatchObject({ line: 2, problem: expect.stringContaining('not closed') });
    expect(locateBadCsvRecord('id,name\n1,"x\ny"\n2\n', ',', 1)).toMatchObject({ line: 4, problem: '1 fields where the header has 2' });
  });

  it('reads a blank line as a record of one field, as COPY without IGNOREBLANKLINES does (a two-column file fails there)', () => {
    expect(locateBadCsvRecord('id,name\n1,a\n\n2,b\n', ',', 1)).toEqual({ line: 3, column: 1, problem: '1 fields where the header has 2' });
    expect(locateBadCsvRecord('name\nx\n\ny\n', ',', 1)).toBeUndefined();
  });
});
