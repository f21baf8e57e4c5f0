/**
 * Failed and crashed runs on the real definition, the real handlers and the local endpoints: a failing test
 * is fixed and the execution is redriven through `@aws-sdk/client-sfn` — only what failed or was skipped runs
 * again; the warehouse connection dies in the middle of a run — the crash is emailed, and a redrive resumes it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { RedriveExecutionCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { fixPlantedIssueSql, plantIssueInTransferSql } from '../../src/demo/generate-demo-data';
import type { TaskHandler } from '../../src/local/aws/step-functions';
import { awsDependencies, resetAwsDependencies } from '../../src/runtime/aws-dependencies';
import type { RunTrigger, TransformRunPayload } from '../../src/runtime/transform-run';
import { runQuery } from '../../src/engine/warehouse/run-query';
import { useDemoStack } from '../support/demo-stack';

const asOf = new Date(new Date().toISOString().slice(0, 10));
/** Step Functions' payload quota is 256 KiB; the transform run keeps every state's payload far below it. */
const PAYLOAD_BUDGET_BYTES = 16 * 1024;
/** Set by a test: the AdvanceRun invocation number (counted from then) at which the warehouse goes away. */
let killWarehouseAtAdvance: number | undefined;
let advanceInvocations = 0;
let liveDataApiUrl: string;

function pointWarehouseAt(url: string): void {
  process.env.AWS_ENDPOINT_URL_REDSHIFT_DATA = url;
  resetAwsDependencies();
}

/** Kills the warehouse connection for AdvanceRun from its n-th invocation: every Data API call is refused. */
function wrapTask(stateName: string, handler: TaskHandler): TaskHandler {
  if (stateName !== 'AdvanceRun') return handler;
  return async (input) => {
    advanceInvocations++;
    if (killWarehouseAtAdvance !== undefined && advanceInvocations >= killWarehouseAtAdvance) pointWarehouseAt('http://127.0.0.1:9');
    return handler(input);
  };
}

async function storedRun(executionArn: string) {
  const execution = demo.current.stack.stepFunctions.getExecution(executionArn)!;
  const name = execution.name;
  return awsDependencies().runStates.read<RunTrigger>(awsDependencies().runStates.pointerFor(name));
}

function latestEmail(): string {
  const { stack } = demo.current;
  const files = fs.readdirSync(stack.sns.outboxDir).filter((f) => f.endsWith('.eml')).sort();
  return fs.readFileSync(path.join(stack.sns.outboxDir, files[files.length - 1]!), 'utf8');
}

function emailCount(): number {
  const { stack } = demo.current;
  return fs.existsSync(stack.sns.outboxDir) ? fs.readdirSync(stack.sns.outboxDir).filter((f) => f.endsWith('.eml')).length : 0;
}

const demo = useDemoStack({
  stateDirPrefix: 'landfall-redrive-', asOf, volumes: { users: 30, transfers: 120, boards: 20, decks: 20, productEvents: 200 },
  stackOptions: { waitTimeScaleMs: 2, wrapTask },
  initialBuild: { name: 'first-build', input: { command: 'build' } },
});

beforeAll(() => {
  liveDataApiUrl = process.env.AWS_ENDPOINT_URL_REDSHIFT_DATA!;
});

