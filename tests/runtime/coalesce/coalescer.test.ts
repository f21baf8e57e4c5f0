import type { Manifest } from '../../../src/engine';
import type { DataArrivedEvent } from '../../../src/events/arrival';
import { acceptArrival, emptyCoalescerState, executionNameFor, runFinished, takeBatch } from '../../../src/runtime/coalesce/coalescer';
import { TimedCoalescer } from '../../../src/runtime/coalesce/timed-coalescer';
import { parseRunInput } from '../../../src/runtime/run-input';

const manifest = {
  sources: Object.fromEntries(['a', 'b', 'c', 'd', 'e'].map((c) => [
    `source.p.${c}.t`,
    { uniqueId: `source.p.${c}.t`, resourceType: 'source', sourceName: c, name: 't', meta: { landfall: { fivetran: { connector_id: c } } }, tags: [] },
  ])),
} as unknown as Manifest;

const arrival = (connectorId: string, syncId: string): DataArrivedEvent => ({
  source: 'landfall',
  'detail-type': 'Data Arrived',
  detail: { loader: 'fivetran', arrivalId: `fivetran:${syncId}`, arrivedAt: '2026-11-27T01:00:00Z', connector: { connectorId, groupId: 'g', syncId } },
});
const config = { windowMs: 60_000 };

describe('coalescer', () => {
  it('puts the S3 objects of a coalesced window in the run input, for the run to load them (the coalescer runs no COPY)', () => {
    const s3Manifest = { sources: { 'source.p.ev.t': {
      uniqueId: 'source.p.ev.t', resourceType: 'source', sourceName: 'ev', name: 't', tags: [], relation: { schema: 'raw', identifier: 't' },
      meta: { landfall: { s3: { bucket: 'landing', prefix: 'fh/' } } },
    } } } as unknown as Manifest;
    const object = (key: string, etag: string): DataArrivedEvent => ({
      source: 'landfall', 'detail-type': 'Data Arrived',
      detail: { loader: 's3', arrivalId: `s3:landing/${key}@${etag}`, arrivedAt: '2026-12-05T04:00:00Z', connector: { bucket: 'landing', key, etag, size: 10 } },
    });
    let state = emptyCoalescerState();
    for (const [key, etag] of [['fh/1.gz', 'e1'], ['fh/2.gz', 'e2']]) state = acceptArrival(state, object(key!, etag!), s3Manifest, 0, config).state;
    const { batch } = takeBatch(state, 60_000, config);
    expect(batch?.executionInput).toMatchObject({
      command: 'build', select: ['source:ev.t+'],
      loads: [{ bucket: 'landing', key: 'fh/1.gz', etag: 'e1', size: 10 }, { bucket: 'landing', key: 'fh/2.gz', etag: 'e2', size: 10 }],
    });
    expect(parseRunInput(batch!.executionInput)).toMatchObject({ kind: 'manual', request: { loads: [{ key: 'fh/1.gz' }, { key: 'fh/2.gz' }] } });
  });

  it('merges the arrivals of one window into one run building the union of their selections', () => {
    let state = emptyCoalescerState();
    for (const [c, s, at] of [['a', '1', 0], ['b', '2', 10_000], ['a', '3', 20_000]] as const) state = acceptArrival(state, arrival(c, s), manifest, at, config).state;
    expect(takeBatch(state, 59_999, config).batch).toBeUndefined();
    const { batch } = takeBatch(state, 60_000, config);
    expect(batch?.select).toEqual(['source:a.t+', 'source:b.t+']);
    expect(batch?.arrivals).toHaveLength(3);
    expect(batch?.executionInput).toMatchObject({ command: 'build', select: ['source:a.t+', 'source:b.t+'] });
  });

  it('passes a lone arrival through as the event itself', () => {
    const { state } = acceptArrival(emptyCoalescerState(), arrival('a', '1'), manifest, 0, config);
    expect(takeBatch(state, 60_000, config).batch?.executionInput).toEqual(arrival('a', '1'));
  });

  it('starts nothing for a duplicate, buffered or already run, within the dedupe TTL', () => {
    let state = acceptArrival(emptyCoalescerState(), arrival('a', '1'), manifest, 0, config).state;
    expect(acceptArrival(state, arrival('a', '1'), manifest, 1, config).outcome).toBe('duplicate');
    const taken = takeBatch(state, 60_000, config);
    state = runFinished(taken.state, taken.batch!.name);
    const again = acceptArrival(state, arrival('a', '1'), manifest, 24 * 3600_000, config);
    expect(again.outcome).toBe('duplicate');
    expect(takeBatch(again.state, 48 * 3600_000, config).batch).toBeUndefined();
  });

  it('counts an unrouted arrival and starts nothing', () => {
    const { state, outcome } = acceptArrival(emptyCoalescerState(), arrival('nobody', '1'), manifest, 0, config);
    expect(outcome).toBe('unrouted');
    expect(state.counters.unrouted).toBe(1);
    expect(takeBatch(state, 120_000, config).batch).toBeUndefined();
  });

  it('holds arrivals that come during a run and starts them as a follow-up once it finishes', () => {
    let state = acceptArrival(emptyCoalescerState(), arrival('a', '1'), manifest, 0, config).state;
    const first = takeBatch(state, 60_000, config);
    state = acceptArrival(first.state, arrival('a', '2'), manifest, 70_000, config).state;
    expect(takeBatch(state, 200_000, config).batch).toBeUndefined(); // the first run is still building source:a.t+
    state = runFinished(state, first.batch!.name);
    expect(takeBatch(state, 200_000, config).batch?.arrivals.map((a) => a.detail.arrivalId)).toEqual(['fivetran:2']);
  });

  it('names executions by their window and arrival ids, order-independent, within the 80-character limit', () => {
    const at = Date.parse('2026-12-05T03:45:07.123Z');
    expect(executionNameFor(['x', 'y'], at)).toBe(executionNameFor(['y', 'x'], at));
    expect(executionNameFor(['x'], at)).not.toBe(executionNameFor(['x', 'y'], at));
    expect(executionNameFor(['x'], at)).toMatch(/^arrivals-20261205T034507Z-[0-9a-f]{48}$/);
    expect(executionNameFor(['x'], at).length).toBeLessThanOrEqual(80);
    // The same ids seen again after the dedupe period open another window: a new name, never the closed execution's.
    expect(executionNameFor(['x'], at + 49 * 3600_000)).not.toBe(executionNameFor(['x'], at));
  });
});

