/**
 * Monthly partitions end to end on PGlite, through the same Redshift Data API client production uses:
 * a partitioned model builds, rotates across a month boundary, publishes only tested months, survives a
 * failed test with the previous data readable, keeps its PostgreSQL view valid through swaps and drops,
 * and rotation and backfill are idempotent. One PGlite instance for the whole file; steps build on each other.
 */
import path from 'node:path';
import { compileManifest, readProjectFiles } from '../../src/engine/compile';
import { dialects, summarizeRun, type Manifest, type RunState } from '../../src/engine';
import { runToCompletion } from '../../src/cli/local-build';
import { connectLocalWarehouse, type LocalWarehouse } from '../../src/local/local-warehouse';
import { loadDefinition } from '../../src/local/local-stack';
import { LocalStepFunctions } from '../../src/local/aws/step-functions';
import { openPGliteEngine, prepareTemplate, sharedTemplateDir } from '../../src/local/sql-engine/pglite-engine';
import type { SqlEngine } from '../../src/local/sql-engine/sql-engine';
import { backfillPartitionedModel } from '../../src/partitions/backfill';
import { rotateMonthlyPartitions } from '../../src/partitions/rotation';
import { planRotationRun, rotateModelTask } from '../../src/partitions/rotation-run';
import type { Warehouse } from '../../src/engine/warehouse/warehouse';

const REPO_ROOT = path.join(__dirname, '..', '..');
const PROJECT = path.join(REPO_ROOT, 'tests', 'fixtures', 'projects', 'partitioned');

let engine: SqlEngine;
let local: LocalWarehouse;
let warehouse: Warehouse;
let manifest: Manifest;
const dialect = dialects.postgres;

beforeAll(async () => {
  engine = await openPGliteEngine({ inMemory: true, template: await prepareTemplate(sharedTemplateDir()) });
  local = await connectLocalWarehouse(engine);
  warehouse = local.warehouse;
  manifest = compileManifest(readProjectFiles(PROJECT), { target: { name: 'local', type: 'postgres', schema: 'analytics', database: 'dev' } });
  await engine.query(`create schema raw; create table raw.orders (order_id int, customer_id int, amount int, created_at timestamp)`);
});

afterAll(async () => {
  await local?.close();
  await engine?.close();
});

let orderId = 0;
async function addOrders(timestamps: string[], amount: number | null = 10) {
  const values = timestamps.map((t) => `(${++orderId}, ${orderId % 7}, ${amount === null ? 'null' : amount}, '${t}')`);
  await engine.query(`insert into raw.orders values ${values.join(', ')}`);
}

let runs = 0;
const build = (startedAt: string, vars: Record<string, unknown> = {}): Promise<RunState> =>
  runToCompletion(manifest, { runId: `run-${++runs}`, command: 'build', startedAt, vars }, { dialect, warehouse });

const rows = async (sql: string) => (await engine.query(sql)).rows;
const count = async (sql: string) => Number((await rows(sql))[0]![0]);
const monthTables = async () =>
  (await rows(`select table_name from information_schema.tables where table_schema = 'analytics' and table_name like 'fct\\_orders\\_\\_p2%' order by 1`)).map((r) => r[0]);
const statusOf = (state: RunState, name: string, kind = 'model') => state.nodes.find((n) => n.name === name && n.kind === kind)?.status;