describe('State machine: transform-run, failed and crashed runs', () => {
  it('redrives a failed run after the data is fixed: only the failed and skipped nodes run again, and it succeeds', async () => {
    const { stack, warehouse, sfn } = demo.current;
    const { rows } = await runQuery(warehouse, "select id from raw.transfers where status = 'active' order by id limit 1");
    await runQuery(warehouse, plantIssueInTransferSql(String(rows[0]![0])));
    const started = await sfn.send(new StartExecutionCommand({ stateMachineArn: stack.transformStateMachineArn, name: 'fails-then-redriven', input: JSON.stringify({ command: 'build' }) }));
    const failed = await stack.stepFunctions.waitForExecution(started.executionArn!);
    expect(failed.status).toBe('FAILED');
    expect(failed.error).toBe('landfall.RunFailed');
    expect(failed.cause).toContain('Redrive');
    expect(latestEmail()).toContain('accepted_values');

    const before = await storedRun(started.executionArn!);
    const notPassed = before.run.nodes.filter((n) => !['success', 'pass', 'warn'].includes(n.status)).map((n) => n.id).sort();
    const passedAt = new Map(before.run.nodes.filter((n) => ['success', 'pass', 'warn'].includes(n.status)).map((n) => [n.id, n.finishedAt]));
    expect(notPassed.length).toBeGreaterThan(1);
    expect(passedAt.size).toBeGreaterThan(5);

    await runQuery(warehouse, fixPlantedIssueSql());
    await sfn.send(new RedriveExecutionCommand({ executionArn: started.executionArn! }));
    const redriven = await stack.stepFunctions.waitForExecution(started.executionArn!);
    expect(redriven.status).toBe('SUCCEEDED');

    const after = await storedRun(started.executionArn!);
    expect(after.redriveCount).toBe(1);
    expect(after.run.nodes.every((n) => ['success', 'pass', 'warn'].includes(n.status))).toBe(true);
    // Exactly the failed and skipped nodes ran again (a new attempt, so new client tokens)…
    expect(after.run.nodes.filter((n) => n.attempt === 1).map((n) => n.id).sort()).toEqual(notPassed);
    // …and what had passed was not touched.
    for (const node of after.run.nodes.filter((n) => passedAt.has(n.id))) {
      expect(node.attempt).toBeUndefined();
      expect(node.finishedAt).toBe(passedAt.get(node.id));
    }
    const output = JSON.parse(redriven.output!) as TransformRunPayload;
    expect(output.counts.failed).toBe(0);
    const largest = (redriven as { largestPayloadBytes?: number }).largestPayloadBytes;
    if (largest !== undefined) expect(largest).toBeLessThan(PAYLOAD_BUDGET_BYTES);
  });

  it('emails a crash when the warehouse connection dies mid-run, ends FAILED with landfall.RunCrashed, and a redrive resumes it', async () => {
    const { stack, sfn } = demo.current;
    const emailsBefore = emailCount();
    advanceInvocations = 0;
    // From the first AdvanceRun: on a quiet machine one settle window can finish the whole run, so a later kill may never land.
    killWarehouseAtAdvance = 1;
    const started = await sfn.send(new StartExecutionCommand({ stateMachineArn: stack.transformStateMachineArn, name: 'warehouse-dies', input: JSON.stringify({ command: 'build', reason: 'crash test' }) }));
    const crashed = await stack.stepFunctions.waitForExecution(started.executionArn!);
    killWarehouseAtAdvance = undefined;
    pointWarehouseAt(liveDataApiUrl);

    expect(crashed.status).toBe('FAILED');
    expect(crashed.error).toBe('landfall.RunCrashed');
    expect(crashed.cause).toContain('AdvanceRun');
    expect(emailCount()).toBe(emailsBefore + 1);
    const email = latestEmail();
    expect(email).toMatch(/^Subject: .*run crashed in AdvanceRun/m);
    expect(email).toContain('ECONNREFUSED');
    expect(email).toContain('redrive-execution');
    expect(email).toContain('console.aws.amazon.com/states/home');
    const stopped = await storedRun(started.executionArn!);
    expect(stopped.run.nodes.some((n) => n.status === 'pending' || n.status === 'running')).toBe(true);

    await sfn.send(new RedriveExecutionCommand({ executionArn: started.executionArn! }));
    const resumed = await stack.stepFunctions.waitForExecution(started.executionArn!);
    expect(resumed.status).toBe('SUCCEEDED');
    const after = await storedRun(started.executionArn!);
    expect(after.run.nodes.every((n) => ['success', 'pass', 'warn'].includes(n.status))).toBe(true);
    // Crash path included (Catch results, PublishCrashAlert's and EndFailedRun's parameters with $$.Execution).
    const largest = (resumed as { largestPayloadBytes?: number }).largestPayloadBytes;
    if (largest !== undefined) expect(largest).toBeLessThan(PAYLOAD_BUDGET_BYTES);
  });

  it('keeps a new execution with the same input a full replay (a new run state, every node built)', async () => {
    const { stack, sfn } = demo.current;
    const started = await sfn.send(new StartExecutionCommand({ stateMachineArn: stack.transformStateMachineArn, name: 'fails-then-redriven-replay', input: JSON.stringify({ command: 'build' }) }));
    const replayed = await stack.stepFunctions.waitForExecution(started.executionArn!);
    expect(replayed.status).toBe('SUCCEEDED');
    const state = await storedRun(started.executionArn!);
    expect(state.redriveCount).toBe(0);
    expect(state.run.nodes.every((n) => n.attempt === undefined && ['success', 'pass', 'warn'].includes(n.status))).toBe(true);
  });
});
