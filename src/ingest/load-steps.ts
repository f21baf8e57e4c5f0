/**
 * The steps of a load node (engine/run/load-node.ts): what the run submits, through the same submit → Wait →
 * poll loop as models, to COPY a batch of landed objects into their source table exactly once.
 *
 *   step 0  write `candidates.json` (a ledger row per object), then one transaction: ensure the ledger, put the
 *           candidates in `landfall.load_candidates`, SELECT those the ledger already holds.
 *   step 1  with those rows: nothing new → done. Otherwise write `manifest.json` and `ledger.json` for exactly
 *           the new objects, then one transaction: `LOCK` the ledger, COPY the ledger rows, COPY the data
 *           (both or neither), forget the candidates.
 *
 * Files live under `landfall/load-batches/<batch id>/` in the route's bucket, outside every routed prefix (the
 * S3 rule ignores `landfall/`). The batch id hashes the objects, so a retried step writes the same files and
 * submits with the same client token. Two runs never load one source at once: the load node holds the run lock
 * `load:<source id>` (run-locks.ts), which makes the lookup of step 0 still true when step 1 commits.
 * When step 1 fails, `recover` loads the objects one at a time and sets a poison object aside (quarantine-steps.ts).
 */
import { createHash } from 'node:crypto';
import type { Manifest } from '../engine';
import type { LoadNodeState, LoadObject, LoadRequest, LoadStepRunner, QuarantinedObject } from '../engine/run/load-node';
import type { RunNode, RunState } from '../engine';
import { objectVersionOf } from '../events/s3/object-version';
import type { ResultSet } from '../engine/warehouse/warehouse';
import { batchLoadSqls, forgetCandidatesSql, leaveQuarantineSql, lookupStepSqls, quotedRelation } from './copy-statements';
import type { ObjectStore } from './object-store';
import { diagnoseObject, quarantinedObject, quarantineStep, type IsolatingLoad } from './quarantine-steps';
import { s3RouteForObject, s3RoutesOf, type S3Route } from './s3-routes';

/** Where batch files are written in the route's bucket. */
export const LOAD_BATCH_PREFIX = 'landfall/load-batches/';

/** Deterministic id of a batch: sha256 of its sorted object identities. */
export function batchIdOf(objects: readonly LoadObject[]): string {
  const identities = objects.map((o) => `${o.bucket}\n${o.key}\n${objectVersionOf(o)}`).sort();
  return createHash('sha256').update(identities.join('\n\n')).digest('hex');
}

/** The Redshift manifest listing exactly `objects`, each mandatory. */
export function manifestFor(objects: readonly LoadObject[]): string {
  return JSON.stringify({
    entries: objects.map((o) => ({ url: `s3://${o.bucket}/${o.key}`, mandatory: true, ...(o.size !== undefined && { meta: { content_length: o.size } }) })),
  });
}

/**
 * The loads a run makes: its objects grouped by route (objects no route claims are ignored, as the router does).
 *
 * @example
 * loadRequestsFor(manifest, [{ bucket: 'landfall-landing', key: 'firehose/product_events/2026/12/05/x.gz', etag: 'e1' }])
 * // [{ sourceId: 'source.landfall_demo.events.product_events', objects: [{ … }] }]
 */
export function loadRequestsFor(manifest: Manifest, objects: readonly LoadObject[]): LoadRequest[] {
  const routes = s3RoutesOf(manifest);
  const bySource = new Map<string, LoadObject[]>();
  for (const object of objects) {
    const route = s3RouteForObject(routes, object.bucket, object.key);
    if (route) bySource.set(route.sourceId, [...(bySource.get(route.sourceId) ?? []), object]);
  }
  return [...bySource].map(([sourceId, list]) => ({ sourceId, objects: list }));
}

export interface LoadStepOptions {
  manifest: Manifest;
  objectStore: ObjectStore;
  /** IAM role Redshift assumes to read the bucket (`default`: the cluster's or workgroup's default role). */
  iamRole: string;
  /** Told once per load node that set objects aside (the alert: bucket, key, line, error, how to retry). */
  onQuarantined?: (quarantined: QuarantinedObject[], route: S3Route) => Promise<void>;
}

/**
 * @example
 * const runner = new S3LoadSteps({ manifest, objectStore: new S3ObjectStore(), iamRole: 'default' });
 * await advanceRun(state, { manifest, dialect, warehouse, loads: runner });
 */
export class S3LoadSteps implements LoadStepRunner {
  constructor(private readonly options: LoadStepOptions) {}

  async statements(node: RunNode & { load: LoadNodeState }, _state: RunState, step: number, previous?: ResultSet): Promise<string[] | null> {
    const batch = this.batchOf(node);
    const { route, objects, batchId, folder, url, ledgerRows } = batch;
    const load = node.load as IsolatingLoad;
    if (load.isolating) return this.nextIsolationStep(node, batch);

    if (step === 0) {
      if (objects.length === 0) return done(node, 0, 0);
      await this.options.objectStore.putObject(route.bucket, `${folder}/candidates.json`, ledgerRows(objects));
      return lookupStepSqls({ batchId, candidatesUrl: url('candidates.json'), iamRole: this.options.iamRole });
    }
    if (step === 1) {
      const seen = new Set((previous?.rows ?? []).map(([key, version]) => `${String(key)}\n${String(version ?? '')}`));
      const fresh = objects.filter((o) => !seen.has(`${o.key}\n${objectVersionOf(o)}`));
      // The new objects are kept only when some were skipped: recover() needs them if this COPY fails.
      node.load = { ...node.load, loaded: fresh.length, alreadyLoaded: objects.length - fresh.length, ...(fresh.length < objects.length && { fresh }) } as LoadNodeState;
      if (fresh.length === 0) return [forgetCandidatesSql(batchId)];
      return this.loadStep(batch, fresh, '');
    }
    return null;
  }

