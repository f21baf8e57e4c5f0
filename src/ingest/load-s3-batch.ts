/**
 * Loads one coalesced batch of landed objects of one route with ONE `COPY … MANIFEST`, idempotently:
 *
 * 1. make sure the ledger (`landfall.load_ledger`) exists;
 * 2. look the batch's keys up in it (keys as bound parameters) and drop the object versions already loaded;
 * 3. write `manifest.json` (exactly the remaining objects, `mandatory: true`) and `ledger.json` (their ledger
 *    rows) under `landfall/load-batches/<batch id>/` in the route's bucket — outside every routed prefix;
 * 4. in one BatchExecuteStatement transaction: `LOCK` the ledger, COPY the ledger rows, COPY the data.
 *
 * The batch id is a hash of the objects, so a retried batch rewrites the same files. Loads of one route
 * are serialized by the coalescer (one run per route at a time), which makes step 2's check safe.
 */
import { createHash } from 'node:crypto';
import { objectVersionOf } from '../events/s3/object-created';
import { runQuery, type WaitOptions } from '../warehouse/run-query';
import type { Warehouse } from '../warehouse/warehouse';
import { batchLoadSqls, ENSURE_LEDGER_SQL, ledgerLookupSql, quotedRelation } from './copy-statements';
import type { ObjectStore } from './object-store';
import type { S3Route } from './s3-routes';

/** Where batch files are written in the route's bucket. */
export const LOAD_BATCH_PREFIX = 'landfall/load-batches/';
const LOOKUP_CHUNK = 100;

export interface ObjectToLoad {
  bucket: string;
  key: string;
  etag?: string;
  versionId?: string;
  size?: number;
}

export interface LoadDependencies {
  warehouse: Warehouse;
  objectStore: ObjectStore;
  /** IAM role Redshift assumes to read the bucket (`default` for the cluster's default role). */
  iamRole: string;
  wait?: WaitOptions;
}

export interface BatchLoadResult {
  batchId: string;
  sourceId: string;
  /** Keys loaded by this batch. */
  loaded: string[];
  /** Keys skipped because the ledger already holds their version (re-deliveries). */
  alreadyLoaded: string[];
  /** The manifest the COPY read, when anything was loaded. */
  manifestUrl?: string;
}

/** Deterministic id of a batch: sha256 of its sorted object identities. */
export function batchIdOf(objects: readonly ObjectToLoad[]): string {
  const identities = objects.map((o) => `${o.bucket}\n${o.key}\n${objectVersionOf(o)}`).sort();
  return createHash('sha256').update(identities.join('\n\n')).digest('hex');
}

/** The Redshift manifest listing exactly `objects`, each mandatory. */
export function manifestFor(objects: readonly ObjectToLoad[]): string {
  return JSON.stringify({
    entries: objects.map((o) => ({ url: `s3://${o.bucket}/${o.key}`, mandatory: true, ...(o.size !== undefined && { meta: { content_length: o.size } }) })),
  });
}

async function loadedVersions(warehouse: Warehouse, bucket: string, keys: string[], wait?: WaitOptions): Promise<Set<string>> {
  const seen = new Set<string>();
  for (let at = 0; at < keys.length; at += LOOKUP_CHUNK) {
    const chunk = keys.slice(at, at + LOOKUP_CHUNK);
    const parameters: Record<string, string> = { bucket };
    chunk.forEach((key, i) => (parameters[`k${i}`] = key));
    const { rows } = await runQuery(warehouse, ledgerLookupSql(chunk.length), parameters, wait);
    for (const [key, version] of rows) seen.add(`${String(key)}\n${String(version ?? '')}`);
  }
  return seen;
}

/**
 * @example
 * const result = await loadS3Batch(route, objects, { warehouse, objectStore: new LocalFolderObjectStore('.landfall/s3'), iamRole: 'default' });
 * // { batchId: '5f…', loaded: ['firehose/product_events/…'], alreadyLoaded: [], manifestUrl: 's3://…/manifest.json' }
 */
export async function loadS3Batch(route: S3Route, objects: readonly ObjectToLoad[], deps: LoadDependencies): Promise<BatchLoadResult> {
  const unique = new Map<string, ObjectToLoad>();
  for (const o of objects) if (o.bucket === route.bucket && o.key.startsWith(route.prefix)) unique.set(`${o.key}\n${objectVersionOf(o)}`, o);
  const candidates = [...unique.values()];
  const batchId = batchIdOf(candidates);
  if (candidates.length === 0) return { batchId, sourceId: route.sourceId, loaded: [], alreadyLoaded: [] };

  await runQuery(deps.warehouse, ENSURE_LEDGER_SQL, undefined, deps.wait);
  const seen = await loadedVersions(deps.warehouse, route.bucket, [...new Set(candidates.map((o) => o.key))], deps.wait);
  const fresh = candidates.filter((o) => !seen.has(`${o.key}\n${objectVersionOf(o)}`));
  const alreadyLoaded = candidates.filter((o) => !fresh.includes(o)).map((o) => o.key);
  if (fresh.length === 0) return { batchId, sourceId: route.sourceId, loaded: [], alreadyLoaded };

  const batchKey = `${LOAD_BATCH_PREFIX}${batchId}`;
  const target = quotedRelation(route.relation);
  const ledgerRows = fresh.map((o) =>
    JSON.stringify({ bucket: o.bucket, object_key: o.key, object_version: objectVersionOf(o), size_bytes: o.size ?? null, batch_id: batchId, target_relation: target }));
  await deps.objectStore.putObject(route.bucket, `${batchKey}/manifest.json`, manifestFor(fresh));
  await deps.objectStore.putObject(route.bucket, `${batchKey}/ledger.json`, `${ledgerRows.join('\n')}\n`);
  const manifestUrl = `s3://${route.bucket}/${batchKey}/manifest.json`;
  await runQuery(
    deps.warehouse,
    batchLoadSqls(route, { manifestUrl, ledgerUrl: `s3://${route.bucket}/${batchKey}/ledger.json`, iamRole: deps.iamRole }),
    undefined,
    { ...deps.wait, name: `landfall/load/${batchId.slice(0, 16)}` },
  );
  return { batchId, sourceId: route.sourceId, loaded: fresh.map((o) => o.key), alreadyLoaded, manifestUrl };
}