describe('TimedCoalescer', () => {
  it('turns a burst of 1,000 arrivals with 10% duplicates into few runs, each arrival in exactly one, never overlapping', async () => {
    const runs: { ids: string[]; start: number; end: number }[] = [];
    let active = 0;
    let maxActive = 0;
    const coalescer = new TimedCoalescer({
      manifest,
      windowMs: 2_000, // far longer than the burst takes even on a loaded CI machine
      startRun: async (batch) => {
        active++;
        maxActive = Math.max(maxActive, active);
        const start = Date.now();
        await new Promise((resolve) => setTimeout(resolve, 25));
        runs.push({ ids: batch.arrivals.map((a) => a.detail.arrivalId), start, end: Date.now() });
        active--;
      },
    });
    const unique = Array.from({ length: 900 }, (_, i) => arrival('abcde'[i % 5], `s${i}`));
    const burst = [...unique, ...unique.slice(0, 100)];
    for (const [i, event] of burst.entries()) {
      coalescer.accept(event);
      if (i % 100 === 99) await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await coalescer.whenIdle();
    coalescer.dispose();
    const ran = runs.flatMap((r) => r.ids);
    expect(ran.sort()).toEqual(unique.map((e) => e.detail.arrivalId).sort());
    expect(coalescer.counters).toMatchObject({ accepted: 900, duplicates: 100, unrouted: 0 });
    expect(maxActive).toBe(1);
    expect(runs.length).toBeLessThanOrEqual(2); // the burst fits in one window: one run, at most one follow-up
  });
});