  /**
   * A step failed. The batch COPY (step 1): load its objects one by one (a lone object is quarantined at once).
   * One object's COPY: set it aside. Anything else (the lookup, a quarantine write): the node fails.
   */
  async recover(node: RunNode & { load: LoadNodeState }, _state: RunState, step: number, error: string): Promise<string[] | null> {
    const batch = this.batchOf(node);
    const load = node.load as IsolatingLoad & { fresh?: LoadObject[] };
    const isolating = load.isolating;
    if (!isolating) {
      if (step !== 1) return null;
      const fresh = load.fresh ?? batch.objects;
      load.isolating = { objects: fresh, next: 0, loaded: 0 };
      if (fresh.length === 1) return this.quarantine(node, batch, error);
      return this.loadStep(batch, [fresh[0]!], 'objects/0/');
    }
    if (isolating.quarantining || isolating.finishing) return null;
    return this.quarantine(node, batch, error);
  }

  /** The step after an isolation step finished: the next object, or the end of the node. */
  private async nextIsolationStep(node: RunNode & { load: LoadNodeState }, batch: Batch): Promise<string[] | null> {
    const load = node.load as IsolatingLoad;
    const isolating = load.isolating!;
    if (isolating.finishing) {
      node.load = { ...load, loaded: isolating.loaded };
      if (load.quarantined?.length) await this.options.onQuarantined?.(load.quarantined, batch.route);
      return null;
    }
    if (!isolating.quarantining) isolating.loaded += 1;
    isolating.quarantining = false;
    isolating.next += 1;
    if (isolating.next < isolating.objects.length) {
      return this.loadStep(batch, [isolating.objects[isolating.next]!], `objects/${isolating.next}/`);
    }
    isolating.finishing = true;
    return [forgetCandidatesSql(batch.batchId)];
  }

  private async quarantine(node: RunNode & { load: LoadNodeState }, batch: Batch, error: string): Promise<string[]> {
    const load = node.load as IsolatingLoad;
    const isolating = load.isolating!;
    const object = isolating.objects[isolating.next]!;
    const entry = quarantinedObject(object, error, await diagnoseObject(this.options.objectStore, batch.route, object));
    load.quarantined = [...(load.quarantined ?? []).filter((q) => q.key !== object.key), entry];
    isolating.quarantining = true;
    return quarantineStep(this.options.objectStore, batch.route, batch.batchId, batch.folder, isolating.next, entry, this.options.iamRole);
  }

  /** One transaction loading `list`: manifest and ledger files under `<batch>/<sub>`, ledger + data COPY, leave quarantine. */
  private async loadStep(batch: Batch, list: LoadObject[], sub: string): Promise<string[]> {
    const { route, folder, batchId, url, ledgerRows } = batch;
    await this.options.objectStore.putObject(route.bucket, `${folder}/${sub}manifest.json`, manifestFor(list));
    await this.options.objectStore.putObject(route.bucket, `${folder}/${sub}ledger.json`, ledgerRows(list));
    return [
      ...batchLoadSqls(route, { manifestUrl: url(`${sub}manifest.json`), ledgerUrl: url(`${sub}ledger.json`), iamRole: this.options.iamRole }),
      leaveQuarantineSql(batchId),
      ...(sub === '' ? [forgetCandidatesSql(batchId)] : []),
    ];
  }

  private batchOf(node: RunNode & { load: LoadNodeState }): Batch {
    const route = this.routeOf(node.load.sourceId);
    const objects = uniqueObjectsOf(route, node.load.objects);
    const batchId = batchIdOf(objects);
    const folder = `${LOAD_BATCH_PREFIX}${batchId}`;
    return {
      route, objects, batchId, folder,
      url: (file: string) => `s3://${route.bucket}/${folder}/${file}`,
      ledgerRows: (list: LoadObject[]) => `${list.map((o) => JSON.stringify({
        bucket: o.bucket, object_key: o.key, object_version: objectVersionOf(o), size_bytes: o.size ?? null, batch_id: batchId, target_relation: quotedRelation(route.relation),
      })).join('\n')}\n`,
    };
  }

  private routeOf(sourceId: string): S3Route {
    const route = s3RoutesOf(this.options.manifest).find((r) => r.sourceId === sourceId);
    if (!route) throw new Error(`${sourceId} has no meta.landfall.s3 route in the compiled project: nothing to load it from`);
    return route;
  }
}

interface Batch {
  route: S3Route;
  objects: LoadObject[];
  batchId: string;
  folder: string;
  url: (file: string) => string;
  ledgerRows: (list: LoadObject[]) => string;
}

/** The route's objects, one per key and version (an event delivered twice is one object). */
function uniqueObjectsOf(route: S3Route, objects: readonly LoadObject[]): LoadObject[] {
  const unique = new Map<string, LoadObject>();
  for (const o of objects) if (o.bucket === route.bucket && o.key.startsWith(route.prefix)) unique.set(`${o.key}\n${objectVersionOf(o)}`, o);
  return [...unique.values()].sort((a, b) => a.key.localeCompare(b.key));
}

function done(node: RunNode & { load: LoadNodeState }, loaded: number, alreadyLoaded: number): null {
  node.load = { ...node.load, loaded, alreadyLoaded };
  return null;
}