describe('a monthly-partitioned model on PostgreSQL', () => {
  it('builds one table per month behind a view, on the first build', async () => {
    await addOrders(['2026-09-03 10:00:00', '2026-09-20 10:00:00', '2026-10-05 10:00:00', '2026-11-02 10:00:00', '2026-11-14 23:00:00']);
    await addOrders(['2026-06-01 10:00:00']); // older than retention_months=3: not kept

    const state = await build('2026-11-15T00:00:00Z');

    expect(summarizeRun(state).failed).toBe(false);
    expect(state.partitions!['model.partitioned.fct_orders']!.months).toEqual(['2026-09', '2026-10', '2026-11']);
    expect(await monthTables()).toEqual(['fct_orders__p202609', 'fct_orders__p202610', 'fct_orders__p202611']);
    expect(await rows(`select table_type from information_schema.tables where table_schema = 'analytics' and table_name = 'fct_orders'`)).toEqual([['VIEW']]);
    expect(await count('select count(*) from analytics.fct_orders')).toBe(5);
    expect(await count('select count(*) from analytics.fct_orders__p202609')).toBe(2);
    expect(await count('select sum(orders) from analytics.orders_by_day')).toBe(5);
    // rows_affected is the rows the run wrote (the June row is older than retention: not written).
    expect(state.nodes.find((n) => n.name === 'fct_orders' && n.kind === 'model')?.rows).toBe(5);
  });

  it('writes only the month the daily window touches', async () => {
    await addOrders(['2026-11-15 08:00:00', '2026-11-16 09:00:00']);
    const before = await rows(`select relfilenode from pg_class where relname in ('fct_orders__p202609', 'fct_orders__p202610') order by relname`);

    const state = await build('2026-11-17T00:00:00Z');

    const partition = state.partitions!['model.partitioned.fct_orders']!;
    // From the newest published value (2026-11-14 23:00) minus the 3-day default lookback, to a day past the start.
    expect(partition).toMatchObject({ mode: 'merge', months: ['2026-11'], window: { start: '2026-11-11T23:00:00.000Z', end: '2026-11-18T00:00:00.000Z', source: 'since-watermark' } });
    expect(await count('select count(*) from analytics.fct_orders__p202611')).toBe(4);
    expect(await count('select count(*) from analytics.fct_orders')).toBe(7);
    // rows_affected: the rows the run inserted, i.e. the source's rows in the window (the 11-14 23:00 row merged again).
    const inWindow = await count(`select count(*) from raw.orders where created_at >= '2026-11-11 23:00:00' and created_at < '2026-11-18 00:00:00'`);
    expect(inWindow).toBe(3);
    expect(state.nodes.find((n) => n.name === 'fct_orders' && n.kind === 'model')?.rows).toBe(inWindow);
    // The older months' tables are the same physical tables: nothing rewrote them.
    expect(await rows(`select relfilenode from pg_class where relname in ('fct_orders__p202609', 'fct_orders__p202610') order by relname`)).toEqual(before);
    expect(statusOf(state, 'fct_orders', 'tests')).toBe('pass');
  });

  it('crosses a month boundary: the window covers the end of one month and the start of the next', async () => {
    await addOrders(['2026-11-30 23:30:00', '2026-12-01 00:30:00']);

    const state = await build('2026-12-01T02:00:00Z');

    expect(state.partitions!['model.partitioned.fct_orders']!.months).toEqual(['2026-11', '2026-12']);
    expect(await monthTables()).toContain('fct_orders__p202612');
    expect(await count(`select count(*) from analytics.fct_orders where created_at >= '2026-12-01'`)).toBe(1);
    expect(await count('select count(*) from analytics.fct_orders')).toBe(9);
    expect(await count('select sum(orders) from analytics.orders_by_day')).toBe(9);
  });

  it('publishes nothing when a test fails on the shadow: readers keep the previous month, a replay publishes the fix', async () => {
    await addOrders(['2026-12-02 10:00:00']);
    await addOrders(['2026-12-02 11:00:00'], null); // fails not_null on amount

    const failed = await build('2026-12-03T00:00:00Z');

    const node = failed.nodes.find((n) => n.name === 'fct_orders' && n.kind === 'model')!;
    expect(node.status).toBe('error');
    expect(node.error).toContain('landfall audit failed for fct_orders (2026-11, 2026-12); nothing was published');
    expect(node.error).toContain('test.partitioned.not_null_fct_orders_amount: 1 failing rows');
    expect(statusOf(failed, 'orders_by_day')).toBe('skipped');
    expect(await count(`select count(*) from analytics.fct_orders where created_at >= '2026-12-01'`)).toBe(1);
    // The delta, named after the failed run, stays for inspection…
    const deltas = `select string_agg(relname, ',' order by relname) from pg_class where relname like 'fct\\_orders\\_\\_lf\\_delta\\_%' and relkind = 'r'`;
    const [delta] = (await engine.query(deltas)).rows[0]!;
    expect(delta).toMatch(/^fct_orders__lf_delta_[0-9a-f]{8}$/);
    expect(await count(`select count(*) from analytics.${delta} where created_at >= '2026-12-01'`)).toBe(3);

    await engine.query('update raw.orders set amount = 0 where amount is null');
    const replay = await build('2026-12-03T00:00:00Z');

    expect(summarizeRun(replay).failed).toBe(false);
    expect(await count(`select count(*) from analytics.fct_orders where created_at >= '2026-12-01'`)).toBe(3);
    // …until the next build of the model (another run) drops it; a successful run leaves none.
    expect((await engine.query(deltas)).rows[0]![0]).toBeNull();
  });

  it('scopes the model tests after publishing to the months the run touched', async () => {
    const state = await build('2026-12-04T00:00:00Z');
    const { renderTests } = await import('../../src/engine');
    const tests = renderTests(state.nodes.find((n) => n.name === 'fct_orders' && n.kind === 'tests')!, state, manifest);
    const unique = tests.find((t) => t.id.includes('unique'))!.sql;
    // unique on the unique_key and not_null read the rows in the run's window (and NULL partition values).
    expect(unique).toContain(`from (select * from "analytics"."fct_orders" where ((`);
    expect(unique).toContain(`"created_at" is null)) as "fct_orders_written_rows"`);
    const notNull = tests.find((t) => t.id.includes('not_null_fct_orders_amount'))!.sql;
    expect(notNull).toContain(`as "fct_orders_written_rows"`);
  });
});

