/**
 * A transform run through the real state machine on the local stack with the local Data API's Redshift latencies on
 * (src/local/data-api/redshift-latency.ts: 30 ms per call, 1 s per commit, ≥ 200 ms per statement, 16 admitted,
 * 500 active — assumptions stated there), Wait states in real seconds and the production settle window (20 s, run-settings.ts).
 *
 * Reports what an engineer paying for Redshift and Step Functions asks: wall time against the bound
 * 1.2 × (Σ statement time ÷ concurrency), state transitions, Lambda-seconds (every Task handler's time, summed),
 * Data API calls by operation and commits, each per model.
 *
 * Usage: npx tsx bench/run-latency.ts [--models 120] [--concurrency N (profiles.yml threads; default 16)] [--json FILE]
 *        [--repeat N (executions on the same stack: the later ones find schemas and tables in place)] [--timeline]
 *        `--models 10 --fast` is the CI smoke (latencies scaled down: 1 ms calls, 20 ms commits, Wait seconds at 50 ms).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { LATENCY_ENV, REDSHIFT_SERVERLESS_LATENCY } from '../src/local/data-api/redshift-latency';
import { startLocalStack } from '../src/local/local-stack';
import { localFunctionName } from '../src/local/local-functions';
import { DEFAULT_RUN_CONCURRENCY } from '../src/runtime/run-concurrency';
import { DEFAULT_SETTLE_SECONDS } from '../src/runtime/run-settings';
import { readRunTimeline } from './support/run-latency-timeline';
import { generateSimpleModelsProject, numberFlag, stringFlag } from './support/simple-models-project';

const args = process.argv.slice(2);
const models = numberFlag(args, 'models', 120);
const fast = args.includes('--fast');
const concurrencyFlag = stringFlag(args, 'concurrency');
const jsonFile = stringFlag(args, 'json');
/** `--timeline`: every Task's start and end (ms since the execution started) and what AdvanceRun returned. */
const timeline = args.includes('--timeline');
/**
 * `--repeat N`: N executions one after the other on the same stack; the first builds into an empty warehouse (its
 * schemas created), the later ones find the schemas and tables in place, as every scheduled run after the first does.
 */
const repeat = numberFlag(args, 'repeat', 1);
// Statements in flight: the Redshift target's default (src/runtime/run-concurrency.ts) unless --concurrency.
const concurrency = Number(concurrencyFlag ?? DEFAULT_RUN_CONCURRENCY.redshift);

