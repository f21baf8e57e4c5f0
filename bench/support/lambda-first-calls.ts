/**
 * The first call of every function in functions/, for bench/lambda-bundles.ts: a local stack in the Redshift dialect
 * (Data API on PGlite, S3, DynamoDB, Step Functions, EventBridge, SNS, SQS, Secrets Manager: src/local/), the demo's raw
 * data with its planted bad status, and one transform execution run through the real state machine, whose Task
 * inputs are kept as the warehouse tasks' first events. The other events are the samples in events/samples/ or
 * follow from an earlier function's answer (plan-rotation → rotate-model-partitions → publish-rotation-alert,
 * submit-freshness → collect-freshness).
 */
import fs from 'node:fs';
import path from 'node:path';
import { GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import { StartExecutionCommand, SFNClient } from '@aws-sdk/client-sfn';
import { generateDemoData, plantIssueInTransferSql } from '../../src/demo/generate-demo-data';
import { signFivetranBody } from '../../src/events/fivetran/signature';
import { LOCAL_DEAD_LETTER_QUEUE } from '../../src/local/aws/local-deployment';
import { LocalDynamoDb, startLocalDynamoDb } from '../../src/local/aws/dynamodb';
import { RUN_LOCK_TABLE, startLocalStack, type LocalStack } from '../../src/local/local-stack';
import { localFunctionName } from '../../src/local/local-functions';
import { readConnectionTarget } from '../../src/warehouse/connection-config';
import { RedshiftDataWarehouse } from '../../src/warehouse/redshift-data-warehouse';
import { runQuery } from '../../src/engine/warehouse/run-query';

const LEASE_TABLE = 'landfall-bench-lease';

/** What a function's first call gets: a fixed event, or one made from earlier functions' answers. */
export type FirstEvent = unknown | ((answers: Record<string, unknown>) => unknown);

export interface FirstCallStack {
  /** The environment of a Lambda child process: the stack's endpoints, no manifest path (the bundle embeds its own). */
  env: NodeJS.ProcessEnv;
  /** By function name; the order of the keys is the order to call them in. */
  events: Record<string, FirstEvent>;
  /** The error a function's first call ends with when that is its job (EndFailedRun fails the execution). */
  expectedErrors: Record<string, string>;
  /** Runs what the last call left for the stack (rule targets, executions) before the next sample starts. */
  settle(): Promise<void>;
  close(): Promise<void>;
}

function executionArnOf(stack: LocalStack, name: string): string {
  return `${stack.transformStateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
}

function sample(repo: string, file: string): unknown {
  return JSON.parse(fs.readFileSync(path.join(repo, 'events', 'samples', file), 'utf8'));
}

/** Starts the stack, loads the demo data and runs one failing transform execution to collect the tasks' inputs. */
export async function startFirstCallStack(repo: string, stateDir: string): Promise<FirstCallStack> {
  const taskInputs: Record<string, unknown> = {};
  const stack: LocalStack = await startLocalStack({
    repoRoot: repo,
    projectDir: path.join(repo, 'dbt'),
    stateDir,
    target: { type: 'redshift' },
    waitTimeScaleMs: 5,
    logLevel: 'SILENT',
    wrapTask: (state, handler) => async (input) => {
      if (!(state in taskInputs)) taskInputs[state] = structuredClone(input);
      return handler(input);
    },
  });
  // The children's DynamoDB: the stack's tables (every LANDFALL_*_TABLE it set: run locks, incidents, …) and the
  // coalescer's lease, which the stack keeps in memory instead.
  const tableNames = [LEASE_TABLE, RUN_LOCK_TABLE, ...Object.entries(process.env).filter(([name]) => /^LANDFALL_[A-Z_]+_TABLE$/.test(name)).map(([, table]) => table!)];
  const dynamoDb = await startLocalDynamoDb(new LocalDynamoDb({ tables: Object.fromEntries(tableNames.map((table) => [table, { partitionKey: 'pk' }])) }));
  const settle = async () => {
    await stack.eventBus.whenIdle();
    await stack.coalescer.whenIdle();
    await stack.stepFunctions.waitForAllExecutions();
  };
  try {
    const warehouse = new RedshiftDataWarehouse({ target: readConnectionTarget() });
    const data = generateDemoData({ asOf: new Date(new Date().toISOString().slice(0, 10)), volumes: { users: 40, transfers: 200, boards: 30, decks: 30, productEvents: 500 } });
    await runQuery(warehouse, [...data.ddl]);
    for (const sql of data.inserts) await runQuery(warehouse, sql);
    const { rows } = await runQuery(warehouse, "select id from raw.transfers where status = 'active' order by id limit 1");
    await runQuery(warehouse, plantIssueInTransferSql(String(rows[0]![0])));
    const sfn = new SFNClient({});
    await sfn.send(new StartExecutionCommand({ stateMachineArn: stack.transformStateMachineArn, name: 'bench-first-events', input: JSON.stringify({ command: 'build', select: ['stg_wetransfer_app_db__transfers+'], reason: 'bench' }) }));
    await settle();
    for (const state of ['PlanRun', 'LockRun', 'AdvanceRun', 'RecordRun', 'PublishAlert', 'EndFailedRun']) {
      if (state in taskInputs) continue;
      const execution = stack.stepFunctions.getExecution(executionArnOf(stack, 'bench-first-events'));
      throw new Error(`the bench's transform execution never ran ${state} (its first event): it ended ${execution?.status} ${execution?.error ?? ''} ${execution?.cause ?? ''}`);
    }
    const { QueueUrl } = await new SQSClient({}).send(new GetQueueUrlCommand({ QueueName: LOCAL_DEAD_LETTER_QUEUE }));

    const env: NodeJS.ProcessEnv = {
      ...process.env,
      AWS_ENDPOINT_URL_DYNAMODB: dynamoDb.url,
      LANDFALL_DIALECT: 'redshift',
      LANDFALL_LEASE_TABLE: LEASE_TABLE,
      // A window longer than the bench: the coalescer's first call buffers its arrival and schedules a window check.
      LANDFALL_COALESCE_WINDOW_SECONDS: '3600',
      LANDFALL_WINDOW_QUEUE_URL: QueueUrl,
      LANDFALL_TRANSFORM_STATE_MACHINE_ARN: stack.transformStateMachineArn,
      POWERTOOLS_LOG_LEVEL: 'SILENT',
    };
    delete env.LANDFALL_MANIFEST_PATH;

    const secret = process.env.FIVETRAN_WEBHOOK_SECRET!;
    const body = JSON.stringify(sample(repo, 'fivetran/sync-end-successful.json'));
    const executionArn = executionArnOf(stack, 'bench-first-events');
    const arrival = sample(repo, 'landfall/data-arrived.json');
    const events: Record<string, FirstEvent> = {
      'fivetran-webhook': { body, isBase64Encoded: false, headers: { 'x-fivetran-signature-256': signFivetranBody(body, secret) } },
      'dms-event': sample(repo, 'dms/task-stopped-full-load-finished.json'),
      's3-object-created': sample(repo, 's3/object-created-firehose.json'),
      'loader-failed-alert': sample(repo, 'landfall/loader-failed.json'),
      'coalesce-arrivals': { Records: [{ messageId: 'bench-1', body: JSON.stringify(arrival), attributes: { SentTimestamp: String(Date.now()) } }] },
      'arrival-run-finished': { detail: { executionArn, name: 'bench-first-events', status: 'FAILED' } },
      'plan-run': taskInputs.PlanRun,
      'lock-run': taskInputs.LockRun,
      'advance-run': taskInputs.AdvanceRun,
      // The first batch AdvanceRun asked of RenderPlans in the transform execution above (src/local/aws/lambda.ts).
      'render-plans': stack.lambda.firstEvents.get(localFunctionName('render-plans')),
      'record-run': taskInputs.RecordRun,
      'publish-alert': taskInputs.PublishAlert,
      'end-failed-run': taskInputs.EndFailedRun,
      'publish-crash-alert': { payload: { ...(taskInputs.AdvanceRun as object), Error: 'Lambda.Unknown', Cause: 'bench: the task timed out' }, execution: { Id: executionArn, Name: 'bench-first-events' } },
      'plan-rotation': { input: {}, execution: { arn: executionArn.replace('bench-first-events', 'bench-rotation'), name: 'bench-rotation' } },
      'rotate-model-partitions': (answers: Record<string, unknown>) => (answers['plan-rotation'] as { models: unknown[] }).models[0],
      'publish-rotation-alert': (answers: Record<string, unknown>) => ({ month: (answers['plan-rotation'] as { month: string }).month, results: [{ ...(answers['rotate-model-partitions'] as object), status: 'failed', error: 'bench' }] }),
      'submit-freshness': { input: {}, execution: { arn: executionArn.replace('bench-first-events', 'bench-freshness'), name: 'bench-freshness' } },
      // Its queries have ended by then: the local Data API runs them at once, and this is a new process.
      'collect-freshness': (answers: Record<string, unknown>) => answers['submit-freshness'],
    };
    return {
      env,
      events,
      expectedErrors: { 'end-failed-run': 'landfall.RunFailed' },
      settle,
      close: async () => {
        await settle();
        await dynamoDb.close();
        await stack.close();
      },
    };
  } catch (error) {
    await dynamoDb.close();
    await stack.close();
    throw error;
  }
}
