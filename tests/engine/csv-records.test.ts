/** The engine's one CSV tokenizer: RFC 4180 fields, the line each record starts on, and each caller's blank lines. */
import { parseCsv, readCsvRecords } from '../../src/engine/csv-records';

describe('readCsvRecords', () => {
  it('handles quotes, embedded delimiters and newlines, CRLF, and unquoted empties as NULL', () => {
    expect(parseCsv('a,"b,""c""\nd",\r\n"",x\n', { delimiter: ',', blankLines: 'record' })).toEqual([['a', 'b,"c"\nd', null], ['', 'x']]);
    expect(parseCsv('a;b\n1;"x; y"', { delimiter: ';', blankLines: 'skip' })).toEqual([['a', 'b'], ['1', 'x; y']]);
  });

  it("keeps a blank line as the record [null] when asked (dbt seeds, COPY), drops it otherwise (unit-test fixtures, IGNOREBLANKLINES)", () => {
    const text = 'id,name\n1,a\n\n2,b\r\n\r\n';
    expect(parseCsv(text, { delimiter: ',', blankLines: 'record' })).toEqual([['id', 'name'], ['1', 'a'], [null], ['2', 'b'], [null]]);
    expect(parseCsv(text, { delimiter: ',', blankLines: 'skip' })).toEqual([['id', 'name'], ['1', 'a'], ['2', 'b']]);
    // Not blank: a quoted empty field, a line of spaces, a lone delimiter.
    expect(parseCsv('""\n \n,\n', { delimiter: ',', blankLines: 'skip' })).toEqual([[''], [' '], [null, null]]);
  });

  it('gives the line each record starts on, counting line ends inside quoted fields and CR, LF or CRLF once each', () => {
    const { records } = readCsvRecords('a,"x\r\ny\nz"\rb\r\n\nc', { delimiter: ',', blankLines: 'skip' });
    expect(records.map((r) => [r.fields[0], r.line])).toEqual([['a', 1], ['b', 4], ['c', 6]]);
  });

  it('says where a quoted field is left open at the end of the text', () => {
    expect(readCsvRecords('1,a\n2,"open\nmore', { delimiter: ',', blankLines: 'record' })).toEqual({
      records: [{ fields: ['1', 'a'], line: 1 }, { fields: ['2', 'open\nmore'], line: 2 }], unclosedQuoteLine: 2,
    });
    expect(readCsvRecords('', { delimiter: ',', blankLines: 'record' })).toEqual({ records: [] });
  });
});
