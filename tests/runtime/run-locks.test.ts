import { acquireRunLocks, releaseRunLocks, RunLockedError, RunLocks, runLockKeys, type OwnerStatus, type RunLockOptions } from '../../src/runtime/run-locks';
import { DynamoDbRunLockStore, OWNER_CHUNK } from '../../src/runtime/run-locks-dynamodb';
import { startLocalDynamoDbClient } from '../local/aws/support';

const arn = (name: string) => `arn:aws:states:us-east-1:000000000000:execution:landfall-transform-run:${name}`;
const owner = (name: string) => ({ id: arn(name), label: name });

describe('run locks in DynamoDB (local endpoint)', () => {
  let close: () => Promise<void>;
  let store: DynamoDbRunLockStore;
  const statuses = new Map<string, OwnerStatus>();
  let clock = 1_000_000;
  let options: RunLockOptions;

  beforeEach(async () => {
    const local = await startLocalDynamoDbClient(['locks']);
    store = new DynamoDbRunLockStore(local.client, 'locks');
    statuses.clear();
    clock = 1_000_000;
    options = { store, executions: { statusOf: async (id) => statuses.get(id) ?? 'unknown' }, now: () => clock, ttlMs: 3600_000 };
    close = local.close;
  });
  afterEach(async () => close());

  it('locks the relations a run writes, not its tests or hooks', () => {
    const nodes = [
      { id: 'model.p.b', kind: 'model' }, { id: 'seed.p.a', kind: 'seed' }, { id: 'tests:model.p.b', kind: 'tests' },
      { id: 'operation.p.p-on-run-start-0', kind: 'operation' }, { id: 'load:source.p.raw.events', kind: 'load' },
    ] as never;
    expect(runLockKeys({ nodes })).toEqual(['load:source.p.raw.events', 'model.p.b', 'seed.p.a']);
  });

  it('refuses a second live run on an overlapping model and gives back what it took', async () => {
    statuses.set(arn('a'), 'running');
    statuses.set(arn('b'), 'running');
    await acquireRunLocks(['model.p.x', 'model.p.y'], owner('a'), options);
    const second = acquireRunLocks(['model.p.w', 'model.p.y', 'model.p.z'], owner('b'), options);
    await expect(second).rejects.toBeInstanceOf(RunLockedError);
    await expect(second).rejects.toThrow(/model\.p\.y \(held by a\)/);
    expect(await store.read('model.p.w')).toBeUndefined();
    expect(await store.read('model.p.z')).toBeUndefined();
    expect((await store.read('model.p.y'))?.owner).toBe(arn('a'));
  });

  it('lets two runs with disjoint models hold their locks at once', async () => {
    statuses.set(arn('a'), 'running');
    statuses.set(arn('b'), 'running');
    await acquireRunLocks(['model.p.x'], owner('a'), options);
    await expect(acquireRunLocks(['model.p.y'], owner('b'), options)).resolves.toMatchObject({ acquired: ['model.p.y'] });
  });

  it('is re-entrant for its owner (a retried PlanRun, a redrive)', async () => {
    statuses.set(arn('a'), 'running');
    await acquireRunLocks(['model.p.x'], owner('a'), options);
    await expect(acquireRunLocks(['model.p.x'], owner('a'), options)).resolves.toMatchObject({ acquired: ['model.p.x'], tookOver: [] });
  });

  it('takes over at once a lock whose owner execution is closed or gone, without waiting for its expiry', async () => {
    statuses.set(arn('a'), 'running');
    await acquireRunLocks(['model.p.x', 'model.p.y'], owner('a'), options);
    statuses.set(arn('a'), 'closed');
    statuses.set(arn('b'), 'running');
    const taken = await acquireRunLocks(['model.p.x'], owner('b'), options);
    expect(taken.tookOver).toEqual([{ key: 'model.p.x', from: arn('a') }]);
    statuses.delete(arn('a'));
    const gone = await acquireRunLocks(['model.p.y'], owner('c'), options);
    expect(gone.tookOver).toEqual([{ key: 'model.p.y', from: arn('a') }]);
  });

  it('treats an expired lock as free even when its owner cannot be asked (a process)', async () => {
    const cli = { id: 'cli:host:123', label: 'landfall backfill' };
    statuses.set(cli.id, 'running');
    await acquireRunLocks(['model.p.x'], cli, options);
    await expect(acquireRunLocks(['model.p.x'], owner('b'), options)).rejects.toBeInstanceOf(RunLockedError);
    clock += 3600_000;
    await expect(acquireRunLocks(['model.p.x'], owner('b'), options)).resolves.toMatchObject({ tookOver: [{ key: 'model.p.x', from: cli.id }] });
  });

  it('releases by owner alone (the run-finished rule knows only the execution), and never another owner’s lock', async () => {
    statuses.set(arn('a'), 'running');
    const keys = Array.from({ length: OWNER_CHUNK + 5 }, (_, i) => `model.p.m${String(i).padStart(5, '0')}`);
    await acquireRunLocks(keys, owner('a'), { ...options, concurrency: 64 });
    statuses.set(arn('a'), 'closed');
    statuses.set(arn('b'), 'running');
    await acquireRunLocks(['model.p.m00000'], owner('b'), options);
    const released = await releaseRunLocks(arn('a'), options);
    expect(released).toHaveLength(keys.length);
    expect(await store.read('model.p.m00001')).toBeUndefined();
    expect((await store.read('model.p.m00000'))?.owner).toBe(arn('b'));
    expect(await releaseRunLocks(arn('a'), options)).toEqual([]);
  });

  /** Execution 'a', whose status and redrive count the test sets, and run locks that ask them. */
  function redrivableExecution() {
    const redrives = new Map<string, number>();
    const reader = {
      statusOf: async (id: string) => statuses.get(id) ?? 'unknown',
      describe: async (id: string) => ({ status: statuses.get(id) ?? 'unknown', redriveCount: redrives.get(id) ?? 0 }),
    } as const;
    return { redrives, reader, locks: new RunLocks({ ...options, executions: reader }), execution: { arn: arn('a'), name: 'a' } };
  }

  it('never lets a late run-finished event free what a redrive of the same execution re-acquired', async () => {
    const { redrives, reader, locks, execution } = redrivableExecution();
    statuses.set(arn('a'), 'running');
    await locks.acquire(['model.p.x'], execution);
    // Attempt 0 fails (closed); it is redriven before its status event is handled, and its re-plan takes the lock again.
    statuses.set(arn('a'), 'closed');
    const describedWhileClosed = await reader.describe(arn('a'));
    statuses.set(arn('a'), 'running');
    redrives.set(arn('a'), 1);
    await locks.acquire(['model.p.x'], { ...execution, redriveCount: 1 });
    // The late event is handled now: while the execution runs again, nothing is released …
    expect(await locks.releaseFor(arn('a'))).toEqual([]);
    // … and even a release for the closed attempt decided before the redrive frees nothing of attempt 1.
    await releaseRunLocks(arn('a'), options, describedWhileClosed.redriveCount);
    expect(await store.read('model.p.x')).toMatchObject({ owner: arn('a'), attempt: 1 });
    statuses.set(arn('a'), 'closed');
    expect(await locks.releaseFor(arn('a'))).toEqual(['model.p.x']);
    expect(await store.read('model.p.x')).toBeUndefined();
  });

  it('frees, when a redrive re-locks, what an earlier attempt locked and built (its own release came after the redrive began)', async () => {
    const { redrives, locks, execution } = redrivableExecution();
    statuses.set(arn('a'), 'running');
    await locks.acquire(['model.p.built', 'model.p.crashed'], execution);
    // Attempt 0 crashes after building 'built'; the redrive starts before the close's release asks the status.
    redrives.set(arn('a'), 1);
    expect(await locks.releaseFor(arn('a'))).toEqual([]);
    await locks.acquire(['model.p.crashed'], { ...execution, redriveCount: 1 });
    expect(await store.read('model.p.built')).toBeUndefined();
    expect(await store.read('model.p.crashed')).toMatchObject({ owner: arn('a'), attempt: 1 });
    statuses.set(arn('a'), 'closed');
    expect(await locks.releaseFor(arn('a'))).toEqual(['model.p.crashed']);
    expect(await store.read('model.p.crashed')).toBeUndefined();
  });

  it('never grants one model to two of many runs racing for it', async () => {
    for (const n of ['r0', 'r1', 'r2', 'r3', 'r4', 'r5']) statuses.set(arn(n), 'running');
    const results = await Promise.allSettled(['r0', 'r1', 'r2', 'r3', 'r4', 'r5'].map((n) => acquireRunLocks(['model.p.a', 'model.p.b', 'model.p.c'], owner(n), options)));
    const winners = results.filter((r) => r.status === 'fulfilled');
    expect(winners.length).toBeLessThanOrEqual(1);
    const holders = new Set(await Promise.all(['model.p.a', 'model.p.b', 'model.p.c'].map(async (k) => (await store.read(k))?.owner)));
    if (winners.length === 1) expect(holders.size).toBe(1);
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(RunLockedError);
  });
});
