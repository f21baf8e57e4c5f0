/**
 * Builds a generated project (bench/support/simple-models-project.ts, `mixed`: views, tables, incrementals, two
 * tests per model) through the real transform-run definition on the local stack, in one execution, and reports
 * what Step Functions' quotas care about: the largest state payload, history events, state transitions, and the
 * size of the run state object in S3. Used by tests/integration/transform-run-scale.test.ts (100, 1,000 models)
 * and scripts/scale-run.ts (`npm run test:scale`, 10,000 models).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { generateSimpleModelsProject } from '../../bench/support/simple-models-project';
import { startLocalStack } from '../../src/local/local-stack';
import { awsDependencies } from '../../src/runtime/aws-dependencies';
import type { TransformRunPayload } from '../../src/runtime/transform-run';

export interface ScaleRunResult {
  models: number;
  nodes: number;
  status: string;
  error?: string;
  cause?: string;
  largestPayloadBytes: number;
  largestPayloadAt?: string;
  historyEvents: number;
  transitions: number;
  /** gzip bytes of the run state object at the end of the run. */
  runStateBytes: number;
  advanceRunInvocations: number;
  seconds: number;
}

export async function runGeneratedProject(models: number, options: { keepDir?: boolean; settleSeconds?: number; concurrency?: number } = {}): Promise<ScaleRunResult> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `landfall-scale-${models}-`));
  const projectDir = path.join(root, 'project');
  generateSimpleModelsProject(projectDir, models, undefined, 'mixed');
  let advanceRunInvocations = 0;
  // Statements in flight per run: PGlite runs one at a time, but each AdvanceRun step then moves more nodes.
  if (options.concurrency !== undefined) process.env.LANDFALL_RUN_CONCURRENCY = String(options.concurrency);
  const stack = await startLocalStack({
    repoRoot: path.resolve(__dirname, '..', '..'),
    projectDir,
    stateDir: path.join(root, 'state'),
    waitTimeScaleMs: 1,
    wrapTask: (name, handler) => (name === 'AdvanceRun' ? async (input) => { advanceRunInvocations++; return handler(input); } : handler),
  });
  if (options.settleSeconds !== undefined) process.env.LANDFALL_SETTLE_SECONDS = String(options.settleSeconds);
  const started = Date.now();
  try {
    const sfn = new SFNClient({});
    const execution = await sfn.send(new StartExecutionCommand({
      stateMachineArn: stack.transformStateMachineArn,
      name: `scale-${models}`,
      input: JSON.stringify({ command: 'build', reason: `scale test: ${models} generated models` }),
    }));
    const done = await stack.stepFunctions.waitForExecution(execution.executionArn!);
    const seconds = (Date.now() - started) / 1000;
    let runStateBytes = 0;
    let nodes = 0;
    if (done.output) {
      const output = JSON.parse(done.output) as TransformRunPayload;
      nodes = output.counts.nodes;
      const file = path.join(stack.s3Dir, output.state.bucket, output.state.key);
      runStateBytes = fs.statSync(file).size;
      // Read through the store too: the object decodes as a run state.
      await awsDependencies().runStates.read(output.state);
    }
    const stored = done as typeof done & { historyEventCount?: number; largestPayloadBytes?: number; largestPayloadAt?: string };
    return {
      models,
      nodes,
      status: done.status,
      error: done.error,
      cause: done.cause,
      largestPayloadBytes: stored.largestPayloadBytes ?? 0,
      largestPayloadAt: stored.largestPayloadAt,
      historyEvents: stored.historyEventCount ?? done.history.length,
      transitions: done.stateTransitions,
      runStateBytes,
      advanceRunInvocations,
      seconds,
    };
  } finally {
    delete process.env.LANDFALL_RUN_CONCURRENCY;
    await stack.close();
    if (!options.keepDir) fs.rmSync(root, { recursive: true, force: true });
  }
}

export function formatScaleRun(r: ScaleRunResult): string {
  return `${r.models} models (${r.nodes} nodes): ${r.status}${r.error ? ` ${r.error}` : ''} in ${r.seconds.toFixed(1)} s; largest payload ${r.largestPayloadBytes} B`
    + `${r.largestPayloadAt ? ` (${r.largestPayloadAt})` : ''}; ${r.historyEvents} history events (${(r.historyEvents / r.models).toFixed(3)}/model); `
    + `${r.transitions} transitions (${(r.transitions / r.models).toFixed(3)}/model); ${r.advanceRunInvocations} AdvanceRun invocations; run state ${(r.runStateBytes / 1024).toFixed(1)} KiB gzip`;
}
