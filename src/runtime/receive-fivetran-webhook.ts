/**
 * The Fivetran webhook: verify the signature over the raw bytes, validate the payload, and put one
 * normalized event on the bus (`Data Arrived` for a successful sync, `Loader Failed` otherwise).
 * Nothing else happens here, so Fivetran gets its answer fast; rules on the bus do the rest.
 */
import { PutEventsCommand, type EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { busContractIssues, landfallEventFromFivetran, toPutEventsEntry } from '../events/arrival';
import { FivetranPayloadError } from '../events/errors';
import { classifyFivetranEvent, parseFivetranWebhook, verifyFivetranSignature } from '../events/fivetran';
import { webhookFieldOf } from '../events/fivetran/webhook-fields';
import type { WebhookSecret } from './fivetran-webhook-secret';
import { HttpError } from './lambda/middleware';

/** Fivetran payloads are a few hundred bytes; anything near this is not a Fivetran webhook. */
export const MAX_WEBHOOK_BYTES = 256 * 1024;

export interface WebhookRequest {
  rawBody: Buffer;
  /** Header names in lower case. */
  headers: Record<string, string | undefined>;
}

export interface WebhookDependencies {
  eventBridge: EventBridgeClient;
  eventBusName: string;
  /** Read at cold start and cached; re-read once when a signature does not match (a rotated secret). */
  secret: WebhookSecret;
}

export type WebhookOutcome =
  | { status: 'accepted'; detailType: string; eventId: string }
  /** Acknowledged, nothing started: `eventType` is Fivetran's `event` (counted by the caller: `ignoredWebhookMetricLine`). */
  | { status: 'ignored'; eventType: string; reason: string };

/**
 * One contract: the event is checked against the very schema the bus's targets parse with (`busContractIssues`)
 * before PutEvents, so a 2xx "accepted" always means an event the rules deliver and their targets accept; what the
 * bus would refuse is answered here, 400 with the webhook field (`created: …`), for the sender to fix.
 *
 * @throws HttpError 413 (too large), 401 (missing or wrong signature), 400 (not JSON, wrong shape), 502 (bus refused)
 */
export async function receiveFivetranWebhook(request: WebhookRequest, deps: WebhookDependencies): Promise<WebhookOutcome> {
  if (request.rawBody.length > MAX_WEBHOOK_BYTES) {
    throw new HttpError(413, `body of ${request.rawBody.length} bytes exceeds the ${MAX_WEBHOOK_BYTES}-byte limit`);
  }
  const signature = request.headers['x-fivetran-signature-256'];
  if (!signature) throw new HttpError(401, 'missing X-Fivetran-Signature-256 header');
  if (!verifyFivetranSignature(request.rawBody, signature, await deps.secret.current())) {
    const rotated = await deps.secret.reread();
    if (rotated === undefined || !verifyFivetranSignature(request.rawBody, signature, rotated)) {
      throw new HttpError(401, 'X-Fivetran-Signature-256 does not match the body (HMAC-SHA256 with the webhook secret)');
    }
  }
  let classification;
  try {
    classification = classifyFivetranEvent(parseFivetranWebhook(request.rawBody));
  } catch (error) {
    if (error instanceof FivetranPayloadError) throw new HttpError(400, error.message);
    throw error;
  }
  const event = landfallEventFromFivetran(classification);
  if (!event) {
    return classification.kind === 'ignored'
      ? { status: 'ignored', eventType: classification.eventType, reason: classification.reason }
      : { status: 'ignored', eventType: 'unknown', reason: 'ignored' };
  }
  const issues = busContractIssues(event);
  if (issues.length > 0) {
    throw new HttpError(400, `Fivetran webhook payload has the wrong shape: ${issues.map(webhookFieldOf).join('; ')}`);
  }
  const result = await deps.eventBridge.send(new PutEventsCommand({ Entries: [toPutEventsEntry(event, deps.eventBusName)] }));
  const entry = result.Entries?.[0];
  if (!entry?.EventId || (result.FailedEntryCount ?? 0) > 0) {
    // A 5xx makes Fivetran retry (for up to 24 h): nothing is lost.
    throw new HttpError(502, `the event bus refused the event: ${entry?.ErrorCode ?? 'unknown'} ${entry?.ErrorMessage ?? ''}`.trim());
  }
  return { status: 'accepted', detailType: event.detailType, eventId: entry.EventId };
}
