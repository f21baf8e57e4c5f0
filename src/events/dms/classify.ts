/**
 * What a DMS event means for landfall. A replication task that stops after its full load is an
 * arrival for the task's tables; a failed task (provisioned `REPLICATION_TASK_FAILED`, Serverless
 * `REPLICATION_FAILED`) is a loader failure; everything else (started, created, a manual stop…) is ignored.
 */
import { DATA_ARRIVED_DETAIL_TYPE, LANDFALL_EVENT_SOURCE, LOADER_FAILED_DETAIL_TYPE, type LandfallEvent } from '../arrival';
import { DMS_REPLICATION_STATE_CHANGE, DMS_TASK_STATE_CHANGE, type DmsEvent } from './dms-event';

/** DMS event ids (`eventId`, or `eventName` in the documented shape) landfall acts on. */
export const DMS_EVENT_IDS = { taskStopped: 'DMS-EVENT-0079', taskFailed: 'DMS-EVENT-0078' } as const;

/**
 * `Stop Reason …` words in `detailMessage` that mean the full load finished (the data is in the warehouse), from the
 * `StopReason` of DescribeReplicationTasks / DescribeReplications
 * (https://docs.aws.amazon.com/dms/latest/APIReference/API_ReplicationTask.html):
 * - `FULL_LOAD_ONLY_FINISHED` — a full-load task completed (cached changes applied if `StopTaskCachedChangesApplied`);
 * - `STOPPED_AFTER_FULL_LOAD` — full load completed, cached changes not applied (`StopTaskCachedChangesNotApplied`);
 * - `STOPPED_AFTER_CACHED_EVENTS` — full load completed and cached changes applied (`StopTaskCachedChangesApplied`).
 * The others (`NORMAL`, errors, `STOPPED_AT_SERVER_TIME`/`COMMIT_TIME`, `STOPPED_AFTER_DDL_APPLY`, low memory/disk,
 * `RECONFIGURATION_RESTART`, `RECYCLE_TASK`, `EXPRESS_LICENSE_LIMITS_REACHED`) say nothing about a completed load.
 */
export const FULL_LOAD_STOP_REASONS = ['FULL_LOAD_ONLY_FINISHED', 'STOPPED_AFTER_FULL_LOAD', 'STOPPED_AFTER_CACHED_EVENTS'] as const;
/** DMS Serverless replication-config event types on `DMS Replication State Change` that mean the replication stopped. */
export const SERVERLESS_STOPPED_EVENT_TYPES = ['REPLICATION_STOPPED'] as const;

export type DmsClassification =
  | { kind: 'arrival'; taskArn: string; eventId: string; arrivedAt: string; stopReason?: string }
  | { kind: 'failure'; taskArn: string; eventId?: string; status: string; reason?: string; failedAt: string }
  | { kind: 'ignored'; reason: string };

function isFullLoadStop(stopReason: string | undefined): boolean {
  return stopReason !== undefined && (FULL_LOAD_STOP_REASONS as readonly string[]).includes(stopReason);
}

function stopReasonOf(message: string | undefined): string | undefined {
  return message?.match(/Stop Reason ([A-Z_]+)/)?.[1];
}

/**
 * @example
 * classifyDmsEvent(parseDmsEvent(stoppedAfterFullLoad));
 * // { kind: 'arrival', taskArn: 'arn:aws:dms:…:task:…', eventId: 'DMS-EVENT-0079', arrivedAt: '…', stopReason: 'FULL_LOAD_ONLY_FINISHED' }
 */
