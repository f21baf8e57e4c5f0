/**
 * The fault matrix's harness: the local stack (real definition, real handlers, local endpoints) with a movable
 * clock, Step Functions fault injection, and fault proxies in front of the Data API, SNS and EventBridge; the
 * sample project seeded and built once cleanly; and the end-state checks every scenario runs against that clean
 * build: a checksum of every relation built, the SNS outbox, the run-lock table, leftover staging relations.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { RedshiftDataClient } from '@aws-sdk/client-redshift-data';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { Manifest } from '../../../src/engine/manifest';
import { generateDemoData } from '../../../src/demo/generate-demo-data';
import { startLocalStack, RUN_LOCK_TABLE, type LocalStack } from '../../../src/local/local-stack';
import type { TaskHandler } from '../../../src/local/aws/step-functions';
import { resetAwsDependencies } from '../../../src/runtime/aws-dependencies';
import { MANIFEST_FILE } from '../../../src/runtime/compiled-project';
import { DynamoDbRunLockStore } from '../../../src/runtime/run-locks-dynamodb';
import { readConnectionTarget } from '../../../src/warehouse/connection-config';
import { RedshiftDataWarehouse } from '../../../src/warehouse/redshift-data-warehouse';
import { runQuery } from '../../../src/engine/warehouse/run-query';
import { startFaultProxy, type FaultProxy } from './fault-proxy';

const REPO = path.resolve(__dirname, '..', '..', '..');

export interface FaultStack {
  stack: LocalStack;
  sfn: SFNClient;
  /** Test queries: straight to the local Data API, never through the fault proxy. */
  warehouse: RedshiftDataWarehouse;
  proxies: { dataApi: FaultProxy; sns: FaultProxy; eventBridge: FaultProxy; s3: FaultProxy };
  /** Moves the clock of the local Step Functions and Data API forward. */
  advanceClock(ms: number): void;
  /** Task invocations that threw, by error name (e.g. RunLockedError retries). */
  taskErrors: string[];
  /** Every key a run can lock (models, seeds, `load:` source tables). */
  lockKeys: string[];
  /** The clean build's execution ARN (closed, SUCCEEDED). */
  cleanBuildArn: string;
  /** The checksum of every relation the clean build made: `schema.relation` → `rows:md5`. */
  cleanChecksums: Record<string, string>;
  start(name: string, input: unknown): Promise<string>;
  settle(): Promise<void>;
  emailCount(): number;
  emailsSince(count: number): string[];
  checksums(): Promise<Record<string, string>>;
  heldLocks(): Promise<string[]>;
  leftoverStagingRelations(): Promise<string[]>;
  close(): Promise<void>;
}

