import { FivetranPayloadError } from '../errors';
import type { FivetranWebhook } from './webhook';

/** The status Fivetran reports on a sync that loaded data. */
export const FIVETRAN_SUCCESS_STATUS = 'SUCCESSFUL';
/**
 * `sync_end` statuses that are neither data landed nor a failure. `RESCHEDULED`: Fivetran postponed the sync (an API
 * quota, a source asking to come back later) and will run it again by itself — its next `sync_end` (or the
 * reconciler, from `succeeded_at`) reports the data. The `sync_end` statuses Fivetran's Platform Connector log records
 * (every sync ends with one since December 2021): SUCCESSFUL, FAILURE, FAILURE_WITH_TASK, RESCHEDULED
 * (https://fivetran.com/docs/logs; the webhook's `data.status` uses the same words,
 * https://fivetran.com/docs/rest-api/webhooks). Every other status, known or not, is treated as a failure:
 * an alert nobody needed is cheaper than a failure nobody saw.
 */
export const FIVETRAN_NOT_FAILED_STATUSES: readonly string[] = ['RESCHEDULED'];

/** A sync finished and landed data. */
export interface FivetranArrival {
  kind: 'arrival';
  connectorId: string;
  groupId?: string;
  /** Absent on Fivetran's test deliveries of sync_end (dedupe on connector + `created` then). */
  syncId?: string;
  /** When Fivetran reported the sync's end (the webhook's `created`). */
  syncedAt: string;
  connectorName?: string;
}

/** A sync ended with a status other than `SUCCESSFUL`. */
export interface FivetranFailure {
  kind: 'failure';
  connectorId: string;
  groupId?: string;
  syncId?: string;
  status: string;
  reason?: string;
  taskType?: string;
  connectorName?: string;
  /** When Fivetran reported the sync's end (the webhook's `created`). */
  failedAt: string;
}

/**
 * A webhook landfall acknowledges (2xx) and does nothing with: test payloads, sync starts, account-level events
 * (`dbt_run_*`, connector changes…), rescheduled syncs. `eventType` is Fivetran's `event`, for the count of ignored
 * deliveries (never refused: Fivetran disables a webhook that keeps failing, and that would stop the sync_end deliveries too).
 */
export interface FivetranIgnored {
  kind: 'ignored';
  eventType: string;
  reason: string;
}

export type FivetranClassification = FivetranArrival | FivetranFailure | FivetranIgnored;

/**
 * Decides what a Fivetran webhook means for landfall: `sync_end` with `SUCCESSFUL` is an arrival, `sync_end`
 * with any other status a failure, and everything else (including `test_event`) is ignored.
 *
 * @throws FivetranPayloadError if a `sync_end` lacks `connector_id` or `data.status` (which
 * {@link parseFivetranWebhook} already refuses).
 * @example
 * classifyFivetranEvent(parseFivetranWebhook(body));
 * // { kind: 'arrival', connectorId: 'wetransfer_app_db', groupId: 'landfall_warehouse', syncId: '…', syncedAt: '…' }
 */
export function classifyFivetranEvent(payload: FivetranWebhook): FivetranClassification {
  const eventType = payload.event;
  if (eventType === 'test_event') {
    return { kind: 'ignored', eventType, reason: 'test_event: Fivetran checking that the endpoint answers' };
  }
  if (eventType !== 'sync_end') {
    return { kind: 'ignored', eventType, reason: `${eventType}: only sync_end events report landed data` };
  }
  const groupId = payload.destination_group_id ?? payload.group_id;
  const syncId = payload.sync_id;
  const status = payload.data?.status;
  const connectorId = payload.connector_id;
  if (connectorId === undefined || status === undefined) {
    throw new FivetranPayloadError('shape', 'a sync_end event needs connector_id and data.status');
  }
  const connectorName = payload.connector_name;
  const ids = { connectorId, ...(groupId !== undefined && { groupId }), ...(syncId !== undefined && { syncId }) };
  if (status === FIVETRAN_SUCCESS_STATUS) {
    return { kind: 'arrival', ...ids, syncedAt: payload.created, ...(connectorName !== undefined && { connectorName }) };
  }
  if (FIVETRAN_NOT_FAILED_STATUSES.includes(status)) {
    return { kind: 'ignored', eventType, reason: `sync_end ${status}: Fivetran runs the sync again; nothing landed and nothing failed` };
  }
  const { reason, taskType } = payload.data ?? {};
  return {
    kind: 'failure',
    ...ids,
    status,
    failedAt: payload.created,
    ...(reason !== undefined && { reason }),
    ...(taskType !== undefined && { taskType }),
    ...(connectorName !== undefined && { connectorName }),
  };
}