async function main(): Promise<void> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `landfall-run-latency-${models}-`));
  const projectDir = path.join(root, 'project');
  generateSimpleModelsProject(projectDir, models, undefined, 'mixed');
  process.env[LATENCY_ENV] = fast ? JSON.stringify({ callMs: 1, commitMs: 20, minStatementMs: 5 }) : 'redshift';
  const lambdaMs: Record<string, number> = {};
  const invocations: Record<string, number> = {};
  const taskLines: string[] = [];
  let executionStartedAt = 0;
  const stack = await startLocalStack({
    repoRoot: path.resolve(__dirname, '..'),
    projectDir,
    stateDir: path.join(root, 'state'),
    waitTimeScaleMs: fast ? 50 : 1000,
    // The per-target setting (profiles.yml's threads), as a deployed project compiles it into the manifest.
    target: { threads: concurrency },
    wrapTask: (name, handler) => async (input) => {
      const started = performance.now();
      let output: unknown;
      try {
        output = await handler(input);
        return output;
      } finally {
        if (timeline) {
          const o = output as { waitSeconds?: number; counts?: { finished: number; running: number } } | undefined;
          taskLines.push(`${(started - executionStartedAt).toFixed(0).padStart(6)} → ${(performance.now() - executionStartedAt).toFixed(0).padStart(6)} ms  ${name}${o?.counts ? ` finished ${o.counts.finished}, running ${o.counts.running}, wait ${o.waitSeconds} s` : ''}`);
        }
        lambdaMs[name] = (lambdaMs[name] ?? 0) + performance.now() - started;
        invocations[name] = (invocations[name] ?? 0) + 1;
      }
    },
  });
  // The deployed defaults, not the local stack's quick ones.
  process.env.LANDFALL_SETTLE_SECONDS = fast ? '1' : process.env.BENCH_SETTLE_SECONDS ?? String(DEFAULT_SETTLE_SECONDS);
  const all: object[] = [];
  try {
    for (let attempt = 1; attempt <= repeat; attempt++) {
      for (const key of Object.keys(lambdaMs)) delete lambdaMs[key];
      for (const key of Object.keys(invocations)) delete invocations[key];
      taskLines.length = 0;
      const executionName = attempt === 1 ? `latency-${models}` : `latency-${models}-${attempt}`;
      const before = { ...stack.dataApiCounters, calls: { ...stack.dataApiCounters.calls } };
      // AdvanceRun's renders go to RenderPlans through Lambda Invoke (src/runtime/lambda-renderer.ts): one per batch.
      const renderInvokesBefore = stack.lambda.invocations.get(localFunctionName('render-plans')) ?? 0;
      const started = performance.now();
      executionStartedAt = started;
      const startedAtMs = Date.now();
      const sfn = new SFNClient({});
      const execution = await sfn.send(new StartExecutionCommand({
        stateMachineArn: stack.transformStateMachineArn, name: executionName, input: JSON.stringify({ command: 'build', reason: `latency bench: ${models} models` }),
      }));
      const done = await stack.stepFunctions.waitForExecution(execution.executionArn!);
      const wallMs = performance.now() - started;
      const endedAtMs = Date.now();
      const c = stack.dataApiCounters;
      const calls = Object.fromEntries(Object.entries(c.calls).map(([op, n]) => [op, n - (before.calls[op] ?? 0)]));
      const totalCalls = Object.values(calls).reduce((a, b) => a + b, 0);
      const statementMs = c.statementMs - before.statementMs;
      const admitted = REDSHIFT_SERVERLESS_LATENCY.admittedConcurrency;
      const boundMs = 1.2 * (statementMs / Math.min(concurrency, admitted));
      // What the DAG allows with no orchestration at all: each model's statement(s) at the run's mean time, started as
      // soon as its parent ended, at most `concurrency` at once (the generated project: model i reads model ⌊i/2⌋).
      const idealMs = idealMakespanMs(models, Math.min(concurrency, admitted), statementMs / models);
      const figures = {
        models, execution: executionName, status: done.status, error: done.error, wallMs, statementMs, concurrency, boundMs, idealMs,
        transitions: done.stateTransitions, transitionsPerModel: done.stateTransitions / models,
        lambdaSeconds: Object.values(lambdaMs).reduce((a, b) => a + b, 0) / 1000, lambdaMs, invocations,
        calls, callsPerModel: totalCalls / models,
        renderPlansInvocations: (stack.lambda.invocations.get(localFunctionName('render-plans')) ?? 0) - renderInvokesBefore,
        statements: c.statements - before.statements, commits: c.commits - before.commits, commitsPerModel: (c.commits - before.commits) / models,
        latency: process.env[LATENCY_ENV], machine: `${os.cpus()[0]?.model ?? 'CPU'} × ${os.cpus().length}, load ${os.loadavg()[0]!.toFixed(1)}, Node ${process.version}`,
      };
      const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
      process.stdout.write([
        `${models} models (mixed: 60 % views, 20 % tables, 20 % incrementals; 2 tests each), execution ${attempt} of ${repeat}${attempt > 1 ? ' (schemas and tables in place)' : ''}: ${done.status}${done.error ? ` ${done.error}` : ''}`,
        `wall ${s(wallMs)}; Σ statement time ${s(statementMs)} at ${concurrency} in flight → bound 1.2 × Σ/${Math.min(concurrency, admitted)} = ${s(boundMs)} (wall/bound ${(wallMs / boundMs).toFixed(2)})`,
        `DAG-aware floor (no orchestration, ${(statementMs / models / 1000).toFixed(2)} s of statements per model, ${Math.min(concurrency, admitted)} at once): ${s(idealMs)} (wall/floor ${(wallMs / idealMs).toFixed(2)})`,
        `transitions ${done.stateTransitions} (${figures.transitionsPerModel.toFixed(2)}/model); Lambda ${figures.lambdaSeconds.toFixed(1)} s (${(figures.lambdaSeconds / models).toFixed(2)} s/model): ${Object.entries(lambdaMs).map(([k, v]) => `${k} ${(v / 1000).toFixed(1)} s × ${invocations[k]}`).join(', ')}; RenderPlans invoked ${figures.renderPlansInvocations} × by AdvanceRun`,
        `Data API calls ${totalCalls} (${figures.callsPerModel.toFixed(2)}/model): ${Object.entries(calls).map(([k, v]) => `${k} ${v}`).join(', ')}; statements ${figures.statements}; commits ${figures.commits} (${figures.commitsPerModel.toFixed(2)}/model)`,
        ...(timeline ? [...taskLines, timelineLine(await readRunTimeline(executionName, startedAtMs, endedAtMs))] : []),
        '',
      ].join('\n'));
      all.push(figures);
      if (done.status !== 'SUCCEEDED') process.exitCode = 1;
    }
    if (jsonFile) fs.writeFileSync(jsonFile, JSON.stringify(repeat === 1 ? all[0] : all, null, 2));
  } finally {
    await stack.close();
    fs.rmSync(root, { recursive: true, force: true });
  }
}

function timelineLine(t: Awaited<ReturnType<typeof readRunTimeline>>): string {
  return `first model submitted ${t.firstSubmitMs} ms after the start; parent's end → submit (models 1–${t.dispatch.count}: levels 2–4): median ${t.dispatch.medianMs} ms, p90 ${t.dispatch.p90Ms} ms, max ${t.dispatch.maxMs} ms; Σ along the deepest chain ${t.criticalPathDispatchMs} ms; last end → execution end ${t.tailMs} ms`;
}

/** Greedy list scheduling of the generated DAG (model i after model ⌊i/2⌋), each model taking `perModelMs`. */
function idealMakespanMs(count: number, slots: number, perModelMs: number): number {
  const finishedAt: number[] = [];
  const running: number[] = []; // end times
  let now = 0;
  let next = 0;
  while (next < count) {
    // Models start in index order (a parent always has a lower index), as soon as a slot and the parent allow.
    const parentEnd = next === 0 ? 0 : finishedAt[Math.floor(next / 2)]!;
    running.sort((a, b) => a - b);
    if (running.length >= slots) now = Math.max(now, running.shift()!);
    const start = Math.max(now, parentEnd);
    finishedAt[next] = start + perModelMs;
    running.push(finishedAt[next]!);
    next++;
  }
  return Math.max(...finishedAt);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
