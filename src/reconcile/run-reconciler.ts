/**
 * One reconciliation: gather what the loaders say (Fivetran REST API when a key is configured, DMS, S3 listings) and
 * what landfall recorded (the coalescer's last arrival per connector, the load ledger and its quarantine), plan
 * (plan-reconciliation.ts), then put each missed arrival on the landfall bus as a `Data Arrived` event — the rules,
 * the coalescer's dedupe and the ledger make that idempotent — and raise one "no data from X since …" alert per
 * newly silent connector. Ports only: the AWS wiring is in functions/reconcile-arrivals.ts, the local one in serve.
 */
import type { Manifest } from '../engine';
import type { LandfallEvent } from '../events/arrival';
import type { Warehouse } from '../engine/warehouse/warehouse';
import { runQuery } from '../engine/warehouse/run-query';
import { planReconciliation, type DmsTaskStatus, type FivetranConnectorStatus, type ListedObject, type SilentConnector } from './plan-reconciliation';
import { reconcileRoutesOf, type DmsRouteRef } from './reconcile-routes';
import type { S3Route } from '../ingest/s3-routes';

export interface ReconcilerPorts {
  lastArrivals(): Promise<Record<string, string>>;
  /** Absent when no Fivetran API key is configured: Fivetran is then not reconciled (said in the outcome). */
  fivetranStatus?(connectorId: string): Promise<FivetranConnectorStatus>;
  dmsStatuses?(routes: readonly DmsRouteRef[]): Promise<DmsTaskStatus[]>;
  listObjects?(routes: readonly S3Route[], now: number): Promise<ListedObject[]>;
  /** `bucket\nkey\nversion` of objects the ledger holds or quarantined. */
  recordedObjects?(): Promise<Set<string>>;
  putArrival(event: LandfallEvent): Promise<void>;
  alertSilent(silent: SilentConnector[]): Promise<void>;
}

export interface ReconcileOutcome {
  started: string[];
  silent: SilentConnector[];
  /** Loaders not checked, and why (no API key, a lookup that failed). */
  notChecked: string[];
}

/** The ledger's and the quarantine's objects (none when the ledger does not exist yet: nothing was ever loaded). */
export async function recordedObjectsIn(warehouse: Warehouse): Promise<Set<string>> {
  try {
    const { rows } = await runQuery(warehouse, 'SELECT bucket, object_key, object_version FROM landfall.load_ledger UNION ALL SELECT bucket, object_key, object_version FROM landfall.load_quarantine');
    return new Set(rows.map(([bucket, key, version]) => `${String(bucket)}\n${String(key)}\n${String(version ?? '')}`));
  } catch (error) {
    if (/does not exist/.test((error as Error).message)) return new Set();
    throw error;
  }
}

/**
 * @example
 * await reconcileOnce(manifest, ports, Date.now()); // { started: ['fivetran:wetransfer_app_db@2026-12-05T06:00:12Z'], silent: [], notChecked: [] }
 */
export async function reconcileOnce(manifest: Manifest, ports: ReconcilerPorts, now: number, options: { graceMs?: number; intervalMs?: number } = {}): Promise<ReconcileOutcome> {
  const routes = reconcileRoutesOf(manifest);
  const notChecked: string[] = [];
  const attempt = async <T>(what: string, work: () => Promise<T>, fallback: T): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      notChecked.push(`${what}: ${(error as Error).message}`);
      return fallback;
    }
  };
  const fivetran: FivetranConnectorStatus[] = [];
  if (routes.fivetranConnectorIds.length > 0 && !ports.fivetranStatus) notChecked.push('fivetran: no API key configured (FIVETRAN_API_KEY / FIVETRAN_API_SECRET)');
  for (const id of ports.fivetranStatus ? routes.fivetranConnectorIds : []) {
    const status = await attempt(`fivetran ${id}`, () => ports.fivetranStatus!(id), undefined);
    if (status) fivetran.push(status);
  }
  const dms = routes.dms.length && ports.dmsStatuses ? await attempt('dms', () => ports.dmsStatuses!(routes.dms), []) : [];
  const objects = routes.s3.length && ports.listObjects ? await attempt('s3', () => ports.listObjects!(routes.s3, now), []) : [];
  const recorded = objects.length && ports.recordedObjects ? await ports.recordedObjects() : new Set<string>();
  const plan = planReconciliation({ now, lastArrivals: await ports.lastArrivals(), fivetran, dms, objects, recorded, ...options });
  for (const event of plan.arrivals) await ports.putArrival(event);
  if (plan.silent.length > 0) await ports.alertSilent(plan.silent);
  return { started: plan.arrivals.map((e) => ('arrivalId' in e.detail ? e.detail.arrivalId : '')), silent: plan.silent, notChecked };
}
