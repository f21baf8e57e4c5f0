import type { Manifest } from '../../../src/engine';
import type { DataArrivedEvent } from '../../../src/events/arrival';
import type { CoalescedBatch } from '../../../src/runtime/coalesce/coalescer';
import { DynamoDbLeaseStore } from '../../../src/runtime/coalesce/dynamodb-lease-store';
import { acceptArrivals, checkWindow, releaseRun, type LeaseCoalescerOptions } from '../../../src/runtime/coalesce/lease-coalescer';
import { emptyCoalescerState } from '../../../src/runtime/coalesce/coalescer';
import { InMemoryLeaseStore, LeaseConflictError, type LeaseStore } from '../../../src/runtime/coalesce/lease-store';
import { startLocalDynamoDbClient } from '../../local/aws/support';

const manifest = {
  sources: Object.fromEntries(['a', 'b'].map((c) => [
    `source.p.${c}.t`,
    { uniqueId: `source.p.${c}.t`, resourceType: 'source', sourceName: c, name: 't', meta: { landfall: { fivetran: { connector_id: c } } }, tags: [] },
  ])),
} as unknown as Manifest;

const arrival = (connectorId: string, syncId: string): DataArrivedEvent => ({
  source: 'landfall',
  'detail-type': 'Data Arrived',
  detail: { loader: 'fivetran', arrivalId: `fivetran:${syncId}`, arrivedAt: '2026-11-27T01:00:00Z', connector: { connectorId, groupId: 'g', syncId } },
});

function harness(store: LeaseStore, windowMs = 60_000) {
  let clock = 0;
  const started: CoalescedBatch[] = [];
  const wakes: number[] = [];
  const options: LeaseCoalescerOptions = {
    store, manifest, windowMs,
    now: () => clock,
    startBatch: async (batch) => void started.push(batch),
    wakeAfter: async (delayMs) => void wakes.push(delayMs),
  };
  return { options, started, wakes, setClock: (ms: number) => { clock = ms; } };
}

describe.each([
  ['in memory', async () => ({ store: new InMemoryLeaseStore() as LeaseStore, close: async () => undefined })],
  ['in DynamoDB (local endpoint)', async () => {
    const { client, close } = await startLocalDynamoDbClient(['lease']);
    return { store: new DynamoDbLeaseStore(client, 'lease') as LeaseStore, close };
  }],
])('lease coalescer with the lease %s', (_name, open) => {
  let store: LeaseStore;
  let close: () => Promise<void>;
  beforeEach(async () => ({ store, close } = await open()));
  afterEach(async () => close());

  it('buffers a window, asks to be woken when it closes, then starts one run for the union', async () => {
    const h = harness(store);
    const first = await acceptArrivals([{ event: arrival('a', '1'), receivedAt: 0 }, { event: arrival('b', '2'), receivedAt: 1000 }], h.options);
    expect(first.outcomes).toEqual(['buffered', 'buffered']);
    expect(h.started).toHaveLength(0);
    expect(h.wakes).toEqual([60_000]);
    h.setClock(60_000);
    const { started } = await checkWindow(h.options);
    expect(started?.select).toEqual(['source:a.t+', 'source:b.t+']);
    expect(h.started.map((b) => b.name)).toEqual([started!.name]);
    expect((await store.read()).record?.starting).toEqual([]);
  });

  it('starts nothing for a duplicate, even after its run', async () => {
    const h = harness(store, 0);
    await acceptArrivals([{ event: arrival('a', '1'), receivedAt: 0 }], h.options);
    await releaseRun(h.started[0]!.name, h.options);
    const again = await acceptArrivals([{ event: arrival('a', '1'), receivedAt: 5 }], h.options);
    expect(again.outcomes).toEqual(['duplicate']);
    expect(h.started).toHaveLength(1);
  });

  it('holds arrivals that come during a run and starts them as the follow-up when it ends, never concurrently', async () => {
    const h = harness(store, 0);
    await acceptArrivals([{ event: arrival('a', '1'), receivedAt: 0 }], h.options);
    h.setClock(20);
    const during = await acceptArrivals([{ event: arrival('a', '2'), receivedAt: 10 }, { event: arrival('b', '3'), receivedAt: 11 }], h.options);
    expect(during.started).toBeUndefined();
    expect(h.started).toHaveLength(1);
    expect(await releaseRun('some-other-execution', h.options)).toEqual({});
    const { started } = await releaseRun(h.started[0]!.name, h.options);
    expect(started?.arrivals.map((a) => a.detail.arrivalId)).toEqual(['fivetran:2', 'fivetran:3']);
    expect(h.started).toHaveLength(2);
  });

  it('starts again a batch whose start failed, under the same name', async () => {
    const h = harness(store, 0);
    let failures = 1;
    const flaky = { ...h.options, startBatch: async (batch: CoalescedBatch) => {
      if (failures-- > 0) throw new Error('throttled');
      h.started.push(batch);
    } };
    await expect(acceptArrivals([{ event: arrival('a', '1'), receivedAt: 0 }], flaky)).rejects.toThrow('throttled');
    const retried = await acceptArrivals([{ event: arrival('a', '1'), receivedAt: 0 }], flaky);
    expect(retried.outcomes).toEqual(['duplicate']);
    expect(retried.started?.arrivals.map((a) => a.detail.arrivalId)).toEqual(['fivetran:1']);
  });

  it('releases a lease whose end never came after the lease timeout', async () => {
    const h = harness(store, 0);
    const options = { ...h.options, leaseTimeoutMs: 1000 };
    await acceptArrivals([{ event: arrival('a', '1'), receivedAt: 0 }], options);
    h.setClock(2000);
    const step = await acceptArrivals([{ event: arrival('b', '2'), receivedAt: 2000 }], options);
    expect(step.expiredLease).toBe(h.started[0]!.name);
    expect(step.started?.select).toEqual(['source:b.t+']);
  });

  it('refuses a write based on a stale read', async () => {
    const { version } = await store.read();
    await store.write({ state: emptyCoalescerState(), starting: [] }, version);
    await expect(store.write({ state: emptyCoalescerState(), starting: [] }, version)).rejects.toBeInstanceOf(LeaseConflictError);
  });
});

describe('lease coalescer under contention', () => {
  it('starts exactly one batch when two consumers race for the lease (a repeated start of it is idempotent)', async () => {
    const store = new InMemoryLeaseStore();
    const h = harness(store, 0);
    await Promise.all([
      acceptArrivals([{ event: arrival('a', '1'), receivedAt: 0 }], h.options),
      acceptArrivals([{ event: arrival('b', '2'), receivedAt: 0 }], h.options),
    ]);
    expect(new Set(h.started.map((b) => b.name)).size).toBe(1);
    expect((await store.read()).record?.state.pending).toHaveLength(1);
  });
});
