import type { Manifest } from '../../../src/engine';
import { coalesceSqsRecords, WINDOW_CHECK_BODY } from '../../../src/runtime/coalesce/aws-coalescer';
import type { CoalescedBatch } from '../../../src/runtime/coalesce/coalescer';
import { InMemoryLeaseStore } from '../../../src/runtime/coalesce/lease-store';
import type { LeaseCoalescerOptions } from '../../../src/runtime/coalesce/lease-coalescer';

const manifest = {
  sources: { 'source.p.a.t': { uniqueId: 'source.p.a.t', resourceType: 'source', sourceName: 'a', name: 't', meta: { landfall: { fivetran: { connector_id: 'a' } } }, tags: [] } },
} as unknown as Manifest;
const body = (syncId: string) => JSON.stringify({
  version: '0', id: `event-${syncId}`, source: 'landfall', 'detail-type': 'Data Arrived', account: '1', time: '2026-11-27T01:00:00Z', region: 'us-east-1', resources: [],
  detail: { loader: 'fivetran', arrivalId: `fivetran:${syncId}`, arrivedAt: '2026-11-27T01:00:00Z', connector: { connectorId: 'a', groupId: 'g', syncId } },
});

describe('coalesceSqsRecords', () => {
  function options(now: number) {
    const started: CoalescedBatch[] = [];
    const opts: LeaseCoalescerOptions = {
      store: new InMemoryLeaseStore(), manifest, windowMs: 60_000, now: () => now,
      startBatch: async (batch) => void started.push(batch), wakeAfter: async () => undefined,
    };
    return { opts, started };
  }

  it('buffers the EventBridge events a rule put on the queue, windowed from their send time', async () => {
    const { opts, started } = options(60_000);
    const step = await coalesceSqsRecords([
      { messageId: 'm1', body: body('1'), attributes: { SentTimestamp: '0' } },
      { messageId: 'm2', body: body('1'), attributes: { SentTimestamp: '5' } },
    ], opts);
    expect(step.batchItemFailures).toEqual([]);
    expect(started.map((b) => b.arrivals.length)).toEqual([1]);
  });

  it('reports a body that is not a Data Arrived event as a batch item failure and keeps the rest', async () => {
    const { opts } = options(0);
    const step = await coalesceSqsRecords([
      { messageId: 'bad-json', body: '{', attributes: {} },
      { messageId: 'wrong-shape', body: '{"detail-type":"Data Arrived"}', attributes: {} },
      { messageId: 'ok', body: body('2'), attributes: { SentTimestamp: '0' } },
    ], opts);
    expect(step.batchItemFailures).toEqual([{ itemIdentifier: 'bad-json' }, { itemIdentifier: 'wrong-shape' }]);
    expect((await opts.store.read()).record?.state.pending).toHaveLength(1);
  });

  it('starts the buffered arrivals on a window check once the window has closed', async () => {
    const early = options(0);
    await coalesceSqsRecords([{ messageId: 'm1', body: body('3'), attributes: { SentTimestamp: '0' } }], early.opts);
    expect(early.started).toHaveLength(0);
    const late = { ...early.opts, now: () => 60_000 };
    const step = await coalesceSqsRecords([{ messageId: 'tick', body: WINDOW_CHECK_BODY, attributes: {} }], late);
    expect(step.started?.arrivals.map((a) => a.detail.arrivalId)).toEqual(['fivetran:3']);
  });
});