describe('rotation', () => {
  it('creates months ahead, replaces the view, archives and drops expired months, keeping every view valid', async () => {
    const results = await rotateMonthlyPartitions({ manifest, dialect, warehouse, month: '2027-02' });

    expect(results).toEqual([expect.objectContaining({ model: 'fct_orders', status: 'rotated', created: ['2027-01', '2027-02', '2027-03'], dropped: ['2026-09', '2026-10', '2026-11'] })]);
    // Locally the archive is a copy in a schema, and the result says so (not "unloaded to s3://…").
    expect(results[0]!.archivedTo![0]).toBe('landfall_archive.analytics__fct_orders__p202609 (a copy in a local schema: the local warehouse cannot UNLOAD to S3)');
    expect(await monthTables()).toEqual(['fct_orders__p202612', 'fct_orders__p202701', 'fct_orders__p202702', 'fct_orders__p202703']);
    expect(await count('select count(*) from analytics.fct_orders')).toBe(3);
    expect(await count('select sum(orders) from analytics.orders_by_day')).toBe(3);
    expect(await count(`select count(*) from landfall_archive.analytics__fct_orders__p202609`)).toBe(2);
  });

  it('is idempotent: a second rotation changes nothing', async () => {
    const tables = await monthTables();
    const results = await rotateMonthlyPartitions({ manifest, dialect, warehouse, month: '2027-02' });
    expect(results[0]).toMatchObject({ status: 'unchanged', created: [], dropped: [] });
    expect(await monthTables()).toEqual(tables);
  });

  it('runs as the rotation state machine, and alerts when a model fails', async () => {
    const alerts: unknown[] = [];
    const handlers = {
      PlanRotation: async (input: Parameters<typeof planRotationRun>[0]) => planRotationRun(input, { manifest }),
      RotateModel: async (item: { month: string; model: string }) => rotateModelTask(item, { manifest, dialect, warehouse }),
      PublishRotationAlert: async (summary: unknown) => {
        alerts.push(summary);
        return { subject: 'sent' };
      },
    };
    const stepFunctions = new LocalStepFunctions({
      stateDir: path.join(require('node:os').tmpdir(), `landfall-rotation-${process.pid}`),
      stateMachines: {
        rotate: {
          definition: loadDefinition(path.join(REPO_ROOT, 'state-machines', 'rotate-partitions.asl.json'), {
            PlanRotationFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:plan-rotation',
            RotateModelFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:rotate-model',
            PublishRotationAlertFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:publish-rotation-alert',
          }),
          taskHandlers: handlers,
          waitTimeScaleMs: 1,
        },
      },
    });

    const ok = await stepFunctions.startExecution({ stateMachineArn: stepFunctions.stateMachineArn('rotate'), input: JSON.stringify({ month: '2027-03' }) });
    const done = await stepFunctions.waitForExecution(ok.executionArn!);
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output!)).toEqual([expect.objectContaining({ model: 'fct_orders', created: ['2027-04'], dropped: ['2026-12'], failed: false })]);
    expect(alerts).toEqual([]);

    // Something else took the name of the month rotation must create: that model fails, the others would go on.
    await engine.query('create view analytics.fct_orders__p202705 as select 1 as x');
    const broken = await stepFunctions.startExecution({ stateMachineArn: stepFunctions.stateMachineArn('rotate'), input: JSON.stringify({ month: '2027-04' }) });
    const failed = await stepFunctions.waitForExecution(broken.executionArn!);
    await engine.query('drop view analytics.fct_orders__p202705');
    expect(failed.status).toBe('FAILED');
    expect(alerts).toEqual([expect.objectContaining({ month: '2027-04', failed: true })]);
    // The failed rotation changed nothing (its one transaction rolled back): running it again converges.
    expect(await monthTables()).toEqual(['fct_orders__p202701', 'fct_orders__p202702', 'fct_orders__p202703', 'fct_orders__p202704']);
  });
});

