/**
 * One transform run through the real state machine with the local Data API's latency mode on (figures scaled down so
 * the test stays quick; bench/run-latency.ts runs the Redshift figures): the run still succeeds when statements queue
 * past the admitted concurrency and each commit takes time, and it commits once per model plus once for the tests'
 * batch. Counts, not times, are asserted.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { generateSimpleModelsProject } from '../../bench/support/simple-models-project';
import { LATENCY_ENV } from '../../src/local/data-api/redshift-latency';
import { startLocalStack } from '../../src/local/local-stack';

it('builds a project through the state machine against a Data API with Redshift latencies (scaled)', async () => {
  const models = 12;
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'landfall-latency-run-'));
  generateSimpleModelsProject(path.join(root, 'project'), models, undefined, 'mixed');
  // Two admitted at once, with the run's 4 in flight: statements queue SUBMITTED on the local Data API.
  process.env[LATENCY_ENV] = JSON.stringify({ callMs: 1, commitMs: 30, minStatementMs: 5, admittedConcurrency: 2 });
  const stack = await startLocalStack({ repoRoot: path.resolve(__dirname, '..', '..'), projectDir: path.join(root, 'project'), stateDir: path.join(root, 'state'), waitTimeScaleMs: 20 });
  try {
    const execution = await new SFNClient({}).send(new StartExecutionCommand({
      stateMachineArn: stack.transformStateMachineArn, name: 'latency-run', input: JSON.stringify({ command: 'build', reason: 'latency mode integration test' }),
    }));
    const done = await stack.stepFunctions.waitForExecution(execution.executionArn!);
    expect(done.status).toBe('SUCCEEDED');
    const counters = stack.dataApiCounters;
    expect(counters.commits).toBe(models + 1);
    expect(counters.activeStatementsExceeded).toBe(0);
    expect(counters.calls.DescribeStatement).toBeGreaterThan(0);
  } finally {
    delete process.env[LATENCY_ENV];
    await stack.close();
    fs.rmSync(root, { recursive: true, force: true });
  }
}, 300_000);
