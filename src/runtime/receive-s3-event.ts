/**
 * Target of the S3 rule (`events/rules/s3-object-created.json`, default bus): an object landed under a
 * routed prefix becomes a `Data Arrived` event on landfall's bus; an object under no route is counted
 * and ignored. The COPY itself happens when the coalesced batch starts its run (src/ingest/load-s3-batch.ts).
 */
import type { Manifest } from '../engine';
import { dataArrivedFromS3, parseObjectCreated, skippedObjectReason } from '../events/s3';
import { s3RouteForObject, s3RoutesOf } from '../ingest/s3-routes';
import { putLandfallEvent, type EventBusTarget } from './put-landfall-event';
import type { ForwardOutcome } from './receive-dms-event';

/**
 * @throws AwsEventShapeError for an envelope that is not an S3 Object Created event
 * @example
 * await forwardS3Event(event, manifest, { eventBridge, eventBusName: 'landfall-prod' });
 */
export async function forwardS3Event(input: unknown, manifest: Manifest, target: EventBusTarget): Promise<ForwardOutcome> {
  const object = parseObjectCreated(input);
  const route = s3RouteForObject(s3RoutesOf(manifest), object.bucket, object.key);
  if (!route) return { status: 'ignored', reason: `no source is routed to s3://${object.bucket}/${object.key}` };
  const skipped = skippedObjectReason(object.key, object.size);
  if (skipped) return { status: 'ignored', reason: `s3://${object.bucket}/${object.key} is not loaded: ${skipped}` };
  const event = dataArrivedFromS3(object);
  const eventId = await putLandfallEvent(event, target);
  return { status: 'forwarded', detailType: event.detailType, eventId, dedupeKey: 'arrivalId' in event.detail ? event.detail.arrivalId : '' };
}
