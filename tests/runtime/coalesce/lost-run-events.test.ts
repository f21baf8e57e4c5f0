/**
 * The AWS coalescer's start and liveness checks against the local Step Functions endpoint (real SDK client,
 * real DescribeExecution/StartExecution semantics) with the lease in the local DynamoDB: a lost run-finished
 * event, the same arrival delivered three times, and a closed execution under the batch's name.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import type { Manifest } from '../../../src/engine';
import type { DataArrivedEvent } from '../../../src/events/arrival';
import { LocalDynamoDb, startLocalDynamoDb } from '../../../src/local/aws/dynamodb';
import { type LocalCloud, startLocalCloud } from '../../../src/local/aws/local-cloud';
import { LocalStepFunctions } from '../../../src/local/aws/step-functions';
import { describeExecutionStatus, executionArnOf, startExecutionOnce } from '../../../src/runtime/coalesce/aws-coalescer';
import { DynamoDbLeaseStore } from '../../../src/runtime/coalesce/dynamodb-lease-store';
import { acceptArrivals, checkWindow, type LeaseCoalescerOptions } from '../../../src/runtime/coalesce/lease-coalescer';
import { clientConfig, makeStateDir } from '../../local/aws/support';

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

const MINUTE = 60_000;
let cloud: LocalCloud;
let stepFunctions: LocalStepFunctions;
let sfn: SFNClient;
let dynamo: { url: string; close: () => Promise<void> };
let dynamoClient: DynamoDBClient;
let removeStateDir: () => void;
let stateMachineArn: string;
let table = 0;

beforeAll(async () => {
  const { stateDir, remove } = makeStateDir();
  removeStateDir = remove;
  stepFunctions = new LocalStepFunctions({
    stateDir,
    stateMachines: { transform: { definition: { StartAt: 'Build', States: { Build: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:000000000000:function:build', End: true } } }, taskHandlers: { Build: async () => ({ built: true }) } } },
  });
  cloud = await startLocalCloud({ stepFunctions });
  sfn = new SFNClient(clientConfig(cloud.url));
  stateMachineArn = stepFunctions.stateMachineArn('transform');
  const tables = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`lease-${i}`, { partitionKey: 'pk' }]));
  dynamo = await startLocalDynamoDb(new LocalDynamoDb({ tables }));
  dynamoClient = new DynamoDBClient(clientConfig(dynamo.url));
});

afterAll(async () => {
  sfn.destroy();
  dynamoClient.destroy();
  await stepFunctions.waitForAllExecutions();
  await cloud.close();
  await dynamo.close();
  removeStateDir();
});

/** The AWS coalescer's options with a movable clock; its executions run (and close) at once. */
function coalescer(windowMs = 0) {
  let clock = Date.parse('2026-12-05T04:00:00Z');
  const wakes: number[] = [];
  const options: LeaseCoalescerOptions = {
    store: new DynamoDbLeaseStore(dynamoClient, `lease-${table++}`),
    manifest, windowMs,
    now: () => clock,
    startBatch: (batch) => startExecutionOnce(sfn, stateMachineArn, batch),
    describeRun: (name) => describeExecutionStatus(sfn, executionArnOf(stateMachineArn, name)),
    activeRunCheckAfterMs: 3 * MINUTE,
    wakeAfter: async (delayMs) => void wakes.push(delayMs),
  };
  return { options, wakes, advance: (ms: number) => { clock += ms; } };
}

async function executionsNamed(name: string) {
  const { executions } = await sfn.send(new ListExecutionsCommand({ stateMachineArn }));
  return (executions ?? []).filter((e) => e.name === name);
}

