/**
 * The coalescer's `dag` concurrency: disjoint parts of the DAG run at once, overlapping arrivals share a run or
 * wait for the one that holds their models, each part has its own window. The property test checks, for random
 * arrivals, window closes and run ends, that no model or seed is ever in the lock keys (run-locks.ts, from the
 * engine's own plan of each batch) of two active runs, and that every arrival runs exactly once.
 */
import fc from 'fast-check';
import { buildGraph } from '../../../src/engine/graph/graph';
import { selectNodes } from '../../../src/engine/graph/select';
import { planRun } from '../../../src/engine/run/plan-run';
import {
  acceptArrival, emptyCoalescerState, runFinished, takeBatches, windowClosesAt, type CoalescedBatch, type CoalescerConfig, type CoalescerState,
} from '../../../src/runtime/coalesce/coalescer';
import { closureOf, overlaps } from '../../../src/runtime/coalesce/dag-parts';
import { runLockKeys } from '../../../src/runtime/run-locks';
import { CONNECTORS, dagProjectManifest, syncOf } from './support/dag-project';

const manifest = dagProjectManifest();
const dag: CoalescerConfig = { windowMs: 60_000, concurrency: 'dag' };
const ids = (batch: CoalescedBatch) => batch.arrivals.map((a) => a.detail.arrivalId);
const accept = (state: CoalescerState, connector: string, sync: string, at: number, config = dag) => acceptArrival(state, syncOf(connector, sync), manifest, at, config).state;

describe('parts of the DAG', () => {
  it('closes a source selection downstream and leaves tests out; serial is one closure for everything', () => {
    const c0 = closureOf(manifest, ['source:src0.t0+'], 'dag');
    expect([...c0].sort()).toEqual(['model.parts.m01', 'model.parts.stg_0', 'source.parts.src0.t0']);
    expect(overlaps(c0, closureOf(manifest, ['source:src1.t1+'], 'dag'))).toBe(true); // m01
    expect(overlaps(c0, closureOf(manifest, ['source:src2.t2+'], 'dag'))).toBe(false);
    expect(overlaps(c0, closureOf(manifest, ['source:src2.t2+'], 'serial'))).toBe(true);
    // The same nodes as dbt selection of `source:…+` gives, tests left out.
    const graph = buildGraph(manifest);
    for (const source of Object.values(manifest.sources)) {
      const selector = `source:${source.sourceName}.${source.name}+`;
      expect([...closureOf(manifest, [selector], 'dag')].sort()).toEqual([...selectNodes(graph, [selector])].filter((id) => !id.startsWith('test.')).sort());
    }
    // A selection the project no longer resolves overlaps everything: never concurrent by mistake.
    expect(overlaps(closureOf(manifest, ['source:gone.t+'], 'dag'), closureOf(manifest, ['source:src5.t5+'], 'dag'))).toBe(true);
  });
});

