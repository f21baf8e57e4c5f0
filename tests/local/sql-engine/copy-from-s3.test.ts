import { parseCopyFromS3, parseCsv, splitJsonObjects } from '../../../src/local/sql-engine/copy-from-s3';

describe('parseCopyFromS3', () => {
  it('reads a Redshift COPY from a manifest with JSON auto and GZIP', () => {
    expect(parseCopyFromS3(`COPY "raw"."events" FROM 's3://landing/landfall/load-batches/ab/manifest.json' IAM_ROLE 'arn:aws:iam::1:role/r' FORMAT AS JSON 'auto' GZIP MANIFEST;`)).toEqual({
      relationSql: '"raw"."events"', columns: undefined, from: { bucket: 'landing', key: 'landfall/load-batches/ab/manifest.json' },
      format: 'json', jsonIgnoreCase: false, gzip: true, manifest: true, delimiter: '|', ignoreHeaderLines: 0,
    });
  });

  it('reads a column list, CSV options and IAM_ROLE default', () => {
    expect(parseCopyFromS3(`copy landfall.load_ledger (bucket, "Object_Key") from 's3://b/k' iam_role default csv delimiter as ';' ignoreheader 1`)).toMatchObject({
      relationSql: 'landfall.load_ledger', columns: ['bucket', 'Object_Key'], format: 'csv', delimiter: ';', ignoreHeaderLines: 1, manifest: false,
    });
  });

  it("leaves PostgreSQL's own COPY and other statements alone", () => {
    expect(parseCopyFromS3(`copy t from '/dev/blob'`)).toBeUndefined();
    expect(parseCopyFromS3(`select 'copy x from ''s3://b/k'''`)).toBeUndefined();
  });

  it('refuses options it cannot honour instead of loading wrongly', () => {
    expect(() => parseCopyFromS3(`copy t from 's3://b/k' iam_role default format as json 's3://b/jsonpaths.json'`)).toThrow(/JSON 'auto' only/);
    expect(() => parseCopyFromS3(`copy t from 's3://b/k' iam_role default format as parquet`)).toThrow(/does not support/);
  });
});

describe('splitJsonObjects', () => {
  it('splits objects written back to back, braces inside strings included', () => {
    expect(splitJsonObjects('{"a":"}{"}{"b":{"c":1}}\n{"d":"\\"}"}')).toEqual([{ a: '}{' }, { b: { c: 1 } }, { d: '"}' }]);
  });

  it('refuses text between objects', () => {
    expect(() => splitJsonObjects('{"a":1} x {"b":2}')).toThrow(/unexpected 'x'/);
  });
});

describe('parseCsv', () => {
  it('handles quotes, embedded delimiters and newlines, CRLF, and unquoted empties as NULL', () => {
    expect(parseCsv('a,"b,""c""\nd",\r\n"",x\n', ',')).toEqual([['a', 'b,"c"\nd', null], ['', 'x']]);
  });
});
