/**
 * A partitioned model replayed against a plain-table oracle (the same rows, as one table, computed from the source):
 * first build, daily increments with late rows, NULL partition values, a key that moves to another month, a failing
 * audit over two months, rotation, backfill, an added and a removed column with and without --full-refresh. After
 * every step the view equals the oracle row for row, or the run failed naming what it refused.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { compileManifest, readProjectFiles } from '../../src/engine/compile';
import { dialects, summarizeRun, type Manifest, type RunState } from '../../src/engine';
import { runToCompletion } from '../../src/cli/local-build';
import { backfillPartitionedModel } from '../../src/partitions/backfill';
import { rotateMonthlyPartitions } from '../../src/partitions/rotation';
import { usePGliteWarehouse } from '../support/pglite-warehouse';

const db = usePGliteWarehouse();
const dialect = dialects.postgres;
const PROJECT = fs.mkdtempSync(path.join(os.tmpdir(), 'landfall-partition-oracle-'));

function project(columns: string, onSchemaChange = 'fail'): Manifest {
  const files: Record<string, string> = {
    'dbt_project.yml': 'name: oracle\nversion: "1.0.0"\nprofile: landfall\nmodel-paths: ["models"]\n',
    'models/_sources.yml': 'sources:\n  - name: app\n    schema: raw\n    tables:\n      - name: events\n',
    // The dbt pattern for late data: new rows by load time, whatever their event time.
    'models/fct_events.sql': `{{ config(materialized='incremental', unique_key='event_id', on_schema_change='${onSchemaChange}',
    partition_by={'field': 'created_at', 'granularity': 'month'}, retention_months=3) }}
select ${columns} from {{ source('app', 'events') }}
{% if is_incremental() %}where loaded_at > (select max(loaded_at) from {{ this }}){% endif %}
`,
    'models/_models.yml': 'models:\n  - name: fct_events\n    columns:\n      - name: event_id\n        data_tests: [unique, not_null]\n      - name: amount\n        data_tests: [not_null]\n',
  };
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(PROJECT, file)), { recursive: true });
    fs.writeFileSync(path.join(PROJECT, file), text);
  }
  return compileManifest(readProjectFiles(PROJECT), { target: { name: 'local', type: 'postgres', schema: 'analytics', database: 'dev' } });
}

let manifest: Manifest;
let runs = 0;
let loadedAt = 0;
const build = (startedAt: string, fullRefresh = false): Promise<RunState> =>
  runToCompletion(manifest, { runId: `oracle-${++runs}`, command: 'build', startedAt, fullRefresh }, { dialect, warehouse: db.warehouse });
const modelNode = (state: RunState) => state.nodes.find((n) => n.name === 'fct_events' && n.kind === 'model')!;

async function load(rows: [number, string | null, number | null][]) {
  loadedAt += 1;
  const values = rows.map(([id, at, amount]) => `(${id}, ${at ? `'${at}'` : 'null'}, ${amount ?? 'null'}, 'web', ${loadedAt})`);
  await db.engine.query(`insert into raw.events (event_id, created_at, amount, channel, loaded_at) values ${values.join(', ')}`);
}

/** Rows of the view the oracle lacks and rows of the oracle the view lacks (as multisets), over `columns`. */
async function differences(firstKept: string, columns = 'event_id, created_at, amount, loaded_at'): Promise<unknown[][]> {
  const oracle = `select ${columns} from raw.events where created_at is null or created_at >= '${firstKept}'`;
  const view = `select ${columns} from analytics.fct_events`;
  return db.rows(`(${view} except all ${oracle}) union all (${oracle} except all ${view})`);
}

beforeAll(async () => {
  await db.engine.query('create schema raw; create table raw.events (event_id int, created_at timestamp, amount int, channel varchar(10), loaded_at int)');
  manifest = project('event_id, created_at, amount, loaded_at');
});

