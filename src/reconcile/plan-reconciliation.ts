/**
 * The reconciler's decision, pure: compare what each loader says it delivered with what landfall recorded, and
 * say which arrivals were missed (to start, idempotently) and which connectors have gone silent (to alert about).
 *
 * - Fivetran: a connector whose `succeeded_at` (REST API) is later than the last `sync_end` landfall received
 *   (+ tolerance) — a lost webhook. Arrival id `fivetran:<connector>@<succeeded_at>`: the same gap found again is
 *   a duplicate for the coalescer (48 h seen-set), never a second run.
 * - DMS: a task whose last full load finished (DescribeReplicationTasks `FullLoadFinishDate`) after its last arrival
 *   — a lost or never-sent event (EventBridge delivery of DMS events is best effort). Id `dms:<arn>:<finish time>`.
 * - S3: an object under a routed prefix that is neither in the load ledger nor quarantined nor skipped
 *   (Firehose error output, markers) — a lost Object Created event. Id `s3:<bucket>/<key>@<etag>`, the same as the
 *   event's, so an event and the reconciler finding one object are one arrival; the ledger loads it once anyway.
 * Anything newer than `graceMs` is left alone: its event may still be on its way.
 * Silence: a connector with a known cadence (Fivetran `sync_frequency`, a DMS route's `expected_every_minutes`)
 * whose last data is older than `silenceFactor` × cadence raises "no data from X since …" once, in the
 * reconciliation interval that crosses the threshold (stateless: no alert store, no repeat every interval).
 */
import type { LandfallEvent } from '../events/arrival';
import { DATA_ARRIVED_DETAIL_TYPE, LANDFALL_EVENT_SOURCE } from '../events/arrival';
import { dataArrivedFromS3, skippedObjectReason } from '../events/s3';
import { objectVersionOf } from '../events/s3/object-version';

export interface FivetranConnectorStatus {
  connectorId: string;
  /** ISO time of the last successful sync, from the Fivetran REST API. */
  succeededAt?: string;
  /** Minutes between syncs (`sync_frequency`). */
  syncFrequencyMinutes?: number;
  paused?: boolean;
}

export interface DmsTaskStatus {
  /** Task ARN, or a DMS Serverless replication config ARN. */
  arn: string;
  taskIdentifier?: string;
  /** ISO time the last full load finished. */
  fullLoadFinishedAt?: string;
  /** Expected minutes between full loads, from the route (`meta.landfall.dms.expected_every_minutes`). */
  expectedEveryMinutes?: number;
}

export interface ListedObject {
  bucket: string;
  key: string;
  etag?: string;
  size?: number;
  lastModified: string;
}

export interface ReconcileInput {
  now: number;
  /** Latest arrival per connector key (`fivetran:<id>`, `dms:<arn>`), from the coalescer's state. */
  lastArrivals: Record<string, string>;
  fivetran: FivetranConnectorStatus[];
  dms: DmsTaskStatus[];
  /** Objects listed under the routed prefixes. */
  objects: ListedObject[];
  /** `bucket\nkey\nversion` of every object the ledger holds or has quarantined. */
  recorded: ReadonlySet<string>;
  /** How long an arrival's own event is waited for (default 10 minutes). */
  graceMs?: number;
  /** How far a loader's time may precede landfall's record of it and still be the same delivery (default 5 minutes). */
  toleranceMs?: number;
  /** Silence threshold in cadences (default 3). */
  silenceFactor?: number;
  /** How often the reconciler runs (an alert is raised in the interval crossing the threshold; default 15 minutes). */
  intervalMs?: number;
  /** Most missed S3 objects started per reconciliation (default 500; the rest next time). */
  maxObjects?: number;
}

export interface SilentConnector {
  loader: 'fivetran' | 'dms';
  id: string;
  /** ISO time of the last data landfall knows of. */
  since: string;
  cadenceMinutes: number;
}

export interface ReconcilePlan {
  arrivals: LandfallEvent[];
  silent: SilentConnector[];
}

