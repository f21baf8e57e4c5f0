/**
 * Arrival runs on the local stack: S3 loads as steps of the run, and runs that cannot collide. The local stack: the real state machine, the real handlers, per-model locks in
 * the local DynamoDB, owners checked with DescribeExecution on the local Step Functions endpoint, PGlite.
 * A tracker wrapped around the task handlers records which executions are between a successful LockRun (locks
 * taken) and their last step (done), so "never two builds of one model at once" is observed, not assumed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { generateNewSyncBatch } from '../../src/demo/generate-demo-data';
import { signFivetranBody } from '../../src/events/fivetran';
import { LOCAL_WEBHOOK_SECRET, RUN_LOCK_TABLE } from '../../src/local/local-stack';
import type { TaskHandler } from '../../src/local/aws/step-functions';
import { awsDependencies } from '../../src/runtime/aws-dependencies';
import { DynamoDbRunLockStore } from '../../src/runtime/run-locks-dynamodb';
import type { TransformRunPayload } from '../../src/runtime/transform-run';
import { runQuery } from '../../src/engine/warehouse/run-query';
import { useDemoStack } from '../support/demo-stack';

const REPO = path.resolve(__dirname, '..', '..');
const SAMPLE = path.join(REPO, 'events', 'samples', 'fivetran', 'sync-end-successful.json');
const asOf = new Date(new Date().toISOString().slice(0, 10));
const volumes = { users: 30, transfers: 120, boards: 20, decks: 20, productEvents: 200 };

/** Executions between LockRun's success and their last step, and the most that were ever there at once. */
const tracker = {
  building: new Set<string>(),
  maxBuildingAtOnce: 0,
  lockedRetries: 0,
  planned: new Map<string, () => void>(),
  whenPlanned(name: string): Promise<void> {
    return new Promise((resolve) => this.planned.set(name, resolve));
  },
  reset() {
    this.building.clear();
    this.maxBuildingAtOnce = 0;
    this.lockedRetries = 0;
  },
};

function track(stateName: string, handler: TaskHandler): TaskHandler {
  return async (input) => {
    let output;
    try {
      output = await handler(input);
    } catch (error) {
      if ((error as Error).name === 'RunLockedError') tracker.lockedRetries++;
      throw error;
    }
    const name: string | undefined = input?.execution?.name;
    if (stateName === 'LockRun' && name) {
      tracker.building.add(name);
      tracker.maxBuildingAtOnce = Math.max(tracker.maxBuildingAtOnce, tracker.building.size);
      tracker.planned.get(name)?.();
    }
    if (output?.done === true && output?.execution?.name) tracker.building.delete(output.execution.name);
    return output;
  };
}

const demo = useDemoStack({
  stateDirPrefix: 'landfall-locks-', asOf, volumes,
  stackOptions: { waitTimeScaleMs: 20, wrapTask: track },
  initialBuild: { name: 'initial-build', input: { command: 'build', reason: 'first build' } },
});

/** Relations a run stages and must not leave behind (`__lf_new`, `__lf_old`, … with or without a run token). */
async function leftoverStagingRelations(): Promise<string[]> {
  const { rows } = await runQuery(demo.current.warehouse, "select table_schema || '.' || table_name from information_schema.tables where table_name like '%\\_\\_lf\\_%' order by 1");
  return rows.map((r) => String(r[0]));
}

/** The run's nodes: the execution's output points at the run state in (local) S3. */
async function nodesOf(output: string) {
  return (await awsDependencies().runStates.read((JSON.parse(output) as TransformRunPayload).state)).run.nodes;
}

async function lockHolder(key: string): Promise<string | undefined> {
  const client = new DynamoDBClient({});
  try {
    return (await new DynamoDbRunLockStore(client, RUN_LOCK_TABLE).read(key))?.owner;
  } finally {
    client.destroy();
  }
}