describe('backfill', () => {
  const snapshot = async () => ({
    tables: await monthTables(),
    rows: await rows('select order_id, amount, created_at from analytics.fct_orders order by order_id'),
  });

  it('rebuilds months with bounded concurrency, publishing only months whose tests pass, and twice gives the same result', async () => {
    await addOrders(['2027-02-10 10:00:00', '2027-03-10 10:00:00']);
    await addOrders(['2027-03-11 10:00:00'], null);

    const first = await backfillPartitionedModel({ model: 'fct_orders', from: '2027-02', to: '2027-03', concurrency: 2, now: new Date('2027-04-02T00:00:00Z') }, { manifest, dialect, warehouse });

    expect(first.months).toEqual([
      { month: '2027-02', status: 'published' },
      expect.objectContaining({ month: '2027-03', status: 'failed', failedAt: 'audit' }),
    ]);
    expect(await count(`select count(*) from analytics.fct_orders where created_at >= '2027-02-01' and created_at < '2027-03-01'`)).toBe(1);
    expect(await count(`select count(*) from analytics.fct_orders where created_at >= '2027-03-01'`)).toBe(0);

    await engine.query('update raw.orders set amount = 0 where amount is null');
    const fixed = await backfillPartitionedModel({ model: 'fct_orders', from: '2027-02', to: '2027-03', concurrency: 2, now: new Date('2027-04-02T00:00:00Z') }, { manifest, dialect, warehouse });
    expect(fixed.months).toEqual([{ month: "2027-02", status: "published" }, { month: "2027-03", status: "published" }]);
    const once = await snapshot();
    const again = await backfillPartitionedModel({ model: 'fct_orders', from: '2027-02', to: '2027-03', concurrency: 2, now: new Date('2027-04-02T00:00:00Z') }, { manifest, dialect, warehouse });
    expect(again.failed).toBe(false);
    expect(await snapshot()).toEqual(once);
    expect(await count('select sum(orders) from analytics.orders_by_day')).toBe(once.rows.length);
  });
});
