import { skippedObjectReason } from '../../../src/events/s3';
import { forwardS3Event } from '../../../src/runtime/receive-s3-event';
import type { Manifest } from '../../../src/engine';
import { readEventsJson } from '../support';

describe('skippedObjectReason', () => {
  it.each([
    ['firehose/product_events/processing-failed/2026/12/05/06/x-1-2026-12-05-06-00-00-uuid', 100, 'Firehose error output (processing-failed/)'],
    ['firehose/product_events/format-conversion-failed/2026/12/05/x', 100, 'Firehose error output (format-conversion-failed/)'],
    ['firehose/product_events/2026/12/05/', 0, 'folder placeholder (key ends with /)'],
    ['firehose/product_events/2026/12/05/_SUCCESS', 0, 'marker object (_SUCCESS)'],
    ['firehose/product_events/2026_$folder$', 0, 'marker object (2026_$folder$)'],
    ['firehose/product_events/2026/12/05/empty.json', 0, 'zero-byte object (folder or marker)'],
  ])('skips %s', (key, size, reason) => {
    expect(skippedObjectReason(key, size)).toBe(reason);
  });

  it.each([
    ['firehose/product_events/2026/12/05/06/product-events-1-2026-12-05-06-00-00-6f1c0c1e-9a1b-4c2d-8e3f-4a5b6c7d8e9f.gz', 48213],
    ['firehose/product_events/processing-failed.json', 10],
    ['firehose/product_events/manual backfill/a+b%20c.json', 5],
    ['firehose/product_events/no-size-given.json', undefined],
  ])('loads %s', (key, size) => {
    expect(skippedObjectReason(key, size)).toBeUndefined();
  });
});

describe('forwardS3Event skips what is not data', () => {
  const manifest = {
    sources: {
      'source.p.events.product_events': {
        uniqueId: 'source.p.events.product_events', resourceType: 'source', sourceName: 'events', name: 'product_events', tags: [],
        relation: { schema: 'raw', identifier: 'product_events' },
        meta: { landfall: { s3: { bucket: 'landfall-landing', prefix: 'firehose/product_events/' } } },
      },
    },
  } as unknown as Manifest;
  const base = readEventsJson('samples/s3/object-created-firehose.json') as { detail: { object: Record<string, unknown> } };
  const withObject = (object: Record<string, unknown>) => ({ ...base, detail: { ...base.detail, object: { ...base.detail.object, ...object } } });
  const noBus = { eventBridge: { send: async () => { throw new Error('nothing may be put on the bus'); } } as never, eventBusName: 'b' };

  it('acknowledges a Firehose error object and a zero-byte key without putting an arrival on the bus', async () => {
    await expect(forwardS3Event(withObject({ key: 'firehose/product_events/processing-failed/2026/x', size: 900 }), manifest, noBus))
      .resolves.toMatchObject({ status: 'ignored', reason: expect.stringContaining('Firehose error output') });
    await expect(forwardS3Event(withObject({ key: 'firehose/product_events/2026/12/05/', size: 0 }), manifest, noBus))
      .resolves.toMatchObject({ status: 'ignored', reason: expect.stringContaining('folder placeholder') });
  });
});
