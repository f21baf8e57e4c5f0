import { DataArrivedDetailSchema } from '../../../src/events/arrival';
import { AwsEventShapeError } from '../../../src/events/errors';
import { compilePattern } from '../../../src/events/pattern-matcher';
import { dataArrivedFromS3, parseObjectCreated } from '../../../src/events/s3';
import { readEventsJson } from '../support';

describe('S3 Object Created events', () => {
  it('reads a Firehose delivery: bucket, key, ETag, size and the delivery stream from the key', () => {
    expect(parseObjectCreated(readEventsJson('samples/s3/object-created-firehose.json'))).toEqual({
      bucket: 'landfall-landing',
      key: 'firehose/product_events/2026/11/27/02/product-events-1-2026-11-27-02-00-58-6f1c0c1e-9a1b-4c2d-8e3f-4a5b6c7d8e9f.gz',
      etag: 'b1946ac92492d2347c6235b4d2611184',
      size: 48213,
      deliveryStream: 'product-events',
      landedAt: '2026-11-27T02:01:05Z',
    });
  });

  it('keeps a key with spaces and a literal %20 exactly as given, and prefers the version id for dedupe', () => {
    const event = dataArrivedFromS3(parseObjectCreated(readEventsJson('samples/s3/object-created-multipart-versioned-space-key.json')));
    const detail = DataArrivedDetailSchema.parse(event.detail);
    expect(detail.arrivalId).toBe('s3:landfall-landing/firehose/product_events/manual backfill/2026 11 27%20part.gz@IYV3p45BT0ac8hjHg1houSdS1a.Mro8e');
    expect(detail.connector).toMatchObject({ key: 'firehose/product_events/manual backfill/2026 11 27%20part.gz', size: 198524144 });
  });

  it('refuses an event that is not Object Created', () => {
    const event = { ...(readEventsJson('samples/s3/object-created-firehose.json') as object), 'detail-type': 'Object Deleted' };
    expect(() => parseObjectCreated(event)).toThrow(AwsEventShapeError);
  });

  it('rule s3-object-created.json takes deliveries but not landfall’s own batch files (no event loop)', () => {
    const rule = compilePattern(readEventsJson('rules/s3-object-created.json'));
    const delivery = readEventsJson('samples/s3/object-created-firehose.json') as { detail: { object: { key: string } } };
    expect(rule.matches(delivery)).toBe(true);
    const own = structuredClone(delivery);
    own.detail.object.key = 'landfall/load-batches/ab/manifest.json';
    expect(rule.matches(own)).toBe(false);
  });
});
