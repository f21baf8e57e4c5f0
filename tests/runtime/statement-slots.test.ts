/**
 * Statement slots: the bound on statements in flight across runs. The pure admission (fair share, stale runs),
 * then six runs stepping at once against the ledger in the local S3 endpoint (real SDK client, If-Match /
 * If-None-Match conditional writes): the statements they have in flight never exceed the bound, and every run
 * gets all its statements through.
 */
import path from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { type LocalCloud, startLocalCloud } from '../../src/local/aws/local-cloud';
import { LocalS3 } from '../../src/local/aws/s3';
import { admitToLedger, concurrencyForStep, InMemorySlotLedgerStore, releaseFromLedger, StatementSlots, type SlotLedgerStore } from '../../src/runtime/statement-slots';
import { S3SlotLedgerStore } from '../../src/runtime/statement-slots-s3';
import { clientConfig, makeStateDir } from '../local/aws/support';

const at = (now: number) => ({ bound: 16, now, staleAfterMs: 60_000 });

describe('admission to the ledger', () => {
  it('grants up to the bound, then a fair share to each run, and frees what a run gave back or a silent run held', () => {
    let { ledger, granted } = admitToLedger({ holders: {} }, 'a', { running: 0, wanted: 40, ...at(0) });
    expect(granted).toBe(16);
    ({ ledger, granted } = admitToLedger(ledger, 'b', { running: 0, wanted: 40, ...at(1) }));
    expect(granted).toBe(0); // a holds all 16
    ({ ledger, granted } = admitToLedger(ledger, 'a', { running: 10, wanted: 6, ...at(2) })); // 6 of a's ended
    expect(granted).toBe(0); // a is above its fair share (8) now that b waits: it shrinks as its statements end
    ({ ledger, granted } = admitToLedger(ledger, 'b', { running: 0, wanted: 40, ...at(3) }));
    expect(granted).toBe(6);
    ledger = releaseFromLedger(ledger, 'a');
    ({ granted } = admitToLedger(ledger, 'b', { running: 6, wanted: 34, ...at(4) }));
    expect(granted).toBe(10);
    ({ granted } = admitToLedger(ledger, 'c', { running: 0, wanted: 40, ...at(70_000) })); // b silent for a minute
    expect(granted).toBe(16);
  });
});

/** Runs stepping as AdvanceRun does: admit, submit what was granted, let some statements end, again. */
async function simulate(store: SlotLedgerStore, runs: number, statementsPerRun: number, bound: number) {
  const slots = new StatementSlots({ store, bound });
  let inFlight = 0;
  let maxInFlight = 0;
  const submitted = new Array<number>(runs).fill(0);
  await Promise.all(Array.from({ length: runs }, async (_, r) => {
    let running = 0;
    for (let step = 0; step < 500 && (submitted[r]! < statementsPerRun || running > 0); step++) {
      const wanted = Math.min(8 - running, statementsPerRun - submitted[r]!);
      const granted = wanted > 0 ? await slots.admit(`run-${r}`, { running, wanted }) : 0;
      running += granted;
      submitted[r]! += granted;
      inFlight += granted;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 10));
      const ended = Math.ceil(running * Math.random());
      running -= ended;
      inFlight -= ended;
    }
    await slots.release(`run-${r}`);
  }));
  return { maxInFlight, submitted };
}

describe('six runs at once', () => {
  it('never have more than the bound in flight (ledger in memory)', async () => {
    const { maxInFlight, submitted } = await simulate(new InMemorySlotLedgerStore(), 6, 40, 16);
    expect(maxInFlight).toBeLessThanOrEqual(16);
    expect(maxInFlight).toBeGreaterThan(8); // more than one run's worth: the runs did share the warehouse
    expect(submitted).toEqual(new Array(6).fill(40));
  });

  it('never have more than the bound in flight (ledger in the local S3, conditional writes)', async () => {
    const { stateDir, remove } = makeStateDir();
    const local = new LocalS3(path.join(stateDir, 's3'));
    local.createBucket('run-state');
    const cloud: LocalCloud = await startLocalCloud({ s3: local });
    const client = new S3Client({ ...clientConfig(cloud.url), forcePathStyle: true });
    try {
      const store = new S3SlotLedgerStore(client, 'run-state');
      const { maxInFlight, submitted } = await simulate(store, 6, 20, 12);
      expect(maxInFlight).toBeLessThanOrEqual(12);
      expect(submitted).toEqual(new Array(6).fill(20));
      expect((await store.read()).ledger.holders).toEqual({}); // every run gave its slots back
      // A write based on a stale read is refused (the compare-and-swap the bound rests on).
      const { version } = await store.read();
      expect(await store.write({ holders: { x: { inFlight: 1, updatedAt: 0 } } }, version)).toBe(true);
      expect(await store.write({ holders: {} }, version)).toBe(false);
    } finally {
      client.destroy();
      await cloud.close();
      remove();
    }
  });
});