export async function startFaultStack(prefix: string): Promise<FaultStack> {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), `landfall-faults-${prefix}-`));
  let offsetMs = 0;
  const taskErrors: string[] = [];
  const wrapTask = (_state: string, handler: TaskHandler): TaskHandler => async (input) => {
    try {
      return await handler(input);
    } catch (error) {
      taskErrors.push((error as Error).name);
      throw error;
    }
  };
  const stack = await startLocalStack({
    repoRoot: REPO, projectDir: path.join(REPO, 'dbt'), stateDir, waitTimeScaleMs: 5, wrapTask,
    clock: () => new Date(Date.now() + offsetMs), faultInjection: true,
  });
  const liveDataApi = process.env.AWS_ENDPOINT_URL_REDSHIFT_DATA!;
  const proxies = {
    dataApi: await startFaultProxy(liveDataApi),
    sns: await startFaultProxy(process.env.AWS_ENDPOINT_URL_SNS!),
    eventBridge: await startFaultProxy(process.env.AWS_ENDPOINT_URL_EVENTBRIDGE!),
    s3: await startFaultProxy(process.env.AWS_ENDPOINT_URL_S3!),
  };
  process.env.AWS_ENDPOINT_URL_S3 = proxies.s3.url;
  process.env.AWS_ENDPOINT_URL_REDSHIFT_DATA = proxies.dataApi.url;
  process.env.AWS_ENDPOINT_URL_SNS = proxies.sns.url;
  process.env.AWS_ENDPOINT_URL_EVENTBRIDGE = proxies.eventBridge.url;
  resetAwsDependencies();

  const dataApiClient = new RedshiftDataClient({ endpoint: liveDataApi });
  const warehouse = new RedshiftDataWarehouse({ client: dataApiClient, target: readConnectionTarget() });
  const sfn = new SFNClient({});
  const manifest = JSON.parse(fs.readFileSync(path.join(stateDir, MANIFEST_FILE), 'utf8')) as Pick<Manifest, 'models' | 'seeds' | 'sources'>;
  // Every key a run can lock (run-locks.ts, runLockKeys): models, seeds, and the source tables loads COPY into.
  const lockKeys = [...Object.keys(manifest.models), ...Object.keys(manifest.seeds), ...Object.keys(manifest.sources).map((id) => `load:${id}`)];
  const outbox = () => (fs.existsSync(stack.sns.outboxDir) ? fs.readdirSync(stack.sns.outboxDir).filter((f) => f.endsWith('.eml')).sort() : []);

  // An execution's close emits a status-change event whose rule releases the run's locks (as in AWS), so the bus is
  // drained again after the executions end: settling in one pass left that release racing the lock check under load.
  const settle = async () => {
    await stack.eventBus.whenIdle();
    await stack.coalescer.whenIdle();
    await stack.stepFunctions.waitForAllExecutions();
    await stack.eventBus.whenIdle();
  };
  const checksums = async () => {
    const { rows } = await runQuery(warehouse, "select table_schema, table_name from information_schema.tables where table_schema like 'analytics%' order by 1, 2");
    const sums: Record<string, string> = {};
    for (const [schema, name] of rows.map((r) => [String(r[0]), String(r[1])])) {
      const { rows: sum } = await runQuery(warehouse, `select count(*), md5(coalesce(string_agg(md5(t::text), '' order by md5(t::text)), '')) from "${schema}"."${name}" t`);
      sums[`${schema}.${name}`] = `${sum[0]![0]}:${sum[0]![1]}`;
    }
    return sums;
  };
  const heldLocks = async () => {
    const client = new DynamoDBClient({});
    const store = new DynamoDbRunLockStore(client, RUN_LOCK_TABLE);
    try {
      // The local stack releases an execution's locks just after it closes (the status-change rule in AWS).
      for (let attempt = 0; ; attempt++) {
        const held = (await Promise.all(lockKeys.map(async (key) => ((await store.read(key)) ? key : undefined)))).filter((k): k is string => !!k);
        // Up to 10 s: on a loaded machine the release can take longer than it does on a quiet one.
        if (held.length === 0 || attempt >= 100) return held;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    } finally {
      client.destroy();
    }
  };
  const start = async (name: string, input: unknown) => (await sfn.send(new StartExecutionCommand({ stateMachineArn: stack.transformStateMachineArn, name, input: JSON.stringify(input) }))).executionArn!;

  const asOf = new Date('2026-11-30T00:00:00Z');
  const data = generateDemoData({ asOf, volumes: { users: 30, transfers: 120, boards: 20, decks: 20, productEvents: 200 } });
  await runQuery(warehouse, [...data.ddl]);
  for (const sql of data.inserts) await runQuery(warehouse, sql);
  const cleanBuildArn = await start('clean-build', { command: 'build', reason: 'clean baseline' });
  const first = await stack.stepFunctions.waitForExecution(cleanBuildArn);
  if (first.status !== 'SUCCEEDED') throw new Error(`the clean build ${first.status}: ${first.error} ${first.cause}`);
  await settle();
  const cleanChecksums = await checksums();

  return {
    stack, sfn, warehouse, proxies, taskErrors, cleanChecksums, lockKeys, cleanBuildArn, start, settle, checksums, heldLocks,
    advanceClock: (ms) => (offsetMs += ms),
    emailCount: () => outbox().length,
    emailsSince: (count) => outbox().slice(count).map((f) => fs.readFileSync(path.join(stack.sns.outboxDir, f), 'utf8')),
    leftoverStagingRelations: async () => (await runQuery(warehouse, "select table_schema || '.' || table_name from information_schema.tables where table_name like '%\\_\\_lf\\_%' order by 1")).rows.map((r) => String(r[0])),
    close: async () => {
      await stack.close();
      dataApiClient.destroy();
      sfn.destroy();
      await Promise.all(Object.values(proxies).map((p) => p.close()));
      fs.rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

/** The end state every scenario must reach: the clean build's relations, no lock held, no staging relation left. */
export async function expectCleanEndState(faults: FaultStack): Promise<void> {
  await faults.settle();
  expect(await faults.checksums()).toEqual(faults.cleanChecksums);
  expect(await faults.heldLocks()).toEqual([]);
  expect(await faults.leftoverStagingRelations()).toEqual([]);
}

/**
 * One fault stack per test file: started before the file's tests, closed after, its proxies and recorded task
 * errors cleared after each test.
 */
export function useFaultStack(name: Parameters<typeof startFaultStack>[0]): { readonly current: FaultStack } {
  let faults: FaultStack | undefined;
  beforeAll(async () => {
    faults = await startFaultStack(name);
  });
  afterAll(async () => {
    await faults?.close();
  });
  afterEach(() => {
    if (!faults) return;
    Object.values(faults.proxies).forEach((proxy) => proxy.clear());
    faults.taskErrors.length = 0;
  });
  return { get current() { return faults!; } };
}
