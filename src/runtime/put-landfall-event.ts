/**
 * Puts one normalized landfall event (`Data Arrived` / `Loader Failed`) on the landfall bus, checking
 * the partial-failure answer PutEvents gives instead of an error.
 */
import { PutEventsCommand, type EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { toPutEventsEntry, type LandfallEvent } from '../events/arrival';

/** The bus refused the entry (throttled, internal error). Transient: the caller's retry/DLQ takes it. */
export class EventBusRefusedError extends Error {
  constructor(
    readonly errorCode: string,
    message: string,
  ) {
    super(message);
    this.name = 'EventBusRefusedError';
  }
}

export interface EventBusTarget {
  eventBridge: EventBridgeClient;
  eventBusName: string;
}

/**
 * @returns the id EventBridge gave the event
 * @throws EventBusRefusedError when the entry was not accepted
 * @example
 * const eventId = await putLandfallEvent(event, { eventBridge: new EventBridgeClient({}), eventBusName: 'landfall-prod' });
 */
export async function putLandfallEvent(event: LandfallEvent, target: EventBusTarget): Promise<string> {
  const result = await target.eventBridge.send(new PutEventsCommand({ Entries: [toPutEventsEntry(event, target.eventBusName)] }));
  const entry = result.Entries?.[0];
  if (!entry?.EventId || (result.FailedEntryCount ?? 0) > 0) {
    throw new EventBusRefusedError(entry?.ErrorCode ?? 'Unknown', `the event bus refused the ${event.detailType} event: ${entry?.ErrorMessage ?? 'no reason given'}`);
  }
  return entry.EventId;
}
