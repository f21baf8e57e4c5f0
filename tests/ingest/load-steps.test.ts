/**
 * S3 loads as load nodes of a run, end to end on the local warehouse: planRun puts a load node upstream of the
 * models reading the source, advanceRun submits and polls its steps through the real Data API client → local
 * Data API → PGlite, and the local COPY reads a temporary folder standing in for S3. No call here waits on SQL
 * except the test's own loop, which stands in for the state machine's Wait → AdvanceRun.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { advanceRun, dialects, planRun, prepareRun, type Manifest, type RunState } from '../../src/engine';
import { compileProject } from '../../src/engine/project/compile-project';
import type { LoadObject } from '../../src/engine/run/load-node';
import { S3LoadSteps } from '../../src/ingest/load-steps';
import { LocalFolderObjectStore } from '../../src/ingest/object-store';
import { connectLocalWarehouse, localTarget, type LocalWarehouse } from '../../src/local/local-warehouse';
import { withCopyFromS3 } from '../../src/local/sql-engine/copy-from-s3';
import { openPGliteEngine, prepareTemplate, sharedTemplateDir } from '../../src/local/sql-engine/pglite-engine';
import type { SqlEngine } from '../../src/local/sql-engine/sql-engine';
import { runQuery } from '../../src/engine/warehouse/run-query';
import type { Warehouse } from '../../src/engine/warehouse/warehouse';
import { inProcessRenderer } from '../../src/engine/run/render-in-process';

const BUCKET = 'landfall-landing';
const EVENTS = 'source.ingest_test.events.product_events';
const PLANS = 'source.ingest_test.files.plans';
let dir: string;
let s3Dir: string;
let engine: SqlEngine;
let local: LocalWarehouse;
let warehouse: Warehouse;
let manifest: Manifest;
const submitted: string[][] = [];

const PROJECT: Record<string, string> = {
  'dbt_project.yml': 'name: ingest_test\nversion: "1.0"\nconfig-version: 2\nprofile: ingest_test\n',
  'models/sources.yml': `version: 2
sources:
  - name: events
    schema: raw_ingest
    tables:
      - name: product_events
        meta: { landfall: { s3: { bucket: ${BUCKET}, prefix: firehose/product_events/, format: json, compression: gzip } } }
  - name: files
    schema: raw_ingest
    tables:
      - name: plans
        meta: { landfall: { s3: { bucket: ${BUCKET}, prefix: csv/plans/, format: csv, ignore_header: 1 } } }
`,
  'models/event_counts.sql': "{{ config(materialized='table') }}\nselect event_name, count(*) as n from {{ source('events', 'product_events') }} group by 1\n",
};

function land(key: string, body: string, gzip: boolean, etag = `etag-${key.length}`): LoadObject {
  const file = path.join(s3Dir, BUCKET, key);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const bytes = gzip ? gzipSync(body) : Buffer.from(body);
  fs.writeFileSync(file, bytes);
  return { bucket: BUCKET, key, etag, size: bytes.length };
}

const count = async (sql: string) => Number((await engine.query(sql)).rows[0][0]);
const copiesOf = (relation: string) => submitted.flat().filter((sql) => sql.startsWith(`COPY ${relation}`)).length;
let runs = 0;

/** A run with these loads (and the models selected), driven to its end as the state machine would. */
async function runWithLoads(loads: { sourceId: string; objects: LoadObject[] }[], select = ['resource_type:none']): Promise<RunState> {
  let state = planRun(manifest, { runId: `load-run-${++runs}`, command: 'build', select, loads });
  const ctx = {
    manifest, dialect: dialects.postgres, warehouse, renderer: inProcessRenderer({ manifest, dialect: dialects.postgres }),
    loads: new S3LoadSteps({ manifest, objectStore: new LocalFolderObjectStore(s3Dir), iamRole: 'arn:aws:iam::123456789012:role/landfall-copy' }),
  };
  if (!state.done) state = await prepareRun(state, ctx);
  while (!state.done) {
    state = await advanceRun(state, ctx);
    if (!state.done) await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return state;
}
const loadNode = (state: RunState, sourceId: string) => state.nodes.find((n) => n.id === `load:${sourceId}`)!;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'landfall-load-steps-'));
  for (const [file, text] of Object.entries(PROJECT)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
  manifest = compileProject(dir, localTarget({ schema: 'analytics' }), path.join(dir, '.landfall', 'm.json'));
  s3Dir = path.join(dir, 's3');
  engine = withCopyFromS3(await openPGliteEngine({ inMemory: true, template: await prepareTemplate(sharedTemplateDir()) }), { s3Dir });
  await engine.query(`create schema raw_ingest;
    create table raw_ingest.product_events (event_id varchar(64), user_id int, event_name text, properties text, occurred_at timestamp);
    create table raw_ingest.plans (plan_id varchar(16), name text, monthly_price numeric(10,2))`);
  local = await connectLocalWarehouse(engine);
  const inner = local.warehouse;
  warehouse = {
    submit: (sqls, options) => (submitted.push([sqls].flat()), inner.submit(sqls, options)),
    describe: (id, options) => inner.describe(id, options),
    fetchRows: (id) => inner.fetchRows(id),
    cancel: (id) => inner.cancel(id),
  };
}, 60_000);

