/**
 * Batch loads end to end on the local warehouse: the real Data API client → local Data API → PGlite,
 * with the local COPY reading a temporary folder that stands in for S3.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { LocalFolderObjectStore } from '../../src/ingest/object-store';
import { loadS3Batch, type ObjectToLoad } from '../../src/ingest/load-s3-batch';
import type { S3Route } from '../../src/ingest/s3-routes';
import { connectLocalWarehouse, type LocalWarehouse } from '../../src/local/local-warehouse';
import { withCopyFromS3 } from '../../src/local/sql-engine/copy-from-s3';
import { openPGliteEngine, prepareTemplate, sharedTemplateDir } from '../../src/local/sql-engine/pglite-engine';
import type { SqlEngine } from '../../src/local/sql-engine/sql-engine';
import { runQuery } from '../../src/warehouse/run-query';
import type { Warehouse } from '../../src/warehouse/warehouse';

const BUCKET = 'landfall-landing';
let s3Dir: string;
let engine: SqlEngine;
let local: LocalWarehouse;
let warehouse: Warehouse;
const submitted: string[][] = [];

const jsonRoute: S3Route = {
  sourceId: 'source.demo.events.product_events', selector: 'source:events.product_events+', bucket: BUCKET,
  prefix: 'firehose/product_events/', format: 'json', gzip: true, ignoreHeader: 0, relation: { schema: 'raw_ingest', identifier: 'product_events' },
};
const csvRoute: S3Route = {
  sourceId: 'source.demo.files.plans', selector: 'source:files.plans+', bucket: BUCKET,
  prefix: 'csv/plans/', format: 'csv', gzip: false, ignoreHeader: 1, relation: { schema: 'raw_ingest', identifier: 'plans' },
};

function land(key: string, body: string, gzip: boolean, etag = `etag-${key.length}`): ObjectToLoad {
  const file = path.join(s3Dir, BUCKET, key);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const bytes = gzip ? gzipSync(body) : Buffer.from(body);
  fs.writeFileSync(file, bytes);
  return { bucket: BUCKET, key, etag, size: bytes.length };
}

const count = async (sql: string) => Number((await engine.query(sql)).rows[0][0]);
const copiesOf = (relation: string) => submitted.flat().filter((sql) => sql.startsWith(`COPY ${relation}`)).length;

beforeAll(async () => {
  s3Dir = fs.mkdtempSync(path.join(os.tmpdir(), 'landfall-s3-'));
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
  fs.rmSync(s3Dir, { recursive: true, force: true });
});

describe('loadS3Batch', () => {
  const deps = () => ({ warehouse, objectStore: new LocalFolderObjectStore(s3Dir), iamRole: 'arn:aws:iam::123456789012:role/landfall-copy', wait: { pollMs: 20 } });
  const hostileKeys = [
    'firehose/product_events/2026/11/27/02/with space-1-2026-11-27-02-00-00-0d3b1a52-8f4c-4b8e-9a3c-1f2e3d4c5b6a.gz',
    'firehose/product_events/2026/11/27/02/literal%20percent.gz',
    "firehose/product_events/2026/11/27/02/x'); drop table raw_ingest.plans; --.gz",
  ];
  let objects: ObjectToLoad[];

  it('loads 100 objects in one window with one COPY, keys with spaces, %-escapes and quotes included', async () => {
    objects = Array.from({ length: 100 }, (_, i) => {
      const key = hostileKeys[i] ?? `firehose/product_events/2026/11/27/02/product-events-1-2026-11-27-02-${String(i).padStart(2, '0')}-00-6f1c0c1e-0000-4000-8000-${String(i).padStart(12, '0')}.gz`;
      // Firehose concatenates records without a delimiter; nested objects land as JSON text.
      const body = `{"event_id":"e${i}a","user_id":${i},"event_name":"upload","properties":{"size":${i}},"occurred_at":"2026-11-27 02:00:00"}{"event_id":"e${i}b","user_id":${i},"event_name":"view","occurred_at":"2026-11-27 02:00:01","ignored_field":true}\n`;
      return land(key, body, true);
    });
    const result = await loadS3Batch(jsonRoute, objects, deps());
    expect(result.loaded).toHaveLength(100);
    expect(copiesOf('"raw_ingest"."product_events"')).toBe(1);
    expect(await count('select count(*) from raw_ingest.product_events')).toBe(200);
    expect(await count(`select count(*) from raw_ingest.product_events where properties = '{"size":7}'`)).toBe(1);
    expect(await count('select count(distinct batch_id) from landfall.load_ledger')).toBe(1);
    expect(await count('select count(*) from raw_ingest.plans')).toBe(0); // the hostile key was data, never SQL
    const manifest = JSON.parse(fs.readFileSync(path.join(s3Dir, BUCKET, 'landfall/load-batches', result.batchId, 'manifest.json'), 'utf8'));
    expect(manifest.entries.map((e: { url: string }) => e.url)).toContain(`s3://${BUCKET}/${hostileKeys[0]}`);
  });

  it('loads nothing twice when objects are delivered again, and only the new one alongside them', async () => {
    const fresh = land('firehose/product_events/2026/11/27/03/late.gz', '{"event_id":"late","user_id":1,"event_name":"upload"}', true);
    const result = await loadS3Batch(jsonRoute, [...objects.slice(0, 10), fresh, objects[3]], deps());
    expect(result).toMatchObject({ loaded: [fresh.key] });
    expect(result.alreadyLoaded).toHaveLength(10);
    expect(await count('select count(*) from raw_ingest.product_events')).toBe(201);

    const again = await loadS3Batch(jsonRoute, objects.slice(50), deps());
    expect(again.loaded).toEqual([]);
    expect(copiesOf('"raw_ingest"."product_events"')).toBe(2);
    expect(await count('select count(*) from raw_ingest.product_events')).toBe(201);
  });

  it('loads an overwritten key again when its content (ETag) changed', async () => {
    const rewritten = land('firehose/product_events/2026/11/27/03/late.gz', '{"event_id":"late-v2","user_id":1}', true, 'etag-v2');
    expect((await loadS3Batch(jsonRoute, [rewritten], deps())).loaded).toEqual([rewritten.key]);
    expect(await count(`select count(*) from raw_ingest.product_events where event_id = 'late-v2'`)).toBe(1);
  });

  it('loads CSV with a header, quoted fields and NULLs per the route', async () => {
    const file = land('csv/plans/plans 2026.csv', 'plan_id,name,monthly_price\nfree,"Free, forever",0\npro,"The ""Pro"" plan",12.50\nteam,Team,\n', false);
    expect((await loadS3Batch(csvRoute, [file], deps())).loaded).toHaveLength(1);
    const { rows } = await runQuery(warehouse, 'select plan_id, name, monthly_price from raw_ingest.plans order by plan_id');
    expect(rows).toEqual([['free', 'Free, forever', '0.00'], ['pro', 'The "Pro" plan', '12.50'], ['team', 'Team', null]]);
  });

  it('rolls back the ledger when the COPY fails, so the objects are loaded on the next attempt', async () => {
    const broken = land('csv/plans/broken.csv', 'plan_id,name,monthly_price\nx,y\n', false);
    await expect(loadS3Batch(csvRoute, [broken], deps())).rejects.toThrow(/2 fields for 3 columns/);
    expect(await count(`select count(*) from landfall.load_ledger where object_key = 'csv/plans/broken.csv'`)).toBe(0);
  });
});