export function classifyDmsEvent(event: DmsEvent): DmsClassification {
  const { detail } = event;
  const taskArn = event.resources[0];
  const eventId = detail.eventId ?? detail.eventName;
  const eventType = detail.eventType;
  const stopReason = stopReasonOf(detail.detailMessage);

  if (event['detail-type'] === DMS_REPLICATION_STATE_CHANGE) {
    if (eventType === 'REPLICATION_FAILED') {
      return { kind: 'failure', taskArn, eventId, status: eventType, reason: detail.detailMessage, failedAt: event.time };
    }
    // A Serverless full-load replication that stopped after its load: an arrival for the replication config (resources[0]).
    // Unlike a provisioned task, a stop without a full-load reason is not counted: the config stream also reports stops
    // for deprovisioning and user stops, and the reconciler checks FullLoadFinishDate (DescribeReplications) anyway.
    if ((SERVERLESS_STOPPED_EVENT_TYPES as readonly string[]).includes(eventType ?? '') && isFullLoadStop(stopReason)) {
      return { kind: 'arrival', taskArn, eventId: eventId ?? eventType!, arrivedAt: event.time, stopReason: stopReason! };
    }
    return { kind: 'ignored', reason: `DMS Serverless ${eventType ?? 'event'}${stopReason ? ` (Stop Reason ${stopReason})` : ''} is neither a finished full load nor a failure` };
  }
  if (event['detail-type'] !== DMS_TASK_STATE_CHANGE) {
    return { kind: 'ignored', reason: `'${event['detail-type']}' is not a replication task event` };
  }
  if (eventType === 'REPLICATION_TASK_FAILED' || eventId === DMS_EVENT_IDS.taskFailed) {
    return { kind: 'failure', taskArn, eventId, status: 'REPLICATION_TASK_FAILED', reason: detail.detailMessage, failedAt: event.time };
  }
  const stopped = eventType === 'REPLICATION_TASK_STOPPED' || eventId === DMS_EVENT_IDS.taskStopped;
  if (!stopped) return { kind: 'ignored', reason: `DMS task event ${eventType ?? eventId ?? '(no id)'} does not land data` };
  // A stop without a reason in the message is counted as an arrival: one extra build is cheaper than a stale table.
  if (stopReason !== undefined && !isFullLoadStop(stopReason)) {
    return { kind: 'ignored', reason: `task stopped with Stop Reason ${stopReason}, not after a full load` };
  }
  return { kind: 'arrival', taskArn, eventId: eventId ?? DMS_EVENT_IDS.taskStopped, arrivedAt: event.time, ...(stopReason && { stopReason }) };
}

/**
 * The landfall event for a classified DMS event, or `undefined` when it is ignored. The dedupe key is
 * `dms:<task arn>:<event time>`: EventBridge re-deliveries of one stop share it, a later run of the task does not.
 *
 * @example
 * landfallEventFromDms(classifyDmsEvent(parseDmsEvent(input)));
 * // { source: 'landfall', detailType: 'Data Arrived', detail: { loader: 'dms', arrivalId: 'dms:arn:…:2026-11-27T02:58:34Z', … } }
 */
export function landfallEventFromDms(classification: DmsClassification): LandfallEvent | undefined {
  switch (classification.kind) {
    case 'arrival':
      return {
        source: LANDFALL_EVENT_SOURCE,
        detailType: DATA_ARRIVED_DETAIL_TYPE,
        detail: {
          loader: 'dms',
          arrivalId: `dms:${classification.taskArn}:${classification.arrivedAt}`,
          arrivedAt: classification.arrivedAt,
          connector: { taskArn: classification.taskArn, eventId: classification.eventId },
        },
      };
    case 'failure':
      return {
        source: LANDFALL_EVENT_SOURCE,
        detailType: LOADER_FAILED_DETAIL_TYPE,
        detail: {
          loader: 'dms',
          failureId: `dms:${classification.taskArn}:${classification.failedAt}`,
          failedAt: classification.failedAt,
          connector: { taskArn: classification.taskArn, ...(classification.eventId !== undefined && { eventId: classification.eventId }) },
          status: classification.status,
          ...(classification.reason !== undefined && { reason: classification.reason }),
        },
      };
    case 'ignored':
      return undefined;
  }
}