afterAll(async () => {
  await local?.close();
  await engine?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('load nodes', () => {
  const hostileKeys = [
    'firehose/product_events/2026/11/27/02/with space-1-2026-11-27-02-00-00-0d3b1a52-8f4c-4b8e-9a3c-1f2e3d4c5b6a.gz',
    'firehose/product_events/2026/11/27/02/literal%20percent.gz',
    "firehose/product_events/2026/11/27/02/x'); drop table raw_ingest.plans; --.gz",
  ];
  let objects: LoadObject[];

  it('plans a load node upstream of the models reading the source', () => {
    const state = planRun(manifest, { runId: 'plan-only', command: 'build', select: ['source:events.product_events+'], loads: [{ sourceId: EVENTS, objects: [{ bucket: BUCKET, key: 'firehose/product_events/a.gz', etag: 'e' }] }] });
    const model = state.nodes.find((n) => n.name === 'event_counts')!;
    expect(model.dependsOn).toContain(`load:${EVENTS}`);
    expect(state.nodes.map((n) => n.kind)).toEqual(['load', 'model']);
  });

  it('loads 100 objects in one window with one COPY, keys with spaces, %-escapes and quotes included, then builds downstream', async () => {
    objects = Array.from({ length: 100 }, (_, i) => {
      const key = hostileKeys[i] ?? `firehose/product_events/2026/11/27/02/product-events-1-2026-11-27-02-${String(i).padStart(2, '0')}-00-6f1c0c1e-0000-4000-8000-${String(i).padStart(12, '0')}.gz`;
      // Firehose concatenates records without a delimiter; nested objects land as JSON text.
      const body = `{"event_id":"e${i}a","user_id":${i},"event_name":"upload","properties":{"size":${i}},"occurred_at":"2026-11-27 02:00:00"}{"event_id":"e${i}b","user_id":${i},"event_name":"view","occurred_at":"2026-11-27 02:00:01","ignored_field":true}\n`;
      return land(key, body, true);
    });
    const state = await runWithLoads([{ sourceId: EVENTS, objects }], ['source:events.product_events+']);
    expect(loadNode(state, EVENTS)).toMatchObject({ status: 'success', rows: 100, load: { loaded: 100, alreadyLoaded: 0 } });
    expect(state.nodes.find((n) => n.name === 'event_counts')).toMatchObject({ status: 'success' });
    expect(copiesOf('"raw_ingest"."product_events"')).toBe(1);
    expect(await count('select count(*) from raw_ingest.product_events')).toBe(200);
    expect(await count('select sum(n) from analytics.event_counts')).toBe(200);
    expect(await count(`select count(*) from raw_ingest.product_events where properties = '{"size":7}'`)).toBe(1);
    expect(await count('select count(distinct batch_id) from landfall.load_ledger')).toBe(1);
    expect(await count('select count(*) from landfall.load_candidates')).toBe(0);
    expect(await count('select count(*) from raw_ingest.plans')).toBe(0); // the hostile key was data, never SQL
    expect(submitted.flat().some((sql) => sql.includes('with space'))).toBe(false);
  });

  it('loads nothing twice when objects are delivered again (a replay of the same input), only the new one alongside them', async () => {
    const fresh = land('firehose/product_events/2026/11/27/03/late.gz', '{"event_id":"late","user_id":1,"event_name":"upload"}', true);
    const state = await runWithLoads([{ sourceId: EVENTS, objects: [...objects.slice(0, 10), fresh, objects[3]!] }]);
    expect(loadNode(state, EVENTS).load).toMatchObject({ loaded: 1, alreadyLoaded: 10 });
    expect(await count('select count(*) from raw_ingest.product_events')).toBe(201);

    const replay = await runWithLoads([{ sourceId: EVENTS, objects: objects.slice(50) }]);
    expect(loadNode(replay, EVENTS)).toMatchObject({ status: 'success', rows: 0, load: { loaded: 0, alreadyLoaded: 50 } });
    expect(copiesOf('"raw_ingest"."product_events"')).toBe(2);
    expect(await count('select count(*) from raw_ingest.product_events')).toBe(201);
  });

  it('loads an overwritten key again when its content (ETag) changed', async () => {
    const rewritten = land('firehose/product_events/2026/11/27/03/late.gz', '{"event_id":"late-v2","user_id":1}', true, 'etag-v2');
    expect(loadNode(await runWithLoads([{ sourceId: EVENTS, objects: [rewritten] }]), EVENTS).load?.loaded).toBe(1);
    expect(await count(`select count(*) from raw_ingest.product_events where event_id = 'late-v2'`)).toBe(1);
  });

  it('loads CSV with a header, quoted fields and NULLs per the route', async () => {
    const file = land('csv/plans/plans 2026.csv', 'plan_id,name,monthly_price\nfree,"Free, forever",0\npro,"The ""Pro"" plan",12.50\nteam,Team,\n', false);
    expect(loadNode(await runWithLoads([{ sourceId: PLANS, objects: [file] }]), PLANS).load?.loaded).toBe(1);
    const { rows } = await runQuery(warehouse, 'select plan_id, name, monthly_price from raw_ingest.plans order by plan_id');
    expect(rows).toEqual([['free', 'Free, forever', '0.00'], ['pro', 'The "Pro" plan', '12.50'], ['team', 'Team', null]]);
  });

  it('quarantines a lone object whose COPY fails (error, line) instead of failing the node; the ledger does not hold it', async () => {
    const broken = land('csv/plans/broken.csv', 'plan_id,name,monthly_price\nx,y\n', false);
    const state = await runWithLoads([{ sourceId: PLANS, objects: [broken] }]);
    expect(loadNode(state, PLANS)).toMatchObject({ status: 'success', rows: 0 });
    expect(loadNode(state, PLANS).load!.quarantined).toEqual([expect.objectContaining({ key: 'csv/plans/broken.csv', line: 2, error: expect.stringMatching(/2 fields for 3 columns/) })]);
    expect(await count(`select count(*) from landfall.load_ledger where object_key = 'csv/plans/broken.csv'`)).toBe(0);
    expect((await engine.query(`select line_number, error_message from landfall.load_quarantine where object_key = 'csv/plans/broken.csv'`)).rows.map(([line, error]) => [Number(line), error]))
      .toEqual([[2, expect.stringMatching(/2 fields for 3 columns.*line 2/)]]);
  });

  it('splits a failed batch: the good objects load, the bad one is quarantined once, and tells onQuarantined once', async () => {
    const good1 = land('csv/plans/split-good-1.csv', 'plan_id,name,monthly_price\n101,a,1\n', false);
    const bad = land('csv/plans/split-bad.csv', 'plan_id,name,monthly_price\n102,b,2\n103,c\n', false);
    const good2 = land('csv/plans/split-good-2.csv', 'plan_id,name,monthly_price\n104,d,4\n', false);
    const told: string[][] = [];
    const ctxLoads = new S3LoadSteps({
      manifest, objectStore: new LocalFolderObjectStore(s3Dir), iamRole: 'default',
      onQuarantined: async (objects) => void told.push(objects.map((o) => `${o.key}:${o.line}`)),
    });
    let state = planRun(manifest, { runId: `load-run-${++runs}`, command: 'build', select: ['resource_type:none'], loads: [{ sourceId: PLANS, objects: [good1, bad, good2] }] });
    const ctx = { manifest, dialect: dialects.postgres, renderer: inProcessRenderer({ manifest, dialect: dialects.postgres }), warehouse, loads: ctxLoads };
    state = await prepareRun(state, ctx);
    while (!state.done) {
      state = await advanceRun(state, ctx);
      if (!state.done) await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(loadNode(state, PLANS)).toMatchObject({ status: 'success', rows: 2 });
    expect(told).toEqual([['csv/plans/split-bad.csv:3']]);
    expect(await count(`select count(*) from raw_ingest.plans where plan_id in ('101', '104')`)).toBe(2);
    expect(await count(`select count(*) from raw_ingest.plans where plan_id in ('102', '103')`)).toBe(0);
    expect(await count(`select count(*) from landfall.load_ledger where object_key like 'csv/plans/split-%'`)).toBe(2);

    // Fixed in place (same version) and retried, as `landfall loads retry` does: it loads and leaves the quarantine.
    land('csv/plans/split-bad.csv', 'plan_id,name,monthly_price\n102,b,2\n103,c,3\n', false);
    const retried = await runWithLoads([{ sourceId: PLANS, objects: [bad] }]);
    expect(loadNode(retried, PLANS)).toMatchObject({ status: 'success', rows: 1 });
    expect(await count(`select count(*) from landfall.load_quarantine where object_key = 'csv/plans/split-bad.csv'`)).toBe(0);
    expect(await count(`select count(*) from raw_ingest.plans where plan_id in ('102', '103')`)).toBe(2);
  });
});
