/**
 * Target of the DMS rule (`events/rules/dms-task-state-change.json`, on the default bus where AWS
 * services publish): turn the DMS event into a landfall event on landfall's bus, or ignore it.
 * Which dbt sources it refreshes is decided later, by the run (source `meta.landfall.dms`).
 */
import { classifyDmsEvent, landfallEventFromDms, parseDmsEvent } from '../events/dms';
import type { DmsTaskIdentifiers } from './dms-task-identifiers';
import { putLandfallEvent, type EventBusTarget } from './put-landfall-event';

export type ForwardOutcome =
  | { status: 'forwarded'; detailType: string; eventId: string; dedupeKey: string }
  | { status: 'ignored'; reason: string };

/**
 * @throws AwsEventShapeError for an envelope that is not a DMS event (deterministic: let it reach the DLQ)
 * @example
 * await forwardDmsEvent(event, { eventBridge, eventBusName: 'landfall-prod' });
 * // { status: 'forwarded', detailType: 'Data Arrived', eventId: '…', dedupeKey: 'dms:arn:aws:dms:…:2026-11-27T02:58:34Z' }
 */
export async function forwardDmsEvent(input: unknown, target: EventBusTarget, identifiers?: DmsTaskIdentifiers): Promise<ForwardOutcome> {
  const classification = classifyDmsEvent(parseDmsEvent(input));
  const event = landfallEventFromDms(classification);
  if (!event) return { status: 'ignored', reason: classification.kind === 'ignored' ? classification.reason : 'ignored' };
  // Routing by the console's task identifier (meta.landfall.dms.task_id) needs it on the event: resolved here, cached.
  if (event.detail.loader === 'dms' && identifiers) {
    const taskIdentifier = await identifiers.identifierOf(event.detail.connector.taskArn);
    if (taskIdentifier !== undefined) event.detail.connector.taskIdentifier = taskIdentifier;
  }
  const eventId = await putLandfallEvent(event, target);
  const dedupeKey = 'arrivalId' in event.detail ? event.detail.arrivalId : event.detail.failureId;
  return { status: 'forwarded', detailType: event.detailType, eventId, dedupeKey };
}
