/**
 * S3 `Object Created` events on EventBridge (source `aws.s3`, the bucket has EventBridge notifications
 * on). There is no "Firehose delivery finished" event: each object Firehose writes is the signal. Keys
 * arrive as stored: the EventBridge event's `object.key` is the key itself — S3's EventBridge message structure
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/ev-events.html) documents no encoding, unlike the
 * S3→Lambda/SQS/SNS notification, whose `s3.object.key` "is URL encoded" ("red flower.jpg" → "red+flower.jpg",
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html). So a key with
 * spaces, `+` or a literal `%20` is used exactly as given, never decoded (decoding would turn a real `+` into a space).
 */
// zod/mini (English messages are configured by ../arrival): classic zod would add ~65 KiB to every function that
// parses S3 events (s3ObjectCreated, the reconciler).
import * as z from 'zod/mini';
import { objectVersionOf } from './object-version';
import { DATA_ARRIVED_DETAIL_TYPE, LANDFALL_EVENT_SOURCE, type LandfallEvent } from '../arrival';
import { AwsEventShapeError } from '../errors';

export const S3_EVENT_SOURCE = 'aws.s3';
export const OBJECT_CREATED = 'Object Created';

export const S3ObjectCreatedEventSchema = z.looseObject({
  id: z.string().check(z.minLength(1)),
  source: z.literal(S3_EVENT_SOURCE),
  'detail-type': z.literal(OBJECT_CREATED),
  time: z.iso.datetime({ offset: true }),
  detail: z.looseObject({
    bucket: z.looseObject({ name: z.string().check(z.minLength(1)) }),
    object: z.looseObject({
      key: z.string().check(z.minLength(1)),
      size: z.optional(z.int().check(z.nonnegative())),
      etag: z.optional(z.string().check(z.minLength(1))),
      'version-id': z.optional(z.string().check(z.minLength(1))),
      sequencer: z.optional(z.string()),
    }),
    reason: z.optional(z.string()),
  }),
});
export type S3ObjectCreatedEvent = z.infer<typeof S3ObjectCreatedEventSchema>;

/** An object that landed, with what the load ledger needs to recognise it again. */
export interface LandedObject {
  bucket: string;
  key: string;
  etag?: string;
  versionId?: string;
  size?: number;
  deliveryStream?: string;
  landedAt: string;
}

/** Firehose's object name suffix: `<stream>-<version>-<yyyy>-<MM>-<dd>-<HH>-<mm>-<ss>-<uuid>[.ext]`. */
const FIREHOSE_SUFFIX = /(?:^|\/)([A-Za-z0-9_.-]+?)-\d+-\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}-[0-9a-fA-F-]{36}(?:\.[A-Za-z0-9.]+)?$/;

/**
 * @throws AwsEventShapeError when the envelope is not an S3 Object Created event.
 * @example
 * parseObjectCreated(event);
 * // { bucket: 'landfall-landing', key: 'firehose/product_events/2026/11/27/02/product-events-1-2026-…', etag: '…', landedAt: '…' }
 */
export function parseObjectCreated(input: unknown): LandedObject {
  const parsed = S3ObjectCreatedEventSchema.safeParse(input);
  if (!parsed.success) {
    throw new AwsEventShapeError(S3_EVENT_SOURCE, parsed.error.issues.map((i) => `${i.path.join('.') || '(event)'}: ${i.message}`));
  }
  const { bucket, object } = parsed.data.detail;
  const deliveryStream = FIREHOSE_SUFFIX.exec(object.key)?.[1];
  return {
    bucket: bucket.name,
    key: object.key,
    ...(object.etag !== undefined && { etag: object.etag }),
    ...(object['version-id'] !== undefined && { versionId: object['version-id'] }),
    ...(object.size !== undefined && { size: object.size }),
    ...(deliveryStream !== undefined && { deliveryStream }),
    landedAt: parsed.data.time,
  };
}

export { objectVersionOf };

/**
 * The `Data Arrived` event for a landed object. Deduplicated on bucket, key and version: an event
 * delivered twice is one arrival; the same key overwritten with new content is a new one.
 *
 * @example
 * dataArrivedFromS3(parseObjectCreated(event)).detail.arrivalId; // 's3:landfall-landing/firehose/…@b1946ac9…'
 */
export function dataArrivedFromS3(object: LandedObject): LandfallEvent {
  const version = objectVersionOf(object);
  return {
    source: LANDFALL_EVENT_SOURCE,
    detailType: DATA_ARRIVED_DETAIL_TYPE,
    detail: {
      loader: 's3',
      arrivalId: `s3:${object.bucket}/${object.key}${version ? `@${version}` : ''}`,
      arrivedAt: object.landedAt,
      connector: {
        bucket: object.bucket,
        key: object.key,
        ...(object.deliveryStream !== undefined && { deliveryStream: object.deliveryStream }),
        ...(object.etag !== undefined && { etag: object.etag }),
        ...(object.versionId !== undefined && { versionId: object.versionId }),
        ...(object.size !== undefined && { size: object.size }),
      },
    },
  };
}