describe('per-model run locks on the local stack', () => {
  it('runs two triggers started at once for the same models one after the other, both succeeding', async () => {
    const { stack, start, settle, count } = demo.current;
    tracker.reset();
    const input = { command: 'build', select: ['source:wetransfer_app_db.transfers+'], reason: 'two triggers at once' };
    const [a, b] = await Promise.all([start('trigger-a', input), start('trigger-b', input)]);
    await settle();
    expect(stack.stepFunctions.getExecution(a)!.status).toBe('SUCCEEDED');
    expect(stack.stepFunctions.getExecution(b)!.status).toBe('SUCCEEDED');
    expect(tracker.maxBuildingAtOnce).toBe(1);
    expect(tracker.lockedRetries).toBeGreaterThanOrEqual(1);
    expect(await count('select count(*) from analytics_marts.fct_transfers')).toBe(volumes.transfers);
    expect(await leftoverStagingRelations()).toEqual([]);
    expect(await lockHolder('model.landfall_demo.fct_transfers')).toBeUndefined();
  });

  it('holds a console run started during an arrival run on the same models until the arrival run ends; no relation lost', async () => {
    const { stack, warehouse, start, settle, count } = demo.current;
    tracker.reset();
    const batch = generateNewSyncBatch({ asOf, batchNumber: 1, volumes });
    for (const sql of batch.statements) await runQuery(warehouse, sql);
    const sample = JSON.parse(fs.readFileSync(SAMPLE, 'utf8'));
    const body = Buffer.from(JSON.stringify({ ...sample, sync_id: 'sync-during-console', connector_id: 'wetransfer_app_db' }));
    const arrivalPlanned = new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        const name = [...tracker.building].find((n) => n.startsWith('arrivals-'));
        if (name) {
          clearInterval(poll);
          resolve();
        }
      }, 5);
    });
    const response = await fetch(stack.webhookUrl, { method: 'POST', body, headers: { 'content-type': 'application/json', 'x-fivetran-signature-256': signFivetranBody(body, LOCAL_WEBHOOK_SECRET) } });
    expect(response.status).toBe(200);
    await arrivalPlanned;
    expect(tracker.building.size).toBe(1);
    const consoleRun = await start('console-full-build', { command: 'build', reason: 'started from the console during an arrival run' });
    await settle();
    expect(stack.stepFunctions.getExecution(consoleRun)!.status).toBe('SUCCEEDED');
    const listed = await stack.stepFunctions.listExecutions({ stateMachineArn: stack.transformStateMachineArn });
    const arrivalRuns = (listed.executions ?? []).filter((e) => e.name!.startsWith('arrivals-'));
    expect(arrivalRuns.map((e) => e.status)).toEqual(['SUCCEEDED']);
    expect(Date.parse(stack.stepFunctions.getExecution(arrivalRuns[0]!.executionArn!)!.stopDate!)).toBeLessThanOrEqual(Date.parse(stack.stepFunctions.getExecution(consoleRun)!.stopDate!));
    expect(tracker.maxBuildingAtOnce).toBe(1);
    expect(tracker.lockedRetries).toBeGreaterThanOrEqual(1);
    expect(await count('select count(*) from analytics_marts.fct_transfers')).toBe(volumes.transfers + batch.newRowCounts.transfers);
    expect(await count('select count(*) from analytics_marts.dim_users')).toBe(await count('select count(*) from raw.users'));
    expect(await leftoverStagingRelations()).toEqual([]);
    expect(await lockHolder('model.landfall_demo.fct_transfers')).toBeUndefined();
  });
});

describe('S3 loads as steps of the arrival run', () => {
  const BUCKET = 'landfall-landing';
  const key = 'firehose/product_events/2026/12/05/04/product-events-1-2026-12-05-04-00-00-load-step';

  async function objectCreated(etag: string, eventId: string): Promise<void> {
    const { stack, settle } = demo.current;
    await stack.eventBus.putEvents({ Entries: [{
      Source: 'aws.s3', DetailType: 'Object Created', Resources: [`arn:aws:s3:::${BUCKET}`],
      Detail: JSON.stringify({ version: '0', bucket: { name: BUCKET }, object: { key, size: 100, etag, sequencer: eventId }, 'request-id': eventId, requester: 'firehose.amazonaws.com', reason: 'PutObject' }),
    }] });
    await settle();
  }

  it('COPYs a Firehose object in the execution that builds the models downstream, once, and a replay loads nothing again', async () => {
    const { stack, warehouse, start, settle, count } = demo.current;
    // A plain select (row_to_json is PostgreSQL only: the strict Redshift Data API refuses it).
    const { columns, rows } = await runQuery(warehouse, 'select * from raw.product_events order by event_id limit 3');
    const records = rows.map((r, i) => ({ ...Object.fromEntries(columns.map((c, j) => [c.name, r[j]])), event_id: `load-step-${i}` }));
    const file = path.join(stack.s3Dir, BUCKET, key);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    // The route (dbt/models/staging/events) declares no compression; Firehose concatenates records.
    fs.writeFileSync(file, records.map((r) => JSON.stringify(r)).join(''));
    const before = await count('select count(*) from raw.product_events');
    const listedBefore = new Set(((await stack.stepFunctions.listExecutions({ stateMachineArn: stack.transformStateMachineArn })).executions ?? []).map((e) => e.executionArn));

    await objectCreated('etag-load-step', 'seq-1');
    const runs = ((await stack.stepFunctions.listExecutions({ stateMachineArn: stack.transformStateMachineArn })).executions ?? []).filter((e) => !listedBefore.has(e.executionArn));
    expect(runs.map((e) => e.status)).toEqual(['SUCCEEDED']);
    const run = stack.stepFunctions.getExecution(runs[0]!.executionArn!)!;
    const nodes = await nodesOf(run.output!);
    const load = nodes.find((n) => n.kind === 'load')!;
    expect(load).toMatchObject({ id: 'load:source.landfall_demo.events.product_events', status: 'success', rows: 1 });
    expect(nodes.find((n) => n.id.endsWith('stg_events__product_events'))).toMatchObject({ status: 'success', dependsOn: expect.arrayContaining([expect.stringMatching(/^(load:|tests:source)/)]) });
    expect(await count('select count(*) from raw.product_events')).toBe(before + 3);
    expect(await count(`select count(*) from analytics_staging.stg_events__product_events where event_id like 'load-step-%'`)).toBe(3);

    // The same object announced again (EventBridge redelivery): a duplicate arrival, no run.
    await objectCreated('etag-load-step', 'seq-2');
    expect(((await stack.stepFunctions.listExecutions({ stateMachineArn: stack.transformStateMachineArn })).executions ?? []).length).toBe(listedBefore.size + 1);
    // A replay of the execution (console: New execution with the same input) loads nothing twice.
    const replay = await start('load-step-replay', JSON.parse(run.input));
    await settle();
    const replayed = stack.stepFunctions.getExecution(replay)!;
    expect(replayed.status).toBe('SUCCEEDED');
    expect((await nodesOf(replayed.output!)).find((n) => n.kind === 'load')).toMatchObject({ rows: 0 });
    expect(await count('select count(*) from raw.product_events')).toBe(before + 3);
  });
});
