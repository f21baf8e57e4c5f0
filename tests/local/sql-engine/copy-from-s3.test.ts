import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseCopyFromS3, splitJsonObjects, withCopyFromS3 } from '../../../src/local/sql-engine/copy-from-s3';
import { openPGliteEngine, prepareTemplate, sharedTemplateDir } from '../../../src/local/sql-engine/pglite-engine';
import type { SqlEngine } from '../../../src/local/sql-engine/sql-engine';

describe('parseCopyFromS3', () => {
  it('reads a Redshift COPY from a manifest with JSON auto and GZIP', () => {
    expect(parseCopyFromS3(`COPY "raw"."events" FROM 's3://landing/landfall/load-batches/ab/manifest.json' IAM_ROLE 'arn:aws:iam::1:role/r' FORMAT AS JSON 'auto' GZIP MANIFEST;`)).toEqual({
      relationSql: '"raw"."events"', columns: undefined, from: { bucket: 'landing', key: 'landfall/load-batches/ab/manifest.json' },
      format: 'json', jsonIgnoreCase: false, gzip: true, manifest: true, delimiter: '|', ignoreHeaderLines: 0, ignoreBlankLines: false,
    });
  });

  it('reads a column list, CSV options and IAM_ROLE default', () => {
    expect(parseCopyFromS3(`copy landfall.load_ledger (bucket, "Object_Key") from 's3://b/k' iam_role default csv delimiter as ';' ignoreheader 1`)).toMatchObject({
      relationSql: 'landfall.load_ledger', columns: ['bucket', 'Object_Key'], format: 'csv', delimiter: ';', ignoreHeaderLines: 1, manifest: false, ignoreBlankLines: false,
    });
    expect(parseCopyFromS3(`copy t from 's3://b/k' iam_role default csv ignoreblanklines`)).toMatchObject({ ignoreBlankLines: true });
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

describe('COPY … CSV on the local warehouse: blank lines as Redshift reads them', () => {
  let engine: SqlEngine;
  let s3Dir: string;
  beforeAll(async () => {
    s3Dir = fs.mkdtempSync(path.join(os.tmpdir(), 'copy-csv-'));
    engine = withCopyFromS3(await openPGliteEngine({ inMemory: true, template: await prepareTemplate(sharedTemplateDir()) }), { s3Dir });
    await engine.query('create table two (id int, name text)');
    await engine.query('create table one (name text)');
  });
  afterAll(async () => {
    await engine.close();
    fs.rmSync(s3Dir, { recursive: true, force: true });
  });
  const land = (key: string, body: string) => {
    fs.mkdirSync(path.join(s3Dir, 'b'), { recursive: true });
    fs.writeFileSync(path.join(s3Dir, 'b', key), body);
  };
  const rows = async (table: string) => (await engine.query(`select * from ${table} order by 1`)).rows;

  it('fails a blank line of a file loaded into several columns, naming the file and its line', async () => {
    land('blank.csv', 'id,name\n1,a\n\n2,"b\nc"\n');
    await expect(engine.query(`copy two from 's3://b/blank.csv' iam_role default csv ignoreheader 1`)).rejects.toThrow('s3://b/blank.csv line 3: 1 fields for 2 columns');
  });

  it('skips blank lines with IGNOREBLANKLINES, and counts lines inside quoted fields in its error', async () => {
    await engine.query(`copy two from 's3://b/blank.csv' iam_role default csv ignoreheader 1 ignoreblanklines`);
    expect(await rows('two')).toEqual([['1', 'a'], ['2', 'b\nc']]);
    land('short.csv', '1,"x\ny"\n\n3\n');
    await expect(engine.query(`copy two from 's3://b/short.csv' iam_role default csv ignoreblanklines`)).rejects.toThrow('s3://b/short.csv line 4: 1 fields for 2 columns');
  });

  it('loads a blank line into a one-column table as an empty field (NULL), unless IGNOREBLANKLINES', async () => {
    land('one.csv', 'x\n\ny\n');
    await engine.query(`copy one from 's3://b/one.csv' iam_role default csv`);
    expect(await rows('one')).toEqual([['x'], ['y'], [null]]);
    await engine.query('truncate one');
    await engine.query(`copy one from 's3://b/one.csv' iam_role default csv ignoreblanklines`);
    expect(await rows('one')).toEqual([['x'], ['y']]);
  });
});
