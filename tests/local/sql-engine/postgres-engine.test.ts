/**
 * The PostgreSQL server engine. Runs only when LANDFALL_TEST_POSTGRES_URL names a database it may
 * write to (e.g. postgres://landfall@127.0.0.1:55432/postgres); skipped otherwise.
 */
import { openSqlEngine } from '../../../src/local/sql-engine/open-sql-engine';
import { rewriteRedshiftSql } from '../../../src/local/sql-engine/redshift-compat';
import type { SqlEngine } from '../../../src/local/sql-engine/sql-engine';
import { withSkipReason } from '../../support/skip-reason';

const url = process.env.LANDFALL_TEST_POSTGRES_URL;
const describeWithServer = url ? describe : describe.skip;

describe('openSqlEngine', () => {
  it('refuses a URL that is not postgres://', async () => {
    await expect(openSqlEngine({ url: 'mysql://localhost/db' })).rejects.toThrow(/Unsupported database URL/);
  });
});

describeWithServer(withSkipReason('openPostgresEngine (LANDFALL_TEST_POSTGRES_URL)', url ? undefined : 'needs a PostgreSQL server: set LANDFALL_TEST_POSTGRES_URL (scripts/start-postgres.sh starts one)'), () => {
  let engine: SqlEngine;
  const table = `landfall_engine_test_${process.pid}`;

  beforeAll(async () => {
    engine = await openSqlEngine({ url });
  });

  afterAll(async () => {
    await engine?.query(`drop table if exists ${table}`);
    await engine?.close();
  });

  it('is a postgres engine returning text values and type names', async () => {
    expect(engine.kind).toBe('postgres');
    expect(await engine.query("select 1::int as i, 1.50::numeric as n, true as b, $1 as p", ['x'])).toEqual({
      command: 'SELECT',
      columns: [
        { name: 'i', typeName: 'int4' },
        { name: 'n', typeName: 'numeric' },
        { name: 'b', typeName: 'bool' },
        { name: 'p', typeName: 'text' },
      ],
      rows: [['1', '1.50', 't', 'x']],
      rowCount: 1,
    });
  });

  it('rolls back a failed transaction and reports the SQLSTATE', async () => {
    await engine.query(`create table ${table} (a int)`);
    await expect(
      engine.transaction(async (session) => {
        await session.query(`insert into ${table} values (1)`);
        await session.query('select * from nowhere');
      }),
    ).rejects.toMatchObject({ name: 'SqlStatementError', code: '42P01' });
    expect((await engine.query(`select count(*) from ${table}`)).rows).toEqual([['0']]);
  });

  it('has the Redshift shims installed', async () => {
    expect((await engine.query(rewriteRedshiftSql("select dateadd(day, 1, '2024-01-31'::date), len('abc')"))).rows).toEqual([
      ['2024-02-01 00:00:00', '3'],
    ]);
  });
});
