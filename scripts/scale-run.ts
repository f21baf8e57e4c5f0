/**
 * `npm run test:scale`: a generated 10,000-model project (views, tables, incrementals, 20,000 tests) built through
 * the real transform-run definition on the local stack in one execution. Prints the largest state payload,
 * history events and transitions; fails unless it SUCCEEDED with every payload under 16 KiB and the history
 * under AWS's 25,000 events. `--models N` for another size.
 */
import { formatScaleRun, runGeneratedProject } from '../tests/support/scale-run';

const PAYLOAD_BUDGET_BYTES = 16 * 1024;
const HISTORY_EVENTS_QUOTA = 25_000;

async function main(): Promise<number> {
  const i = process.argv.indexOf('--models');
  const models = i >= 0 ? Number(process.argv[i + 1]) : 10_000;
  if (!Number.isInteger(models) || models < 1) throw new Error(`--models must be a positive integer, got '${process.argv[i + 1]}'`);
  const result = await runGeneratedProject(models);
  console.log(formatScaleRun(result));
  const problems = [
    result.status !== 'SUCCEEDED' ? `the execution ended ${result.status}: ${result.error ?? ''} ${(result.cause ?? '').slice(0, 500)}` : '',
    result.largestPayloadBytes >= PAYLOAD_BUDGET_BYTES ? `a payload of ${result.largestPayloadBytes} B (budget ${PAYLOAD_BUDGET_BYTES})` : '',
    result.historyEvents >= HISTORY_EVENTS_QUOTA ? `${result.historyEvents} history events (quota ${HISTORY_EVENTS_QUOTA})` : '',
  ].filter(Boolean);
  for (const problem of problems) console.error(`scale run failed: ${problem}`);
  return problems.length ? 1 : 0;
}

main().then((code) => process.exit(code), (error: unknown) => {
  console.error(error);
  process.exit(1);
});
