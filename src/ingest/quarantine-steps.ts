/**
 * Poison objects: when a batch's COPY fails, the load node loads its objects one at a time; an object whose own
 * COPY fails is set aside in the ledger's quarantine (`landfall.load_quarantine`: bucket, key, version, error, line,
 * column) and the node goes on, so the good objects load, the models downstream run on what loaded, and nothing is
 * retried forever. Each step is one transaction (Data API BatchExecuteStatement) submitted through the same
 * submit → poll loop as every step; files live under the batch's folder, one sub-folder per object:
 *
 *   batch COPY fails ─→ object 0: LOCK ledger, COPY ledger row, COPY data, leave quarantine ─ ok ─→ object 1 …
 *                                  └─ fails ─→ quarantine row (COPY from quarantine.json) ─→ object 1 …
 *   after the last object: forget the batch's candidates; the node succeeds with `quarantined` listing the set-aside.
 *
 * A lone object whose batch COPY failed is quarantined at once (its own COPY is the batch's).
 */
import { gunzipSync } from 'node:zlib';
import type { LoadNodeState, LoadObject, QuarantinedObject } from '../engine/run/load-node';
import { objectVersionOf } from '../events/s3/object-version';
import { quarantineSqls, quotedRelation } from './copy-statements';
import { locateBadCsvRecord, locateBadJsonRecord, type BadRecord } from './locate-bad-record';
import type { ObjectStore } from './object-store';
import type { S3Route } from './s3-routes';

/** How much of a quarantined object is read to place its bad record (ranged GetObject). */
export const DIAGNOSE_MAX_BYTES = 8 * 1024 * 1024;
/** The quarantine's error_message is varchar(4096) bytes; 1,000 characters fit whatever the script. */
const MAX_ERROR_CHARS = 1000;

/** What the runner keeps in the node's state between isolation steps. */
export interface IsolationState {
  objects: LoadObject[];
  next: number;
  loaded: number;
  /** The step in flight writes the quarantine row of `objects[next]`. */
  quarantining?: boolean;
  /** The step in flight forgets the batch's candidates: the node ends when it finishes. */
  finishing?: boolean;
}

export type IsolatingLoad = LoadNodeState & { isolating?: IsolationState };

/**
 * The line, column and problem of the first bad record of an object, read back through the object store; undefined
 * when it cannot be placed (object gone, too big to hold the problem in its first 8 MiB, the problem is a type the
 * text does not show — the warehouse's error then says it alone).
 */
export async function diagnoseObject(store: ObjectStore, route: S3Route, object: LoadObject): Promise<BadRecord | undefined> {
  if (!store.getObjectStart) return undefined;
  const bytes = await store.getObjectStart(object.bucket, object.key, DIAGNOSE_MAX_BYTES);
  if (!bytes) return undefined;
  let text: string;
  try {
    text = (route.gzip ? gunzipSync(bytes, { finishFlush: 2 /* Z_SYNC_FLUSH: a truncated gzip still yields its start */ }) : bytes).toString('utf8');
  } catch {
    return { line: 1, column: 1, problem: 'not a gzip file (the route declares compression: gzip)' };
  }
  return route.format === 'json' ? locateBadJsonRecord(text) : locateBadCsvRecord(text, route.delimiter ?? ',', route.ignoreHeader);
}

/** The quarantine entry of an object whose COPY failed with `error` (its line from the error text when the object gave none). */
export function quarantinedObject(object: LoadObject, error: string, located: BadRecord | undefined): QuarantinedObject {
  const lineInError = /\bline (\d+)\b/.exec(error)?.[1];
  const bad = located ?? (lineInError ? { line: Number(lineInError), column: 1, problem: 'as the warehouse reported' } : undefined);
  const text = bad ? `${error.trim()} (landfall: line ${bad.line}, column ${bad.column}: ${bad.problem})` : error.trim();
  return { ...object, error: text.length > MAX_ERROR_CHARS ? `${text.slice(0, MAX_ERROR_CHARS - 1)}…` : text, ...(bad && { line: bad.line, column: bad.column }) };
}

/**
 * Writes the quarantine file of one object and returns the step that records it.
 *
 * @example
 * await quarantineStep(store, route, batchId, folder, 2, entry, 'default');
 */
export async function quarantineStep(
  store: ObjectStore, route: S3Route, batchId: string, folder: string, index: number, entry: QuarantinedObject, iamRole: string,
): Promise<string[]> {
  const row = {
    bucket: entry.bucket, object_key: entry.key, object_version: objectVersionOf(entry), size_bytes: entry.size ?? null, batch_id: batchId,
    target_relation: quotedRelation(route.relation), error_message: entry.error, line_number: entry.line ?? null, column_number: entry.column ?? null,
  };
  const key = `${folder}/objects/${index}/quarantine.json`;
  await store.putObject(route.bucket, key, `${JSON.stringify(row)}\n`);
  return quarantineSqls({ quarantineUrl: `s3://${route.bucket}/${key}`, iamRole });
}
