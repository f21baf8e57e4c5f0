/**
 * The PGlite engine: templates, data directories, text values, transactions, and the Redshift shims
 * running for real (rewritten SQL on PostgreSQL).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openPGliteEngine, prepareTemplate, sharedTemplateDir } from '../../../src/local/sql-engine/pglite-engine';
import { rewriteRedshiftSql } from '../../../src/local/sql-engine/redshift-compat';
import { type SqlEngine, SqlStatementError } from '../../../src/local/sql-engine/sql-engine';

let engine: SqlEngine;
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'landfall-pglite-test-'));

beforeAll(async () => {
  engine = await openPGliteEngine({ inMemory: true, template: await prepareTemplate(sharedTemplateDir()) });
});

afterAll(async () => {
  await engine?.close();
  fs.rmSync(scratch, { recursive: true, force: true });
});

const redshift = async (sql: string) => (await engine.query(rewriteRedshiftSql(sql))).rows;

describe('openPGliteEngine', () => {
  it('returns values as PostgreSQL text with column type names', async () => {
    const result = await engine.query("select 1::int as i, 2.50::numeric as n, true as b, '2024-01-02'::date as d, null::text as z");
    expect(result).toEqual({
      command: 'SELECT',
      columns: [
        { name: 'i', typeName: 'int4' },
        { name: 'n', typeName: 'numeric' },
        { name: 'b', typeName: 'bool' },
        { name: 'd', typeName: 'date' },
        { name: 'z', typeName: 'text' },
      ],
      rows: [['1', '2.50', 't', '2024-01-02', null]],
      rowCount: 1,
    });
  });

  it('binds $n parameters given as strings', async () => {
    expect((await engine.query('select $1::int + 1 as n, $2 as s', ['41', 'x'])).rows).toEqual([['42', 'x']]);
  });

  it('runs several statements without parameters and returns the last result', async () => {
    const result = await engine.query('create temp table several (a int); insert into several values (1), (2); select count(*) from several');
    expect(result.rows).toEqual([['2']]);
  });

  it('reports rowCount for DML and null for DDL', async () => {
    expect((await engine.query('create temp table counted (a int)')).rowCount).toBeNull();
    expect((await engine.query('insert into counted values (1), (2), (3)')).rowCount).toBe(3);
  });

  it('throws SqlStatementError with the SQLSTATE for a bad statement', async () => {
    await expect(engine.query('select * from nowhere')).rejects.toMatchObject({
      name: 'SqlStatementError',
      message: 'relation "nowhere" does not exist',
      code: '42P01',
    });
    await expect(engine.query('select 1/0')).rejects.toBeInstanceOf(SqlStatementError);
  });

  it('rolls a transaction back when its work throws', async () => {
    await engine.query('create table tx_check (a int)');
    await expect(
      engine.transaction(async (session) => {
        await session.query('insert into tx_check values (1)');
        await session.query('insert into missing values (1)');
      }),
    ).rejects.toThrow(/missing/);
    expect((await engine.query('select count(*) from tx_check')).rows).toEqual([['0']]);
  });

  it('opens a new data directory as a copy of the template and keeps data across reopening', async () => {
    const dataDir = path.join(scratch, 'warehouse');
    const template = await prepareTemplate(sharedTemplateDir());
    const first = await openPGliteEngine({ dataDir, template });
    await first.query("create table kept (a text); insert into kept values ('still here')");
    await first.close();
    const second = await openPGliteEngine({ dataDir });
    try {
      expect((await second.query('select a from kept')).rows).toEqual([['still here']]);
      expect((await second.query('select getdate() is not null')).rows).toEqual([['t']]); // shims on the search path
    } finally {
      await second.close();
    }
  });
});

describe('Redshift shims on PGlite', () => {
  it('GETDATE() is a timestamp truncated to seconds and SYSDATE a timestamp', async () => {
    const [[getdate, sysdate]] = await redshift('select getdate()::text, sysdate::text');
    expect(getdate).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    expect(sysdate).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/);
  });

  it('NVL, NVL2, LEN, CHARINDEX and DECODE behave as in Redshift', async () => {
    expect(await redshift("select nvl(null, null, 'c'), nvl2(null, 'x', 'y'), len('abc'), charindex('c', 'abc'), decode(null, null, 'n', 'o')")).toEqual([
      ['c', 'y', '3', '3', 'n'],
    ]);
  });

  it('DATEADD adds any date part, with month ends clamped, and keeps literals as timestamps', async () => {
    expect(
      await redshift(
        "select dateadd(day, 1, '2024-01-31'::date), dateadd('month', 1, '2024-01-31'::timestamp), dateadd(qtr, 1, '2024-01-15'), dateadd(h, -2, '2024-01-01 01:00:00'::timestamp)",
      ),
    ).toEqual([['2024-02-01 00:00:00', '2024-02-29 00:00:00', '2024-04-15 00:00:00', '2023-12-31 23:00:00']]);
  });

  it('DATEDIFF counts boundaries crossed, as Redshift does', async () => {
    expect(
      await redshift(`select
        datediff(day, '2024-01-01 23:00'::timestamp, '2024-01-02 01:00'::timestamp),
        datediff(month, '2024-01-31'::date, '2024-02-01'::date),
        datediff(year, '2023-12-31', '2024-01-01'),
        datediff(hour, '2024-01-01 10:59'::timestamp, '2024-01-01 11:01'::timestamp),
        datediff(minute, '2024-01-01 10:00:00'::timestamptz, '2024-01-01 10:30:59'::timestamptz)`),
    ).toEqual([['1', '1', '1', '1', '30']]);
  });

  it('rejects an unknown date part with a clear message', async () => {
    await expect(redshift("select dateadd(fortnight, 1, '2024-01-01')")).rejects.toThrow('date part "fortnight" is not supported');
  });

  it('LISTAGG … WITHIN GROUP orders the list', async () => {
    await engine.query("create temp table letters (g int, l text); insert into letters values (1, 'b'), (1, 'a'), (2, 'c')");
    expect(await redshift("select g, listagg(l, '|') within group (order by l) from letters group by g order by g")).toEqual([
      ['1', 'a|b'],
      ['2', 'c'],
    ]);
  });

  it('accepts Redshift DDL: identity, encodings, dist and sort keys, backup, late-binding views', async () => {
    await redshift(`create table public.events (
      id bigint identity(1, 1) encode az64, kind varchar(20) encode zstd distkey, day date sortkey
    ) diststyle key compound sortkey(day, id) backup no`);
    await redshift("insert into public.events (kind, day) values ('a', '2024-01-01'), ('b', '2024-01-02')");
    await redshift('create view public.events_v as select id, kind from public.events with no schema binding');
    expect(await redshift('select id, kind from public.events_v order by id')).toEqual([
      ['1', 'a'],
      ['2', 'b'],
    ]);
  });
});
