/**
 * What the local Step Functions' AWS checks cost (payload quotas on every state and task, history counted as
 * AWS records it, Lambda timeouts, the task gate that lets the event log catch up): a 300-iteration loop
 * AdvanceRun (Task) → IsRunDone (Choice) → WaitForStatements (Wait, 0 ms), with a payload of about
 * `--payload-kib` KiB, run by `LocalStepFunctions` vs the baseline of aws-local-stepfunctions alone with the
 * same definition, handlers and wait overrides, consuming its event log, in the same process.
 *
 * Usage: npx tsx bench/step-functions-checks.ts [--iterations 300] [--payload-kib 16] [--rounds 5]
 *        → bench/RESULTS-step-functions-checks.md
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import '../src/local/aws/promise-with-resolvers-polyfill';
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { LocalStepFunctions } from '../src/local/aws/step-functions';

const args = process.argv.slice(2);
const flag = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const iterations = flag('iterations', 300);
const payloadKib = flag('payload-kib', 16);
const rounds = flag('rounds', 5);

const LAMBDA = 'arn:aws:lambda:us-east-1:000000000000:function:advance-run';
const definition = {
  StartAt: 'AdvanceRun',
  States: {
    AdvanceRun: { Type: 'Task', Resource: LAMBDA, Next: 'IsRunDone' },
    IsRunDone: { Type: 'Choice', Choices: [{ Variable: '$.done', BooleanEquals: true, Next: 'Done' }], Default: 'WaitForStatements' },
    WaitForStatements: { Type: 'Wait', Seconds: 1, Next: 'AdvanceRun' },
    Done: { Type: 'Succeed' },
  },
};
const filler = 'x'.repeat(payloadKib * 1024);
const advanceRun = async (input: { n?: number }) => {
  const n = (input.n ?? 0) + 1;
  return { n, done: n >= iterations, filler };
};

async function baseline(): Promise<number> {
  const machine = new StateMachine(definition as StateMachineDefinition, { validationOptions: { checkArn: false } });
  const started = performance.now();
  const run = machine.run({}, { overrides: { taskResourceLocalHandlers: { AdvanceRun: advanceRun as never }, waitTimeOverrides: { WaitForStatements: 0 } } });
  const drain = (async () => {
    for await (const _event of run.eventLogs) void _event;
  })();
  await Promise.all([run.result, drain]);
  return performance.now() - started;
}

async function withChecks(stepFunctions: LocalStepFunctions, round: number): Promise<{ ms: number; history: number; largest: number }> {
  const started = performance.now();
  const { executionArn } = await stepFunctions.startExecution({ stateMachineArn: stepFunctions.stateMachineArn('loop'), name: `round-${round}`, input: '{}' });
  const execution = await stepFunctions.waitForExecution(executionArn!);
  if (execution.status !== 'SUCCEEDED') throw new Error(`round ${round}: ${execution.status} ${execution.error}: ${execution.cause}`);
  return { ms: performance.now() - started, history: execution.historyEventCount, largest: execution.largestPayloadBytes };
}

async function main(): Promise<void> {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'landfall-bench-sfn-'));
  try {
    const stepFunctions = new LocalStepFunctions({
      stateDir,
      stateMachines: { loop: { definition, taskHandlers: { AdvanceRun: advanceRun }, waitTimeOverrides: { WaitForStatements: 0 }, lambdaTimeouts: { AdvanceRun: 60 } } },
    });
    await baseline(); // warm-up, both paths
    await withChecks(stepFunctions, 0);
    const base: number[] = [];
    const checked: number[] = [];
    let figures = { history: 0, largest: 0 };
    for (let round = 1; round <= rounds; round += 1) {
      base.push(await baseline());
      const result = await withChecks(stepFunctions, round);
      checked.push(result.ms);
      figures = result;
    }
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    const baseMs = median(base);
    const checkedMs = median(checked);
    const states = iterations * 3 - 1 + 1;
    const lines = [
      '# Local Step Functions: cost of the AWS checks',
      '',
      `\`npx tsx bench/step-functions-checks.ts --iterations ${iterations} --payload-kib ${payloadKib} --rounds ${rounds}\` on ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}.`,
      '',
      `A ${iterations}-iteration AdvanceRun → IsRunDone → WaitForStatements loop (${states} states, Wait overridden to 0 ms), each payload ~${payloadKib} KiB. Median of ${rounds} rounds, same process.`,
      '',
      '| path | median ms | per state |',
      '| --- | ---: | ---: |',
      `| aws-local-stepfunctions alone (baseline) | ${baseMs.toFixed(1)} | ${((baseMs * 1000) / states).toFixed(0)} µs |`,
      `| LocalStepFunctions with every check, history and persistence | ${checkedMs.toFixed(1)} | ${((checkedMs * 1000) / states).toFixed(0)} µs |`,
      '',
      `Overhead: ${(checkedMs - baseMs).toFixed(1)} ms per execution, ${(((checkedMs - baseMs) * 1000) / states).toFixed(0)} µs per state (${(checkedMs / baseMs).toFixed(2)}×). The checked run recorded ${figures.history} history events; largest payload ${figures.largest} bytes.`,
      '',
    ];
    fs.writeFileSync(path.join(__dirname, 'RESULTS-step-functions-checks.md'), lines.join('\n'));
    process.stdout.write(lines.join('\n'));
  } finally {
    fs.rmSync(stateDir, { recursive: true, force: true });
  }
}

void main();
