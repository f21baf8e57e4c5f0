/**
 * Puts one normalized landfall event (`Data Arrived` / `Loader Failed`) on the landfall bus, checking
 * the partial-failure answer PutEvents gives instead of an error.
 */
import { PutEventsCommand, type EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { busContractIssues, toPutEventsEntry, type LandfallEvent } from '../events/arrival';
import { EventsError } from '../events/errors';

/** The event would fail the bus's own schema at its targets: deterministic, so the caller's DLQ takes the input. */
export class BusContractError extends EventsError {
  constructor(readonly issues: readonly string[]) {
    super(`the event would not pass the bus's schema: ${issues.join('; ')}`);
    this.name = 'BusContractError';
  }
}

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
 * @throws BusContractError when the event would fail the schema its targets parse with (never put: no silent drop downstream)
 * @throws EventBusRefusedError when the entry was not accepted
 * @example
 * const eventId = await putLandfallEvent(event, { eventBridge: new EventBridgeClient({}), eventBusName: 'landfall-prod' });
 */
export async function putLandfallEvent(event: LandfallEvent, target: EventBusTarget): Promise<string> {
  const issues = busContractIssues(event);
  if (issues.length > 0) throw new BusContractError(issues);
  const result = await target.eventBridge.send(new PutEventsCommand({ Entries: [toPutEventsEntry(event, target.eventBusName)] }));
  const entry = result.Entries?.[0];
  if (!entry?.EventId || (result.FailedEntryCount ?? 0) > 0) {
    throw new EventBusRefusedError(entry?.ErrorCode ?? 'Unknown', `the event bus refused the ${event.detailType} event: ${entry?.ErrorMessage ?? 'no reason given'}`);
  }
  return entry.EventId;
}
