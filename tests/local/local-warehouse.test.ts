/**
 * The local warehouse as the CLI opens it: in-process by default, through the SDK client and the local
 * Data API endpoint on request; PGlite in the state directory, or a pool of PostgreSQL connections
 * (the pool runs only when LANDFALL_TEST_POSTGRES_URL names a database it may write to).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InProcessWarehouse } from '../../src/local/in-process-warehouse';
import { localTarget, openLocalSqlEngines, openLocalWarehouse } from '../../src/local/local-warehouse';
import { RedshiftDataWarehouse } from '../../src/warehouse/redshift-data-warehouse';
import { runQuery } from '../../src/engine/warehouse/run-query';
import { withSkipReason } from '../support/skip-reason';

const postgresUrl = process.env.LANDFALL_TEST_POSTGRES_URL;
const describeWithServer = postgresUrl ? describe : describe.skip;

let stateDir: string;

beforeAll(() => {
  stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'landfall-local-warehouse-'));
});
afterAll(() => fs.rmSync(stateDir, { recursive: true, force: true }));

describe('openLocalWarehouse', () => {
  it('runs SQL in-process on the PGlite database of the state directory, which outlives the command', async () => {
    const first = await openLocalWarehouse({ stateDir });
    try {
      expect(first.warehouse).toBeInstanceOf(InProcessWarehouse);
      await runQuery(first.warehouse, 'create table kept (a int); insert into kept values (7)');
    } finally {
      await first.close();
    }
    expect(fs.existsSync(path.join(stateDir, 'warehouse', 'PG_VERSION'))).toBe(true);

    const second = await openLocalWarehouse({ stateDir, viaDataApi: true });
    try {
      expect(second.warehouse).toBeInstanceOf(RedshiftDataWarehouse);
      expect((await runQuery(second.warehouse, 'select a from kept')).rows).toEqual([[7]]);
    } finally {
      await second.close();
    }
  });

  it('refuses a database URL that is not postgres://', async () => {
    await expect(openLocalWarehouse({ stateDir, databaseUrl: 'mysql://localhost/db' })).rejects.toThrow(/Unsupported database URL/);
  });
});

describe('localTarget', () => {
  it('is the PostgreSQL target with the given schema, else LANDFALL_TARGET_SCHEMA, else analytics', () => {
    expect(localTarget({ schema: 'jaffle' })).toEqual({ name: 'local', type: 'postgres', schema: 'jaffle', database: 'dev' });
    const saved = process.env.LANDFALL_TARGET_SCHEMA;
    delete process.env.LANDFALL_TARGET_SCHEMA;
    expect(localTarget().schema).toBe('analytics');
    if (saved !== undefined) process.env.LANDFALL_TARGET_SCHEMA = saved;
  });
});

describeWithServer(withSkipReason('a pool of PostgreSQL connections (LANDFALL_TEST_POSTGRES_URL)', postgresUrl ? undefined : 'needs a PostgreSQL server: set LANDFALL_TEST_POSTGRES_URL (scripts/start-postgres.sh starts one)'), () => {
  it('opens one session per connection, with the Redshift shims on each', async () => {
    const engines = await openLocalSqlEngines({ stateDir, databaseUrl: postgresUrl, connections: 3 });
    try {
      expect(engines).toHaveLength(3);
      const pids = await Promise.all(engines.map(async (engine) => (await engine.query("select pg_backend_pid(), len('abc')")).rows[0]));
      expect(new Set(pids.map((row) => row![0])).size).toBe(3);
      expect(pids.every((row) => row![1] === '3')).toBe(true);
    } finally {
      await Promise.all(engines.map((engine) => engine.close()));
    }
  });

  it('runs statements at once, one per connection', async () => {
    const { warehouse, close } = await openLocalWarehouse({ stateDir, databaseUrl: postgresUrl, connections: 2 });
    try {
      const started = Date.now();
      await Promise.all([runQuery(warehouse, 'select pg_sleep(0.4)'), runQuery(warehouse, 'select pg_sleep(0.4)')]);
      expect(Date.now() - started).toBeLessThan(750);
    } finally {
      await close();
    }
  });
});