describe('a partitioned model against its plain-table oracle', () => {
  it('first build: every month kept and the rows without a partition value', async () => {
    await load([[1, '2026-09-05 10:00:00', 1], [2, '2026-10-31 23:59:59', 2], [3, '2026-11-01 00:00:00', 3], [4, null, 4], [5, '2026-11-19 12:00:00', 5], [6, '2026-06-01 00:00:00', 6]]);
    const state = await build('2026-11-20T00:00:00Z');
    expect(summarizeRun(state).failed).toBe(false);
    expect(await differences('2026-09-01')).toEqual([]);
    expect(await db.rows(`select count(*) from analytics.fct_events where created_at is null`)).toEqual([['1']]);
  });

  it('daily increment: late rows within the lookback, a NULL row, a key that moves to another month', async () => {
    await load([[7, '2026-11-18 08:00:00', 7], [8, null, 8], [9, '2026-11-20 06:00:00', 9]]);
    await db.engine.query(`update raw.events set created_at = '2026-11-20 07:00:00', loaded_at = ${loadedAt} where event_id = 2`);
    const state = await build('2026-11-21T00:00:00Z');
    expect(summarizeRun(state).failed).toBe(false);
    expect(await differences('2026-09-01')).toEqual([]);
    // The key left October: it is in the view once.
    expect(await db.rows('select count(*) from analytics.fct_events where event_id = 2')).toEqual([['1']]);
  });

  it('a key that comes again with a NULL partition value leaves its month', async () => {
    await db.engine.query(`update raw.events set created_at = null, loaded_at = ${++loadedAt} where event_id = 3`);
    expect(summarizeRun(await build('2026-11-22T00:00:00Z')).failed).toBe(false);
    expect(await differences('2026-09-01')).toEqual([]);
  });

  it('a failing audit over two months publishes neither; the fix publishes both', async () => {
    await load([[10, '2026-11-30 23:00:00', 10], [11, '2026-12-01 01:00:00', null]]);
    const before = await db.rows('select event_id from analytics.fct_events order by 1');
    const failed = await build('2026-12-01T02:00:00Z');
    expect(modelNode(failed).status).toBe('error');
    expect(modelNode(failed).error).toContain('landfall audit failed for fct_events (2026-11, 2026-12)');
    expect(modelNode(failed).error).toContain('test.oracle.not_null_fct_events_amount: 1 failing rows');
    expect(await db.rows('select event_id from analytics.fct_events order by 1')).toEqual(before);

    await db.engine.query(`update raw.events set amount = 11, loaded_at = ${++loadedAt} where event_id in (10, 11)`);
    expect(summarizeRun(await build('2026-12-01T03:00:00Z')).failed).toBe(false);
    expect(await differences('2026-09-01')).toEqual([]);
  });

  it('a late row for an older kept month is merged by key; one for a month not kept fails the run, counted', async () => {
    await load([[12, '2026-10-02 10:00:00', 12]]);
    expect(summarizeRun(await build('2026-12-02T00:00:00Z')).failed).toBe(false);
    expect(await differences('2026-09-01')).toEqual([]);

    await load([[13, '2026-08-02 10:00:00', 13]]);
    const failed = await build('2026-12-02T01:00:00Z');
    expect(modelNode(failed).error).toMatch(/rows outside the run window .*: 1 failing rows/);
    expect(modelNode(failed).error).toContain('landfall backfill --model fct_events');
    await expect(backfillPartitionedModel({ model: 'fct_events', from: '2026-08', to: '2026-09', now: new Date('2026-12-02T00:00:00Z') }, { manifest, dialect, warehouse: db.warehouse }))
      .rejects.toThrow(/keeps 3 months .* the oldest being 2026-10: --from 2026-08 is older/);
    await db.engine.query('delete from raw.events where event_id = 13');
    expect(summarizeRun(await build('2026-12-02T02:00:00Z')).failed).toBe(false);
  });

  it('a backfill rebuilds a month to the same rows, twice', async () => {
    for (let i = 0; i < 2; i++) {
      const backfill = await backfillPartitionedModel({ model: 'fct_events', from: '2026-10', to: '2026-11', now: new Date('2026-12-02T03:00:00Z') }, { manifest, dialect, warehouse: db.warehouse });
      expect(backfill.failed).toBe(false);
      expect(await differences('2026-09-01')).toEqual([]);
    }
  });

  it('rotation drops the months past retention and keeps the NULL rows', async () => {
    const [result] = await rotateMonthlyPartitions({ manifest, dialect, warehouse: db.warehouse, month: '2026-12' });
    expect(result).toMatchObject({ status: 'rotated', dropped: ['2026-09'] });
    expect(await differences('2026-10-01')).toEqual([]);
  });

  it('an added column fails without --full-refresh (naming it and the command), and --full-refresh builds it', async () => {
    manifest = project('event_id, created_at, amount, channel, loaded_at');
    await load([[15, '2026-12-02 09:00:00', 15]]);
    const failed = await build('2026-12-03T00:00:00Z');
    expect(modelNode(failed).error).toMatch(/new: "channel".*landfall build --select fct_events --full-refresh/);
    const full = await build('2026-12-03T01:00:00Z', true);
    expect(summarizeRun(full).failed).toBe(false);
    expect(await differences('2026-10-01', 'event_id, created_at, amount, channel, loaded_at')).toEqual([]);
  });

  it('a removed column: sync_all_columns drops it from every month; --full-refresh rebuilds without it', async () => {
    manifest = project('event_id, created_at, amount, loaded_at', 'sync_all_columns');
    await load([[14, '2026-12-03 09:00:00', 14]]);
    expect(summarizeRun(await build('2026-12-04T00:00:00Z')).failed).toBe(false);
    expect(await differences('2026-10-01')).toEqual([]);
    expect(await db.rows(`select count(*) from information_schema.columns where table_schema = 'analytics' and column_name = 'channel' and table_name like 'fct_events%'`)).toEqual([['0']]);
    manifest = project('event_id, created_at, amount, loaded_at');
    expect(summarizeRun(await build('2026-12-04T01:00:00Z', true)).failed).toBe(false);
    expect(await differences('2026-10-01')).toEqual([]);
  });
});