describe('coalescer with dag concurrency', () => {
  it('starts disjoint parts at once and merges overlapping arrivals into one run', () => {
    let state = emptyCoalescerState();
    for (const [c, s] of [['c0', 'a'], ['c2', 'b'], ['c1', 'c'], ['c4', 'd']] as const) state = accept(state, c, s, 0);
    const { state: next, batches } = takeBatches(state, 60_000, dag, manifest);
    expect(batches.map(ids)).toEqual([['fivetran:a', 'fivetran:c'], ['fivetran:b'], ['fivetran:d']]);
    expect(batches[0]!.select).toEqual(['source:src0.t0+', 'source:src1.t1+']);
    expect(next.activeRuns.map((r) => r.name)).toEqual(batches.map((b) => b.name));
    expect(next.pending).toEqual([]);
  });

  it('holds an arrival whose models an active run builds, and starts it as that run\'s follow-up; other parts go on', () => {
    let state = accept(emptyCoalescerState(), 'c0', 'first', 0);
    const first = takeBatches(state, 60_000, dag, manifest);
    state = accept(first.state, 'c1', 'shares-m01', 61_000); // m01 is being built by the first run
    state = accept(state, 'c4', 'elsewhere', 62_000);
    const later = takeBatches(state, 200_000, dag, manifest);
    expect(later.batches.map(ids)).toEqual([['fivetran:elsewhere']]);
    state = later.state;
    expect(takeBatches(state, 300_000, dag, manifest).batches).toEqual([]);
    expect(windowClosesAt(state, dag, manifest)).toBeNull(); // nothing to wake for: the run's end starts it
    state = runFinished(state, first.batches[0]!.name);
    expect(takeBatches(state, 300_000, dag, manifest).batches.map(ids)).toEqual([['fivetran:shares-m01']]);
  });

  it('gives each part its own window: a burst for one part does not delay another', () => {
    let state = emptyCoalescerState();
    state = accept(state, 'c2', 'b0', 0);
    for (let i = 1; i <= 30; i++) state = accept(state, 'c0', `burst-${i}`, i * 1000); // c0's window opens at 1 s
    expect(windowClosesAt(state, dag, manifest)).toBe(60_000);
    const atC2 = takeBatches(state, 60_000, dag, manifest);
    expect(atC2.batches.map(ids)).toEqual([['fivetran:b0']]);
    const atC0 = takeBatches(atC2.state, 61_000, dag, manifest);
    expect(atC0.batches.map((b) => b.arrivals.length)).toEqual([30]);
  });

  it('starts no more than maxConcurrentRuns; serial starts one run for everything', () => {
    let state = emptyCoalescerState();
    CONNECTORS.forEach((c, i) => { state = accept(state, c, `s${i}`, 0); });
    expect(takeBatches(state, 60_000, { ...dag, maxConcurrentRuns: 2 }, manifest).batches).toHaveLength(2);
    expect(takeBatches(state, 60_000, dag, manifest).batches).toHaveLength(4); // {c0,c1} {c2,c3} {c4} {c5}
    const serial = takeBatches(state, 60_000, { windowMs: 60_000, concurrency: 'serial' }, manifest);
    expect(serial.batches.map((b) => b.arrivals.length)).toEqual([6]);
  });

  it('reads a lease state written before parts existed (one activeRun holding everything)', async () => {
    const { normalizeCoalescerState } = await import('../../../src/runtime/coalesce/coalescer');
    const old = { ...emptyCoalescerState(), activeRuns: undefined, activeRun: { name: 'old-run', startedAt: 5 }, windowOpenedAt: 0 } as never;
    let state = normalizeCoalescerState(old);
    expect(state.activeRuns).toEqual([{ name: 'old-run', startedAt: 5 }]);
    state = accept(state, 'c5', 'x', 10);
    expect(takeBatches(state, 100_000, dag, manifest).batches).toEqual([]); // the old run may build anything
    expect(takeBatches(runFinished(state, 'old-run'), 100_000, dag, manifest).batches).toHaveLength(1);
  });
});

type Op = { kind: 'arrive'; connector: number; sync: number } | { kind: 'tick'; ms: number } | { kind: 'finish'; which: number } | { kind: 'duplicate'; which: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('arrive' as const), connector: fc.integer({ min: 0, max: CONNECTORS.length - 1 }), sync: fc.integer({ min: 0, max: 1_000_000 }) }),
  fc.record({ kind: fc.constant('tick' as const), ms: fc.integer({ min: 0, max: 90_000 }) }),
  fc.record({ kind: fc.constant('finish' as const), which: fc.nat() }),
  fc.record({ kind: fc.constant('duplicate' as const), which: fc.nat() }),
);