describe('lease coalescer against the local Step Functions endpoint', () => {
  it('frees the lease within the check window when the run-finished event is lost, and starts the waiting arrivals', async () => {
    const c = coalescer();
    const first = await acceptArrivals([{ event: arrival('a', 'lost-1'), receivedAt: Date.parse('2026-12-05T04:00:00Z') }], c.options);
    await stepFunctions.waitForExecution(executionArnOf(stateMachineArn, first.started!.name));
    // The run ended, but its end event never reaches the coalescer. An arrival one minute later waits …
    c.advance(MINUTE);
    const waiting = await acceptArrivals([{ event: arrival('b', 'lost-2'), receivedAt: Date.parse('2026-12-05T04:01:00Z') }], c.options);
    expect(waiting.started).toBeUndefined();
    // … and a wake-up is due when the active run is 3 minutes old (not in 6 hours).
    expect(c.wakes).toEqual([2 * MINUTE]);
    c.advance(2 * MINUTE);
    const checked = await checkWindow(c.options);
    expect(checked.closedRun).toBe(first.started!.name);
    expect(checked.started?.arrivals.map((a) => a.detail.arrivalId)).toEqual(['fivetran:lost-2']);
  });

  it('keeps the lease while the active run is really running, and asks again later', async () => {
    const c = coalescer();
    let release!: () => void;
    const running = new Promise<void>((resolve) => (release = resolve));
    const gated = new LocalStepFunctions({
      stateDir: makeStateDir().stateDir,
      stateMachines: { transform: { definition: { StartAt: 'Build', States: { Build: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:000000000000:function:build', End: true } } }, taskHandlers: { Build: async () => running } } },
    });
    const gatedCloud = await startLocalCloud({ stepFunctions: gated });
    const gatedSfn = new SFNClient(clientConfig(gatedCloud.url));
    const arn = gated.stateMachineArn('transform');
    const options: LeaseCoalescerOptions = {
      ...c.options,
      startBatch: (batch) => startExecutionOnce(gatedSfn, arn, batch),
      describeRun: (name) => describeExecutionStatus(gatedSfn, executionArnOf(arn, name)),
    };
    try {
      await acceptArrivals([{ event: arrival('a', 'busy-1'), receivedAt: 0 }], options);
      c.advance(5 * MINUTE);
      const during = await acceptArrivals([{ event: arrival('b', 'busy-2'), receivedAt: 0 }], options);
      expect(during.started).toBeUndefined();
      expect(during.closedRun).toBeUndefined();
      expect(c.wakes).toEqual([3 * MINUTE]);
      release();
      await gated.waitForAllExecutions();
      c.advance(3 * MINUTE);
      const after = await checkWindow(options);
      expect(after.started?.arrivals.map((a) => a.detail.arrivalId)).toEqual(['fivetran:busy-2']);
    } finally {
      release();
      await gated.waitForAllExecutions();
      gatedSfn.destroy();
      await gatedCloud.close();
    }
  });

  it('starts one run for the same arrival delivered three times', async () => {
    const c = coalescer(30_000);
    const t0 = Date.parse('2026-12-05T04:00:00Z');
    const event = arrival('a', 'thrice');
    const one = await acceptArrivals([{ event, receivedAt: t0 }, { event, receivedAt: t0 + 1 }], c.options);
    c.advance(10_000);
    const two = await acceptArrivals([{ event, receivedAt: t0 + 10_000 }], c.options);
    expect([...one.outcomes, ...two.outcomes]).toEqual(['buffered', 'duplicate', 'duplicate']);
    c.advance(20_000);
    const started = (await checkWindow(c.options)).started!;
    expect(started.arrivals).toHaveLength(1);
    await stepFunctions.waitForAllExecutions();
    c.advance(10 * MINUTE);
    const late = await acceptArrivals([{ event, receivedAt: t0 + 11 * MINUTE }], c.options);
    expect(late.outcomes).toEqual(['duplicate']);
    expect(await executionsNamed(started.name)).toHaveLength(1);
  });

  it('releases the lease at once when the batch’s execution turns out to be closed (a start retried after a crash)', async () => {
    const c = coalescer();
    let crash = true;
    const crashing: LeaseCoalescerOptions = { ...c.options, startBatch: async (batch) => {
      await startExecutionOnce(sfn, stateMachineArn, batch);
      if (crash) throw new Error('Lambda timed out after StartExecution');
      return 'started';
    } };
    await expect(acceptArrivals([{ event: arrival('a', 'crash-1'), receivedAt: Date.parse('2026-12-05T04:00:00Z') }], crashing)).rejects.toThrow('timed out');
    await stepFunctions.waitForAllExecutions(); // the run itself went ahead and closed
    crash = false;
    c.advance(MINUTE);
    // The SQS retry brings the batch back with another arrival buffered behind it.
    const retried = await acceptArrivals([{ event: arrival('b', 'crash-2'), receivedAt: Date.parse('2026-12-05T04:01:00Z') }], { ...c.options });
    expect(retried.closedRun).toMatch(/^arrivals-20261205T040000Z-/);
    expect(retried.started?.arrivals.map((a) => a.detail.arrivalId)).toEqual(['fivetran:crash-2']);
    expect(await executionsNamed(retried.closedRun!)).toHaveLength(1);
  });
});