describe('a run step under the slots', () => {
  const node = (id: string, status: 'pending' | 'running' | 'success') => ({ id, kind: 'model' as const, name: id, dependsOn: [], status });
  it('caps the step at what the run has running plus its grant, and gives the slots back when the run is done', async () => {
    const store = new InMemorySlotLedgerStore();
    const slots = new StatementSlots({ store, bound: 4 });
    const other = { runId: 'other', concurrency: 16, done: false, nodes: Array.from({ length: 10 }, (_, i) => node(`o${i}`, 'pending')) };
    expect(await concurrencyForStep(slots, other)).toBe(4);
    const run = { runId: 'run', concurrency: 16, done: false, nodes: [node('a', 'running'), node('b', 'pending'), node('c', 'pending')] };
    expect(await concurrencyForStep(slots, run)).toBe(1); // its running statement; nothing free (other holds 4 of 4)
    expect(await concurrencyForStep(slots, { ...other, done: true })).toBe(16);
    expect(await concurrencyForStep(slots, run)).toBe(3); // a running, b and c granted
    expect(Object.keys((await store.read()).ledger.holders)).toEqual(['run']);
    // A run at its own limit still tells the ledger what it runs, so it never goes stale while its statements last.
    const busy = { runId: 'busy', concurrency: 1, done: false, nodes: [node('x', 'running'), node('y', 'pending')] };
    expect(await concurrencyForStep(slots, busy)).toBe(1);
    expect((await store.read()).ledger.holders.busy?.inFlight).toBe(1);
    expect(await concurrencyForStep(undefined, run)).toBe(16);
  });
});

describe('a retried AdvanceRun (issue 18: 17 statements in flight against a bound of 16)', () => {
  const pending = (runId: string, count: number) => ({
    runId, concurrency: 16, done: false, nodes: Array.from({ length: count }, (_, i) => ({ id: `${runId}${i}`, kind: 'model' as const, name: `${runId}${i}`, dependsOn: [], status: 'pending' as const })),
  });
  it('keeps the slots its failed attempt may have filled: the stored state does not list what that attempt submitted', async () => {
    const slots = new StatementSlots({ store: new InMemorySlotLedgerStore(), bound: 16 });
    const a = pending('a', 20);
    // Invocation 3 of run a is granted 16, submits 16 statements, then fails (e.g. a transient DescribeStatement
    // error) before saving: Step Functions retries the Task with the same input, and the stored state shows none running.
    expect(await concurrencyForStep(slots, a, 3)).toBe(16);
    expect(await concurrencyForStep(slots, pending('b', 20), 1)).toBe(0);
    // The retry resubmits the same nodes (same client tokens, the same statements): it keeps its 16, so b, waiting
    // beside it, is not granted the slots a's 16 statements still fill.
    expect(await concurrencyForStep(slots, a, 3)).toBe(16);
    expect(await concurrencyForStep(slots, pending('b', 20), 2)).toBe(0);
    // The next invocation (4) saved what it runs: a's holding shrinks to it, b gets the rest.
    const aRunning10 = { ...a, nodes: a.nodes.map((n, i) => (i < 10 ? { ...n, status: 'running' as const, statementId: `s${i}` } : n)) };
    expect(await concurrencyForStep(slots, aRunning10, 4)).toBe(10);
    expect(await concurrencyForStep(slots, pending('b', 20), 3)).toBe(6);
  });
});
