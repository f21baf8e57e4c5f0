import { FivetranPayloadError } from '../errors';
import type { FivetranWebhook } from './webhook';

/** The status Fivetran reports on a sync that loaded data. Every other status is a failure. */
export const FIVETRAN_SUCCESS_STATUS = 'SUCCESSFUL';

/** A sync finished and landed data. */
export interface FivetranArrival {
  kind: 'arrival';
  connectorId: string;
  groupId: string;
  syncId: string;
  /** When Fivetran reported the sync's end (the webhook's `created`). */
  syncedAt: string;
  connectorName?: string;
}

/** A sync ended with a status other than `SUCCESSFUL`. */
export interface FivetranFailure {
  kind: 'failure';
  connectorId: string;
  groupId: string;
  syncId: string;
  status: string;
  reason?: string;
  taskType?: string;
  connectorName?: string;
  /** When Fivetran reported the sync's end (the webhook's `created`). */
  failedAt: string;
}

/** A webhook landfall acknowledges and does nothing with (test payloads, sync starts, connector changes…). */
export interface FivetranIgnored {
  kind: 'ignored';
  reason: string;
}

export type FivetranClassification = FivetranArrival | FivetranFailure | FivetranIgnored;

/**
 * Decides what a Fivetran webhook means for landfall: `sync_end` with `SUCCESSFUL` is an arrival, `sync_end`
 * with any other status a failure, and everything else (including `test_event`) is ignored.
 *
 * @throws FivetranPayloadError if a `sync_end` lacks `sync_id`, a group id or `data.status` (which
 * {@link parseFivetranWebhook} already refuses).
 * @example
 * classifyFivetranEvent(parseFivetranWebhook(body));
 * // { kind: 'arrival', connectorId: 'wetransfer_app_db', groupId: 'landfall_warehouse', syncId: '…', syncedAt: '…' }
 */
export function classifyFivetranEvent(payload: FivetranWebhook): FivetranClassification {
  if (payload.event === 'test_event') {
    return { kind: 'ignored', reason: 'test_event: Fivetran checking that the endpoint answers' };
  }
  if (payload.event !== 'sync_end') {
    return { kind: 'ignored', reason: `${payload.event}: only sync_end events report landed data` };
  }
  const groupId = payload.destination_group_id ?? payload.group_id;
  const syncId = payload.sync_id;
  const status = payload.data?.status;
  if (groupId === undefined || syncId === undefined || status === undefined) {
    throw new FivetranPayloadError('shape', 'a sync_end event needs sync_id, destination_group_id (or group_id) and data.status');
  }
  const connectorName = payload.connector_name;
  if (status === FIVETRAN_SUCCESS_STATUS) {
    return {
      kind: 'arrival',
      connectorId: payload.connector_id,
      groupId,
      syncId,
      syncedAt: payload.created,
      ...(connectorName !== undefined && { connectorName }),
    };
  }
  const { reason, taskType } = payload.data ?? {};
  return {
    kind: 'failure',
    connectorId: payload.connector_id,
    groupId,
    syncId,
    status,
    failedAt: payload.created,
    ...(reason !== undefined && { reason }),
    ...(taskType !== undefined && { taskType }),
    ...(connectorName !== undefined && { connectorName }),
  };
}
