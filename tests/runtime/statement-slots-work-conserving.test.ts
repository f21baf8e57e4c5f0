/**
 * Work-conserving statement slots (issue 18, 10× load: 8 runs held 2 slots each and left them idle between layers):
 * a run takes the slots no other run waits for, gives back what it does not use at the end of its step, asks only
 * for nodes that are ready, and a run granted nothing waits until another run's earliest statement is due. The bound
 * holds through all of it (a seeded random schedule of admissions, submissions, settles and releases).
 */
import type { RunNode } from '../../src/engine';
import { endFailedRun, RunFailedError } from '../../src/runtime/end-failed-run';
import type { RunDependencies } from '../../src/runtime/transform-run';
import {
  admitToLedger, InMemorySlotLedgerStore, StatementSlots, fairShareOf, nextReleaseAt, readyNodes, releaseFromLedger, settleInLedger, type SlotLedger,
} from '../../src/runtime/statement-slots';

const at = (now: number) => ({ bound: 16, now, staleAfterMs: 600_000 });

describe('work-conserving admission', () => {
  it('lets a run take the slots no other run waits for, beyond its fair share', () => {
    let { ledger } = admitToLedger({ holders: {} }, 'b', { running: 0, wanted: 2, ...at(0) });
    // b holds 2 and wants nothing more: a may take the other 14, not only its fair share of 8.
    let granted: number;
    ({ ledger, granted } = admitToLedger(ledger, 'a', { running: 0, wanted: 20, ...at(1) }));
    expect(fairShareOf(16, 2)).toBe(8);
    expect(granted).toBe(14);
    expect(ledger.holders.a).toMatchObject({ inFlight: 14, waiting: 6 });
  });

  it('under contention, leaves freed slots to a run waiting below its fair share', () => {
    let { ledger } = admitToLedger({ holders: {} }, 'a', { running: 0, wanted: 16, ...at(0) });
    let granted: number;
    ({ ledger, granted } = admitToLedger(ledger, 'b', { running: 0, wanted: 8, ...at(1) }));
    expect(granted).toBe(0);
    expect(ledger.holders.b).toMatchObject({ inFlight: 0, waiting: 8 });
    // 6 of a's statements ended: a does not refill them while b waits for its share…
    ledger = settleInLedger(ledger, 'a', { running: 10, ready: 6, now: 2 });
    ({ ledger, granted } = admitToLedger(ledger, 'a', { running: 10, wanted: 6, ...at(3) }));
    expect(granted).toBe(0);
    // …b takes them.
    ({ ledger, granted } = admitToLedger(ledger, 'b', { running: 0, wanted: 8, ...at(4) }));
    expect(granted).toBe(6);
  });

  it('gives back at the end of a step what the run did not submit and what ended', () => {
    let { ledger } = admitToLedger({ holders: {} }, 'a', { running: 0, wanted: 16, ...at(0) });
    ledger = settleInLedger(ledger, 'a', { running: 3, ready: 0, releasesAt: 40_000, now: 1 });
    expect(ledger.holders.a).toEqual({ inFlight: 3, updatedAt: 1, releasesAt: 40_000 });
    expect(admitToLedger(ledger, 'b', { running: 0, wanted: 16, ...at(2) }).granted).toBe(13);
    // A settle never raises what the run holds (its running count is what it was granted or less).
    expect(settleInLedger(ledger, 'a', { running: 9, ready: 0, now: 3 }).holders.a!.inFlight).toBe(3);
    // Nothing running, nothing ready: the run leaves the ledger.
    expect(settleInLedger(ledger, 'a', { running: 0, ready: 0, now: 4 }).holders.a).toBeUndefined();
  });

  it('keeps a retried invocation\'s slots through a settle of the attempt before', () => {
    let { ledger } = admitToLedger({ holders: {} }, 'a', { running: 0, wanted: 4, invocation: 7, ...at(0), bound: 4 });
    ledger = settleInLedger(ledger, 'a', { running: 3, ready: 0, now: 1 });
    // The attempt failed after settling (saving the run failed): its retry still holds the 3 that run.
    const retried = admitToLedger(ledger, 'a', { running: 0, wanted: 4, invocation: 7, ...at(2), bound: 4 });
    expect(retried.granted).toBe(4);
  });
});