/** The identity the ledger and the quarantine record an object by. */
export function recordedObjectKey(object: { bucket: string; key: string; etag?: string; versionId?: string }): string {
  return `${object.bucket}\n${object.key}\n${objectVersionOf(object)}`;
}

/**
 * @example
 * planReconciliation({ now, lastArrivals: {}, fivetran: [{ connectorId: 'wetransfer_app_db', succeededAt: '…' }], dms: [], objects: [], recorded: new Set() });
 * // { arrivals: [{ detailType: 'Data Arrived', detail: { loader: 'fivetran', arrivalId: 'fivetran:wetransfer_app_db@…', … } }], silent: [] }
 */
export function planReconciliation(input: ReconcileInput): ReconcilePlan {
  const grace = input.graceMs ?? 10 * 60_000;
  const tolerance = input.toleranceMs ?? 5 * 60_000;
  const factor = input.silenceFactor ?? 3;
  const interval = input.intervalMs ?? 15 * 60_000;
  const arrivals: LandfallEvent[] = [];
  const silent: SilentConnector[] = [];
  const settled = (at: string) => input.now - Date.parse(at) >= grace;
  const missed = (loaderAt: string | undefined, key: string) => {
    if (loaderAt === undefined || Number.isNaN(Date.parse(loaderAt)) || !settled(loaderAt)) return false;
    const last = input.lastArrivals[key];
    return last === undefined || Date.parse(loaderAt) - Date.parse(last) > tolerance;
  };
  const silence = (loader: 'fivetran' | 'dms', id: string, lastAt: string | undefined, cadenceMinutes: number | undefined) => {
    if (lastAt === undefined || !cadenceMinutes || cadenceMinutes <= 0) return;
    const threshold = Date.parse(lastAt) + factor * cadenceMinutes * 60_000;
    if (input.now > threshold && input.now - threshold <= interval) silent.push({ loader, id, since: lastAt, cadenceMinutes });
  };
  const latest = (...times: (string | undefined)[]) => times.filter((t): t is string => t !== undefined && !Number.isNaN(Date.parse(t))).sort((a, b) => Date.parse(b) - Date.parse(a))[0];

  for (const connector of input.fivetran) {
    const key = `fivetran:${connector.connectorId}`;
    if (missed(connector.succeededAt, key)) {
      arrivals.push({
        source: LANDFALL_EVENT_SOURCE,
        detailType: DATA_ARRIVED_DETAIL_TYPE,
        detail: { loader: 'fivetran', arrivalId: `fivetran:${connector.connectorId}@${connector.succeededAt}`, arrivedAt: connector.succeededAt!, connector: { connectorId: connector.connectorId } },
      });
    }
    if (!connector.paused) silence('fivetran', connector.connectorId, latest(connector.succeededAt, input.lastArrivals[key]), connector.syncFrequencyMinutes);
  }
  for (const task of input.dms) {
    const key = `dms:${task.arn}`;
    if (missed(task.fullLoadFinishedAt, key)) {
      arrivals.push({
        source: LANDFALL_EVENT_SOURCE,
        detailType: DATA_ARRIVED_DETAIL_TYPE,
        detail: {
          loader: 'dms', arrivalId: `dms:${task.arn}:${task.fullLoadFinishedAt}`, arrivedAt: task.fullLoadFinishedAt!,
          connector: { taskArn: task.arn, ...(task.taskIdentifier !== undefined && { taskIdentifier: task.taskIdentifier }) },
        },
      });
    }
    silence('dms', task.taskIdentifier ?? task.arn, latest(task.fullLoadFinishedAt, input.lastArrivals[key]), task.expectedEveryMinutes);
  }
  let started = 0;
  for (const object of [...input.objects].sort((a, b) => Date.parse(a.lastModified) - Date.parse(b.lastModified))) {
    if (started >= (input.maxObjects ?? 500)) break;
    if (!settled(object.lastModified) || skippedObjectReason(object.key, object.size)) continue;
    if (input.recorded.has(recordedObjectKey(object))) continue;
    arrivals.push(dataArrivedFromS3({ ...object, landedAt: new Date(Date.parse(object.lastModified)).toISOString() }));
    started++;
  }
  return { arrivals, silent };
}
