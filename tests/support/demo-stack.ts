/**
 * The demo stack the integration suites share: the local stack (real definitions, real handlers, local endpoints)
 * on the repository's dbt project, the demo raw data loaded through the local Data API, and optionally a first
 * build through the transform state machine, started by hand as the console would. `useDemoStack` gives one per
 * test file (started before its tests, closed after), as tests/faults/support/fault-stack.ts does for the faults.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RedshiftDataClient } from '@aws-sdk/client-redshift-data';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { generateDemoData, type DemoDataVolumes } from '../../src/demo/generate-demo-data';
import { startLocalStack, type LocalStack, type LocalStackOptions } from '../../src/local/local-stack';
import { readConnectionTarget } from '../../src/warehouse/connection-config';
import { RedshiftDataWarehouse } from '../../src/warehouse/redshift-data-warehouse';
import { runQuery } from '../../src/engine/warehouse/run-query';

const REPO = path.resolve(__dirname, '..', '..');

export interface DemoStackOptions {
  /** Prefix of the temporary state folder, e.g. `landfall-poison-`. */
  stateDirPrefix: string;
  /** The demo data's day. */
  asOf: Date;
  volumes: Partial<DemoDataVolumes>;
  /** Passed to startLocalStack as they are. */
  stackOptions?: Pick<LocalStackOptions, 'waitTimeScaleMs' | 'coalesceWindowMs' | 'wrapTask' | 'onEmail'>;
  /** The first build's execution name and input; it must succeed. None when left out. */
  initialBuild?: { name: string; input: Record<string, unknown> };
}

export interface DemoStack {
  stack: LocalStack;
  /** Test queries, through the local Data API. */
  warehouse: RedshiftDataWarehouse;
  sfn: SFNClient;
  stateDir: string;
  /** Until the bus, the coalescer and every execution are idle. */
  settle(): Promise<void>;
  /** The first column of the first row of a `select count(*) …`. */
  count(sql: string): Promise<number>;
  /** Starts a transform-run execution; its ARN. */
  start(name: string, input: unknown): Promise<string>;
  close(): Promise<void>;
}

export async function startDemoStack(options: DemoStackOptions): Promise<DemoStack> {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), options.stateDirPrefix));
  const stack = await startLocalStack({ repoRoot: REPO, projectDir: path.join(REPO, 'dbt'), stateDir, ...options.stackOptions });
  const warehouse = new RedshiftDataWarehouse({ client: new RedshiftDataClient({}), target: readConnectionTarget() });
  const sfn = new SFNClient({});
  const demo: DemoStack = {
    stack, warehouse, sfn, stateDir,
    settle: async () => {
      await stack.eventBus.whenIdle();
      await stack.coalescer.whenIdle();
      await stack.stepFunctions.waitForAllExecutions();
    },
    count: async (sql) => Number((await runQuery(warehouse, sql)).rows[0]![0]),
    start: async (name, input) => (await sfn.send(new StartExecutionCommand({ stateMachineArn: stack.transformStateMachineArn, name, input: JSON.stringify(input) }))).executionArn!,
    close: async () => {
      await stack.close();
      sfn.destroy();
      fs.rmSync(stateDir, { recursive: true, force: true });
    },
  };
  try {
    const data = generateDemoData({ asOf: options.asOf, volumes: options.volumes });
    await runQuery(warehouse, [...data.ddl]);
    for (const sql of data.inserts) await runQuery(warehouse, sql);
    if (options.initialBuild) {
      const done = await stack.stepFunctions.waitForExecution(await demo.start(options.initialBuild.name, options.initialBuild.input));
      if (done.status !== 'SUCCEEDED') throw new Error(`the initial build ${done.status}: ${done.error} ${done.cause}`);
      await demo.settle();
    }
  } catch (error) {
    await demo.close();
    throw error;
  }
  return demo;
}

/** One demo stack per test file: started before the file's tests, closed after. */
export function useDemoStack(options: DemoStackOptions): { readonly current: DemoStack } {
  let demo: DemoStack | undefined;
  beforeAll(async () => {
    demo = await startDemoStack(options);
  });
  afterAll(async () => {
    await demo?.close();
  });
  return { get current() { return demo!; } };
}