describe('what a run asks for and how long it waits', () => {
  const node = (id: string, status: RunNode['status'], dependsOn: string[] = [], kind: RunNode['kind'] = 'model'): RunNode => ({ id, name: id, kind, status, dependsOn });

  it('asks only for ready nodes: a run between layers holds no idle slot', () => {
    const nodes = [
      node('stg', 'running'), node('int1', 'pending', ['stg']), node('int2', 'pending', ['stg']),
      node('other', 'success'), node('mart', 'pending', ['other']), node('tests:mart', 'pending', ['mart'], 'tests'),
    ];
    expect(readyNodes({ nodes })).toBe(1); // mart; int1 and int2 wait for stg, the tests ride with mart
  });

  it('waits for the earliest statement end another live run expects, within 1 s to 60 s', () => {
    const ledger: SlotLedger = { holders: {
      b: { inFlight: 10, updatedAt: 0, releasesAt: 45_000 },
      c: { inFlight: 6, updatedAt: 0, releasesAt: 30_000 },
      d: { inFlight: 0, updatedAt: 0, waiting: 4, releasesAt: 2_000 }, // holds nothing: frees nothing
      stale: { inFlight: 4, updatedAt: -700_000, releasesAt: 5_000 },
    } };
    expect(nextReleaseAt(ledger, 'a', { now: 1_000, staleAfterMs: 600_000 })).toBe(30_000);
    expect(nextReleaseAt(ledger, 'a', { now: 29_500, staleAfterMs: 600_000 })).toBe(30_500); // at least a second
    expect(nextReleaseAt({ holders: {} }, 'a', { now: 0, staleAfterMs: 600_000 })).toBe(1_000);
    expect(nextReleaseAt({ holders: { b: { inFlight: 1, updatedAt: 0, releasesAt: 900_000 } } }, 'a', { now: 0, staleAfterMs: 600_000 })).toBe(60_000);
  });
});

describe('the bound under a random schedule', () => {
  it('never has more statements in flight than the bound, and every run finishes', () => {
    let seed = 26;
    const random = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);
    const bound = 7;
    let ledger: SlotLedger = { holders: {} };
    // Each run: statements left to do, statements in flight (each with the tick it ends at).
    const runs = new Map(Array.from({ length: 6 }, (_, i) => [`r${i}`, { left: 20 + Math.floor(random() * 30), flight: [] as number[], invocation: 0 }]));
    let most = 0;
    for (let tick = 0; tick < 5_000 && runs.size > 0; tick++) {
      const [id, run] = [...runs.entries()][Math.floor(random() * runs.size)]!;
      run.flight = run.flight.filter((end) => end > tick);
      run.invocation++;
      const ready = Math.min(run.left, 1 + Math.floor(random() * 5)); // what the DAG makes ready now
      const admitted = admitToLedger(ledger, id, { running: run.flight.length, wanted: ready, bound, now: tick, staleAfterMs: 1e9, invocation: run.invocation });
      ledger = admitted.ledger;
      const submit = Math.min(admitted.granted, ready, Math.floor(random() * (admitted.granted + 1)));
      for (let i = 0; i < submit; i++) run.flight.push(tick + 1 + Math.floor(random() * 30));
      run.left -= submit;
      most = Math.max(most, [...runs.values()].reduce((sum, r) => sum + r.flight.filter((end) => end > tick).length, 0));
      if (run.left === 0 && run.flight.length === 0) {
        ledger = releaseFromLedger(ledger, id);
        runs.delete(id);
      } else {
        ledger = settleInLedger(ledger, id, { running: run.flight.length, ready: Math.min(run.left, ready), now: tick });
      }
    }
    expect(most).toBeLessThanOrEqual(bound);
    expect(most).toBe(bound); // the slots were used, not left idle
    expect(runs.size).toBe(0);
  });
});

describe('a failed or crashed run', () => {
  it('gives its slots back in EndFailedRun, not after the ledger\'s 15 minutes', async () => {
    const store = new InMemorySlotLedgerStore();
    const slots = new StatementSlots({ store, bound: 16 });
    expect(await slots.admit('r1', { running: 0, wanted: 16 })).toBe(16);
    const deps = { manifest: {}, runStates: { pointerFor: (name: string) => ({ bucket: 'b', key: `runs/${name}` }) }, statementSlots: slots } as unknown as RunDependencies;
    const execution = { Id: 'arn:aws:states:us-east-1:1:execution:t:r1', Name: 'r1', RedriveCount: 0 };
    const crashed = { state: { bucket: 'b', key: 'runs/r1' }, redriveCount: 0, crashedIn: 'AdvanceRun', crash: { Error: 'Lambda.Unknown', Cause: 'timeout' } };
    await expect(endFailedRun({ payload: crashed, execution }, deps)).rejects.toBeInstanceOf(RunFailedError);
    expect((await store.read()).ledger.holders.r1).toBeUndefined();
    expect(await slots.admit('r2', { running: 0, wanted: 16 })).toBe(16);
  });
});
