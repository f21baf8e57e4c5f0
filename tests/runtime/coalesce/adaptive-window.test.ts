/**
 * The adaptive coalescing window (issue 18): under pressure (runs queued) a part of the DAG keeps its window open
 * while its arrivals keep coming (up to a stretch), so a burst becomes one run; a quiet part still closes one window
 * after its arrival; without pressure, and in serial mode, the window is fixed.
 */
import { partWindowClosesAt, underPressure } from '../../../src/runtime/coalesce/adaptive-window';
import {
  acceptArrival, emptyCoalescerState, takeBatches, windowClosesAt, type CoalescedBatch, type CoalescerConfig, type CoalescerState,
} from '../../../src/runtime/coalesce/coalescer';
import { dagProjectManifest, syncOf } from './support/dag-project';

const manifest = dagProjectManifest();
const dag: CoalescerConfig = { windowMs: 60_000, concurrency: 'dag' };
const ids = (batch: CoalescedBatch) => batch.arrivals.map((a) => a.detail.arrivalId);
const accept = (state: CoalescerState, connector: string, sync: string, at: number, config = dag) => acceptArrival(state, syncOf(connector, sync), manifest, at, config).state;

describe('the window policy', () => {
  const calm = { queuedParts: 0, activeRuns: 2, maxRuns: 8 };
  it('is fixed without pressure, slides after the last arrival under pressure, capped at the stretch', () => {
    expect(partWindowClosesAt({ openedAt: 0, lastReceivedAt: 50_000 }, 60_000, calm)).toBe(60_000);
    expect(partWindowClosesAt({ openedAt: 0, lastReceivedAt: 50_000 }, 60_000, undefined)).toBe(60_000);
    const queued = { ...calm, queuedParts: 1 };
    expect(partWindowClosesAt({ openedAt: 0, lastReceivedAt: 50_000 }, 60_000, queued)).toBe(110_000);
    expect(partWindowClosesAt({ openedAt: 0, lastReceivedAt: 170_000 }, 60_000, queued)).toBe(180_000); // 3 windows at most
    expect(partWindowClosesAt({ openedAt: 0, lastReceivedAt: 170_000 }, 60_000, queued, 1)).toBe(60_000); // stretch 1: fixed
    expect(partWindowClosesAt({ openedAt: 0, lastReceivedAt: 0 }, 60_000, queued)).toBe(60_000); // one arrival: on time
  });

  it('counts as pressure a queued part, the run limit reached, or saturated slots', () => {
    expect(underPressure({ queuedParts: 0, activeRuns: 7, maxRuns: 8 })).toBe(false);
    expect(underPressure({ queuedParts: 1, activeRuns: 1, maxRuns: 8 })).toBe(true);
    expect(underPressure({ queuedParts: 0, activeRuns: 8, maxRuns: 8 })).toBe(true);
    expect(underPressure({ queuedParts: 0, activeRuns: 1, maxRuns: 8, slotsSaturated: true })).toBe(true);
  });
});

describe('the coalescer under pressure', () => {
  /** A run active for c0's part (src0, src1) and an arrival for c1 queued behind it: the scheduler is under pressure. */
  function queuedBehindARun(): CoalescerState {
    const first = takeBatches(accept(emptyCoalescerState(), 'c0', 'running', 0), 60_000, dag, manifest).state;
    return accept(first, 'c1', 'queued', 70_000);
  }

  it('merges a burst for one part into one run while a quiet part starts on time', () => {
    let state = queuedBehindARun();
    for (const [sync, at] of [['b1', 100_000], ['b2', 150_000], ['b3', 200_000]] as const) state = accept(state, 'c2', sync, at);
    state = accept(state, 'c4', 'quiet', 110_000);
    expect(windowClosesAt(state, dag, manifest)).toBe(170_000); // the quiet part's window
    let taken = takeBatches(state, 175_000, dag, manifest);
    expect(taken.batches.map(ids)).toEqual([['fivetran:quiet']]); // not held back by c2's burst
    taken = takeBatches(taken.state, 230_000, dag, manifest);
    expect(taken.batches).toEqual([]); // c2's last arrival was 30 s ago: its window is still open
    expect(windowClosesAt(taken.state, dag, manifest)).toBe(260_000);
    taken = takeBatches(taken.state, 260_000, dag, manifest);
    expect(taken.batches.map(ids)).toEqual([['fivetran:b1', 'fivetran:b2', 'fivetran:b3']]);
  });

  it('keeps the fixed window without pressure, and in serial mode', () => {
    let state = emptyCoalescerState();
    for (const [sync, at] of [['b1', 100_000], ['b2', 150_000]] as const) state = accept(state, 'c2', sync, at);
    expect(windowClosesAt(state, dag, manifest)).toBe(160_000); // nothing queued: a window after the first arrival
    expect(takeBatches(state, 160_000, dag, manifest).batches.map(ids)).toEqual([['fivetran:b1', 'fivetran:b2']]);
    const serial: CoalescerConfig = { windowMs: 60_000, concurrency: 'serial' };
    let s = takeBatches(accept(emptyCoalescerState(), 'c0', 'running', 0, serial), 60_000, serial).state;
    s = accept(s, 'c2', 'b1', 100_000, serial);
    s = accept(s, 'c2', 'b2', 150_000, serial);
    expect(windowClosesAt(s, serial)).toBeNull(); // behind the active run, as before
  });
});
