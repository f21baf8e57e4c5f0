/**
 * The AWS coalescer (lease in DynamoDB, the local endpoint) with `dag` concurrency: one invocation starts every
 * disjoint part whose window closed, a run's end starts only what waited for it, a lost end event of one of several
 * runs is repaired by DescribeExecution without touching the others.
 */
import type { CoalescedBatch } from '../../../src/runtime/coalesce/coalescer';
import { DynamoDbLeaseStore } from '../../../src/runtime/coalesce/dynamodb-lease-store';
import { acceptArrivals, checkWindow, releaseRun, type LeaseCoalescerOptions, type RunStatus } from '../../../src/runtime/coalesce/lease-coalescer';
import { startLocalDynamoDbClient } from '../../local/aws/support';
import { dagProjectManifest, syncOf } from './support/dag-project';

const MINUTE = 60_000;
let close: () => Promise<void>;
let store: DynamoDbLeaseStore;

beforeEach(async () => {
  const local = await startLocalDynamoDbClient(['lease']);
  store = new DynamoDbLeaseStore(local.client, 'lease');
  close = local.close;
});
afterEach(async () => close());

function harness() {
  let clock = 0;
  const started: CoalescedBatch[] = [];
  const statuses = new Map<string, RunStatus>();
  const wakes: number[] = [];
  const options: LeaseCoalescerOptions = {
    store, manifest: dagProjectManifest(), windowMs: MINUTE, concurrency: 'dag', activeRunCheckAfterMs: 3 * MINUTE,
    now: () => clock,
    startBatch: async (batch) => void started.push(batch),
    describeRun: async (name) => statuses.get(name) ?? 'running',
    wakeAfter: async (delayMs) => void wakes.push(delayMs),
  };
  const ids = (batch: CoalescedBatch | undefined) => batch?.arrivals.map((a) => a.detail.arrivalId);
  return { options, started, statuses, wakes, ids, setClock: (ms: number) => { clock = ms; } };
}

it('starts every disjoint part whose window closed, and only what waited for a run when it ends', async () => {
  const h = harness();
  await acceptArrivals([{ event: syncOf('c0', 'a'), receivedAt: 0 }, { event: syncOf('c4', 'b'), receivedAt: 0 }], h.options);
  expect(h.wakes).toEqual([MINUTE]);
  h.setClock(MINUTE);
  const window = await checkWindow(h.options);
  expect(window.startedBatches?.map(h.ids)).toEqual([['fivetran:a'], ['fivetran:b']]);
  expect((await store.read()).record).toMatchObject({ starting: [], state: { activeRuns: [{ name: h.started[0]!.name }, { name: h.started[1]!.name }] } });

  h.setClock(MINUTE + 1000);
  const during = await acceptArrivals([{ event: syncOf('c1', 'shares-m01'), receivedAt: MINUTE + 1000 }, { event: syncOf('c5', 'free'), receivedAt: MINUTE + 1000 }], h.options);
  expect(during.started).toBeUndefined();
  h.setClock(2 * MINUTE + 1000);
  expect((await checkWindow(h.options)).startedBatches?.map(h.ids)).toEqual([['fivetran:free']]); // c1 waits for the c0 run (m01)
  expect((await releaseRun(h.started[1]!.name, h.options)).started).toBeUndefined(); // c4's run: not what c1 waits for
  expect(h.ids((await releaseRun(h.started[0]!.name, h.options)).started)).toEqual(['fivetran:shares-m01']);
});

it('frees one of several runs whose end event was lost, asking Step Functions only about runs due for a check', async () => {
  const h = harness();
  await acceptArrivals([{ event: syncOf('c0', 'a'), receivedAt: 0 }, { event: syncOf('c4', 'b'), receivedAt: 0 }], h.options);
  h.setClock(MINUTE);
  await checkWindow(h.options);
  const [c0Run, c4Run] = h.started;
  h.statuses.set(c0Run!.name, 'closed'); // its end event never comes
  h.setClock(2 * MINUTE);
  await acceptArrivals([{ event: syncOf('c1', 'waits'), receivedAt: 2 * MINUTE }], h.options);
  expect(h.started).toHaveLength(2);
  expect(h.wakes.at(-1)).toBe(2 * MINUTE); // a check when the runs are 3 minutes old
  h.setClock(4 * MINUTE);
  const checked = await checkWindow(h.options);
  expect(checked.closedRun).toBe(c0Run!.name);
  expect(h.ids(checked.started)).toEqual(['fivetran:waits']);
  const { record } = await store.read();
  expect(record!.state.activeRuns.map((r) => [r.name, r.checkedAt])).toEqual([[c4Run!.name, 4 * MINUTE], [checked.started!.name, undefined]]);
});
