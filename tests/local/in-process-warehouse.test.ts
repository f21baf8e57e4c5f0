/**
 * The in-process warehouse against the same contract as the production adapter: each case runs on both
 * — InProcessWarehouse on the statement store, and RedshiftDataWarehouse (the AWS SDK client) over HTTP
 * to the local Data API on the same PGlite — and must give the same answers.
 */
import { InProcessWarehouse, connectInProcessWarehouse } from '../../src/local/in-process-warehouse';
import { connectLocalWarehouse, type LocalWarehouse } from '../../src/local/local-warehouse';
import { openPGliteEngine, prepareTemplate, sharedTemplateDir } from '../../src/local/sql-engine/pglite-engine';
import type { SqlEngine } from '../../src/local/sql-engine/sql-engine';
import { runQuery, waitForStatement } from '../../src/engine/warehouse/run-query';
import { SqlFailedError, StatementNotFoundError, type Warehouse, WarehouseValidationError } from '../../src/engine/warehouse/warehouse';

let engine: SqlEngine;
let inProcess: ReturnType<typeof connectInProcessWarehouse>;
let overHttp: LocalWarehouse;

beforeAll(async () => {
  engine = await openPGliteEngine({ inMemory: true, template: await prepareTemplate(sharedTemplateDir()) });
  inProcess = connectInProcessWarehouse(engine);
  overHttp = await connectLocalWarehouse(engine);
});

afterAll(async () => {
  await inProcess?.close();
  await overHttp?.close();
  await engine?.close();
});

const adapters: [string, () => Warehouse][] = [
  ['InProcessWarehouse', () => inProcess.warehouse],
  ['RedshiftDataWarehouse via the local Data API', () => overHttp.warehouse],
];

describe.each(adapters)('Warehouse contract: %s', (label, warehouseOf) => {
  const table = (name: string) => `${name}_${label.startsWith('InProcess') ? 'inproc' : 'http'}`;

  it('runs a query to FINISHED and describes it', async () => {
    const warehouse = warehouseOf();
    const id = await warehouse.submit('select n from generate_series(1, 3) n', { name: 'landfall/test' });
    const description = await waitForStatement(warehouse, id, { waitSeconds: 5 });
    expect(description).toMatchObject({ id, status: 'FINISHED', hasResultSet: true, resultRows: 3 });
    expect(description.durationMs).toBeGreaterThan(0);
    expect(description.durationMs).toBeLessThan(60_000);
  });

  it('types values as the Data API client decodes them', async () => {
    const result = await runQuery(
      warehouseOf(),
      `select 42::int as i, 9007199254740991::bigint as b, 12.50::numeric(10,2) as n, 'text'::text as t,
              true as f, '2024-01-02 03:04:05'::timestamp as ts, 1.5::float8 as x, '\\x0102'::bytea as y, null::int as z`,
    );
    expect(result.rows).toEqual([[42, 9007199254740991, '12.50', 'text', true, '2024-01-02 03:04:05', 1.5, 'AQI=', null]]);
    expect(result.columns.map((c) => c.typeName)).toEqual(['int4', 'int8', 'numeric', 'varchar', 'bool', 'timestamp', 'float8', 'bytea', 'int4']);
  });

  it('binds :name parameters and applies the Redshift rewrites', async () => {
    const { rows } = await runQuery(warehouseOf(), "select :a::int + 1 as n, nvl(null, 'x') as v, dateadd(day, 1, '2024-01-31'::date) as d", { a: '41' });
    expect(rows).toEqual([[42, 'x', '2024-02-01 00:00:00']]);
  });

  it('runs a batch in one transaction, with sub-statements <id>:<n>, and rolls it back when one fails', async () => {
    const warehouse = warehouseOf();
    const ok = await warehouse.submit([`create table ${table('batch')} (a int)`, `insert into ${table('batch')} values (1), (2)`, `select a from ${table('batch')} order by a`]);
    const description = await waitForStatement(warehouse, ok, { waitSeconds: 5 });
    expect(description.subStatements).toEqual([
      { id: `${ok}:1`, status: 'FINISHED', resultRows: -1, hasResultSet: false },
      { id: `${ok}:2`, status: 'FINISHED', resultRows: 2, hasResultSet: false },
      { id: `${ok}:3`, status: 'FINISHED', resultRows: 2, hasResultSet: true },
    ]);
    expect((await warehouse.fetchRows(`${ok}:3`)).rows).toEqual([[1], [2]]);

    const failing = await warehouse.submit([`insert into ${table('batch')} values (3)`, 'insert into no_such_table values (4)']);
    const failed = await waitForStatement(warehouse, failing, { waitSeconds: 5 });
    expect(failed).toMatchObject({ status: 'FAILED', error: 'ERROR: relation "no_such_table" does not exist' });
    expect((await runQuery(warehouse, `select count(*) from ${table('batch')}`)).rows).toEqual([[2]]);
  });

  it('returns the same statement for a repeated client token', async () => {
    const warehouse = warehouseOf();
    const first = await warehouse.submit('select 1', { clientToken: `token-${label.length}` });
    expect(await warehouse.submit('select 1', { clientToken: `token-${label.length}` })).toBe(first);
  });

  it('raises the same typed errors', async () => {
    const warehouse = warehouseOf();
    await expect(runQuery(warehouse, 'select 1/0')).rejects.toThrow(SqlFailedError);
    await expect(warehouse.describe('00000000-0000-4000-8000-000000000000')).rejects.toThrow(StatementNotFoundError);
    await expect(warehouse.describe('not-a-statement-id')).rejects.toThrow(WarehouseValidationError);
    await expect(warehouse.submit('   ')).rejects.toThrow(WarehouseValidationError);
    await expect(warehouse.submit([])).rejects.toThrow(WarehouseValidationError);
    await expect(warehouse.submit(Array(41).fill('select 1'))).rejects.toThrow(WarehouseValidationError);
    const noResult = await warehouse.submit(`create table ${table('no_result')} (a int)`);
    await waitForStatement(warehouse, noResult, { waitSeconds: 5 });
    await expect(warehouse.fetchRows(noResult)).rejects.toThrow(WarehouseValidationError);
    await expect(warehouse.cancel(noResult)).rejects.toThrow(WarehouseValidationError);
  });
});

describe('Class: InProcessWarehouse', () => {
  it('wakes a waiter when one of its statements ends, without polling', async () => {
    const warehouse = inProcess.warehouse;
    const slow = await warehouse.submit('select pg_sleep(0.2)');
    const fast = await warehouse.submit('select 1');
    await warehouse.waitForAnyStatementEnd([fast, slow]);
    // One session: the statements run in order, so the first to end is the slow one.
    expect((await warehouse.describe(slow)).status).toBe('FINISHED');
    await warehouse.waitForAnyStatementEnd([fast]);
    expect((await warehouse.describe(fast)).status).toBe('FINISHED');
  });

  it('long-polls describe until the statement ends', async () => {
    const id = await inProcess.warehouse.submit('select pg_sleep(0.05)');
    expect((await inProcess.warehouse.describe(id, { waitSeconds: 5 })).status).toBe('FINISHED');
  });

  it('is a Warehouse built on the statement store the local Data API uses', () => {
    expect(inProcess.warehouse).toBeInstanceOf(InProcessWarehouse);
    expect(inProcess.warehouse.store.list().length).toBeGreaterThan(0);
  });
});