describe('scheduler property: no model is ever held by two runs', () => {
  const lockKeysOf = new Map<string, string[]>();
  const keysOf = (batch: CoalescedBatch) => {
    const key = batch.select.join(' ');
    if (!lockKeysOf.has(key)) lockKeysOf.set(key, runLockKeys(planRun(manifest, { runId: 'r', command: 'build', select: batch.select })));
    return lockKeysOf.get(key)!;
  };

  it.each([['dag', dag], ['dag, 2 runs at most', { ...dag, maxConcurrentRuns: 2 }], ['serial', { windowMs: 60_000, concurrency: 'serial' as const }]])('%s', (_name, config) => {
    fc.assert(fc.property(fc.array(opArb, { maxLength: 60 }), (ops) => {
      let state = emptyCoalescerState();
      let now = 0;
      const active = new Map<string, CoalescedBatch>();
      const accepted: string[] = [];
      const ran: string[] = [];
      const check = () => {
        const { state: next, batches } = takeBatches(state, now, config, manifest);
        state = next;
        for (const batch of batches) {
          active.set(batch.name, batch);
          ran.push(...ids(batch));
        }
        const held = new Map<string, string>();
        for (const batch of active.values()) {
          for (const key of keysOf(batch)) {
            if (held.has(key)) throw new Error(`${key} held by ${held.get(key)} and ${batch.name}`);
            held.set(key, batch.name);
          }
        }
        expect(active.size).toBeLessThanOrEqual(config.concurrency === 'serial' ? 1 : (config.maxConcurrentRuns ?? 8));
      };
      for (const op of ops) {
        if (op.kind === 'arrive') {
          const sync = `${op.connector}-${op.sync}`;
          const { state: next, outcome } = acceptArrival(state, syncOf(CONNECTORS[op.connector]!, sync), manifest, now, config);
          state = next;
          if (outcome === 'buffered') accepted.push(`fivetran:${sync}`);
        } else if (op.kind === 'duplicate' && accepted.length > 0) {
          const id = accepted[op.which % accepted.length]!.slice('fivetran:'.length);
          expect(acceptArrival(state, syncOf(CONNECTORS[Number(id.split('-')[0])]!, id), manifest, now, config).outcome).toBe('duplicate');
        } else if (op.kind === 'tick') now += op.ms;
        else if (op.kind === 'finish' && active.size > 0) {
          const name = [...active.keys()][op.which % active.size]!;
          active.delete(name);
          state = runFinished(state, name);
        }
        check();
      }
      // Liveness: with every run ending and time passing, everything accepted runs, exactly once.
      for (let round = 0; round < 50 && (state.pending.length > 0 || active.size > 0); round++) {
        for (const name of [...active.keys()]) {
          active.delete(name);
          state = runFinished(state, name);
        }
        now += config.windowMs;
        check();
      }
      expect(state.pending).toEqual([]);
      expect([...ran].sort()).toEqual([...accepted].sort());
    }), { numRuns: 200 });
  });
});

describe('TimedCoalescer (the local stack\'s) with dag concurrency', () => {
  it('runs disjoint parts at once and never two runs whose lock keys meet', async () => {
    const { TimedCoalescer } = await import('../../../src/runtime/coalesce/timed-coalescer');
    const active = new Map<string, string[]>();
    let maxActive = 0;
    const ran: string[] = [];
    const coalescer = new TimedCoalescer({
      manifest, windowMs: 20, concurrency: 'dag',
      startRun: async (batch) => {
        const keys = runLockKeys(planRun(manifest, { runId: batch.name, command: 'build', select: batch.select }));
        for (const other of active.values()) expect(keys.filter((k) => other.includes(k))).toEqual([]);
        active.set(batch.name, keys);
        maxActive = Math.max(maxActive, active.size);
        await new Promise((resolve) => setTimeout(resolve, 30));
        ran.push(...ids(batch));
        active.delete(batch.name);
      },
    });
    const arrivals = Array.from({ length: 60 }, (_, i) => syncOf(CONNECTORS[i % CONNECTORS.length]!, `t${i}`));
    for (const [i, event] of arrivals.entries()) {
      coalescer.accept(event);
      if (i % 6 === 5) await new Promise((resolve) => setTimeout(resolve, 7));
    }
    await coalescer.whenIdle();
    coalescer.dispose();
    expect(ran.sort()).toEqual(arrivals.map((a) => a.detail.arrivalId).sort());
    expect(maxActive).toBeGreaterThan(1);
    expect(maxActive).toBeLessThanOrEqual(4); // {c0,c1} {c2,c3} {c4} {c5}
  });
});
