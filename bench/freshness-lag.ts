/**
 * The load simulator of issue 18: a day of arrivals — 40 Fivetran connectors syncing hourly, a Firehose stream
 * delivering every 5 minutes, 3 DMS tasks (full load every 6 h), 500 models — through the real coalescer and
 * transform state machine on the local stack with the Data API's Redshift latencies on, time accelerated
 * (bench/support/freshness-lag-simulation.ts says how), once per scheduler in the same process: `serial` (one arrival
 * run at a time, today's) and `dag` (disjoint parts of the DAG at once). Reports the freshness lag (landed → last
 * downstream model published) p50/p95/max, runs, state transitions, the most warehouse statements in flight, and
 * checks: no model built by two runs at once, statements in flight never above the bound (exit code 1 otherwise).
 *
 * Usage: npx tsx bench/freshness-lag.ts [--hours 24] [--load 1] [--clock virtual|real] [--speed 60] [--window-seconds 60]
 *          [--schedulers serial,dag] [--per-domain 57] [--bound 16] [--lag-goal-minutes 10] [--json FILE] [--out FILE]
 *        --clock virtual (default): a discrete-event clock (bench/support/virtual-clock.ts), local CPU costs no simulated time,
 *        every modelled duration at its real value, `--speed` ignored; --clock real: real time accelerated `--speed`×.
 *        --keep-state: keep the temp folder, for bench/freshness-lag-partial.ts (figures of a day still running).
 *        --tiny: the bench:smoke variant (76 models, 15 simulated minutes at 10× load, 120× speed), writes no results file.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { formatLag } from '../src/freshness-lag/aggregate';
import { generateFreshnessLagProject } from './support/freshness-lag-project';
import { arrivalSchedule, simulateDay, type Scheduler, type SimulationFigures } from './support/freshness-lag-simulation';
import { arrivalFloorsMs } from './support/freshness-lag-floor';
import { percentile } from '../src/freshness-lag/percentiles';
import { REDSHIFT_SERVERLESS_LATENCY } from '../src/local/data-api/redshift-latency';
import { numberFlag, stringFlag } from './support/simple-models-project';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const args = process.argv.slice(2);
const tiny = args.includes('--tiny');
const hours = numberFlag(args, 'hours', tiny ? 0.25 : 24);
const load = numberFlag(args, 'load', tiny ? 10 : 1);
const clock = (stringFlag(args, 'clock') ?? 'virtual') as 'virtual' | 'real';
if (clock !== 'virtual' && clock !== 'real') throw new Error(`--clock must be virtual or real, not ${String(clock)}`);
const speed = numberFlag(args, 'speed', tiny ? 120 : 60);
const windowSeconds = numberFlag(args, 'window-seconds', 60);
const perDomain = numberFlag(args, 'per-domain', tiny ? 4 : 57);
/** Statements in flight across runs: T17's default (src/runtime/coalesce/arrival-settings.ts, 16). */
const bound = numberFlag(args, 'bound', 16);
const lagGoalMinutes = numberFlag(args, 'lag-goal-minutes', 10);
const schedulers = (stringFlag(args, 'schedulers') ?? 'serial,dag').split(',') as Scheduler[];
const jsonFile = stringFlag(args, 'json');
/** Keep the temp folder (project, state-<scheduler>/) for bench/freshness-lag-partial.ts, which reads a day still running. */
const keepState = args.includes('--keep-state');
const outFile = stringFlag(args, 'out') ?? (tiny ? undefined : path.join(__dirname, `RESULTS-freshness-lag${load === 1 ? '' : `-${load}x`}.md`));

function row(f: SimulationFigures): string {
  const lag = f.lag.overall;
  const m = (ms: number | undefined) => (ms === undefined ? '–' : formatLag(ms));
  return `| ${f.scheduler} | ${f.arrivalsSent} (${f.arrivalsMeasured} measured) | ${f.runs} (${f.runsFailed} failed) | ${m(lag?.p50Ms)} | ${m(lag?.p95Ms)} | ${m(lag?.maxMs)} | ${m(f.lag.queued?.p95Ms)} | ${f.transitions} | ${f.maxConcurrentRuns} | ${f.maxStatementsInFlight} of ${bound} | ${f.overlappingBuilds.length} | ${Math.round(f.meanStatementMs)} ms | ${(f.initialBuildMs / 60_000).toFixed(1)} min | ${f.realSeconds.toFixed(0)} s |`;
}

async function main(): Promise<void> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'landfall-freshness-lag-'));
  if (keepState) process.stderr.write(`state folders (kept): ${root}/state-<scheduler>\n`);
  const projectDir = path.join(root, 'project');
  const { models, rawTables, dag } = generateFreshnessLagProject(projectDir, perDomain);
  // The best lag each arrival could have (freshness-lag-floor.ts): the same day for every scheduler.
  const floors = arrivalFloorsMs(arrivalSchedule({ hours, load }), dag, windowSeconds * 1000, REDSHIFT_SERVERLESS_LATENCY);
  const floor = floors.length ? { p50Ms: percentile(floors, 50), p95Ms: percentile(floors, 95), maxMs: Math.max(...floors) } : undefined;
  const loadAverages = [os.loadavg()[0]!];
  const figures: SimulationFigures[] = [];
  try {
    for (const scheduler of schedulers) {
      figures.push(await simulateDay({
        repoRoot: path.resolve(__dirname, '..'), projectDir, rawTables, stateDir: path.join(root, `state-${scheduler}`),
        scheduler, hours, load, speed, clock, windowSeconds, log: (line) => process.stderr.write(`${line}\n`),
      }));
      loadAverages.push(os.loadavg()[0]!);
      process.stderr.write(`${row(figures[figures.length - 1]!)}\n`);
    }
  } finally {
    if (!keepState) fs.rmSync(root, { recursive: true, force: true });
  }
  const problems = figures.flatMap((f) => [
    ...(f.overlappingBuilds.length ? [`${f.scheduler}: ${f.overlappingBuilds.length} model builds overlapped another run's (${f.overlappingBuilds.slice(0, 3).map((o) => o.model).join(', ')})`] : []),
    ...(f.maxStatementsInFlight > bound ? [`${f.scheduler}: ${f.maxStatementsInFlight} statements in flight, above the bound ${bound}`] : []),
    ...(f.arrivalsMeasured < f.arrivalsSent ? [`${f.scheduler}: ${f.arrivalsSent - f.arrivalsMeasured} arrivals have no lag recorded`] : []),
  ]);
  const goal = (f: SimulationFigures) => (f.lag.overall && f.lag.overall.p95Ms < lagGoalMinutes * 60_000 ? 'met' : 'NOT met');
  const lines = [
    `# Freshness lag under load: ${schedulers.join(' vs ')} scheduler${load === 1 ? '' : ` (${load}× load)`}`,
    '',
    `Measured by \`npx tsx bench/freshness-lag.ts --hours ${hours} --load ${load} ${clock === 'virtual' ? '--clock virtual' : `--clock real --speed ${speed}`} --window-seconds ${windowSeconds} --per-domain ${perDomain}\` on ${new Date().toISOString().slice(0, 10)},`,
    `${os.cpus()[0]?.model ?? 'CPU'} × ${os.cpus().length} (1-min load average at start and after each scheduler: ${loadAverages.map((l) => l.toFixed(1)).join(' → ')}, shared), Node ${process.version}, PGlite.`,
    '',
    `${models} models in 8 disjoint domains; ${hours} simulated hours of arrivals: 40 Fivetran connectors every ${60 / load} min, a Firehose object every ${5 / load} min`,
    `(COPYed by the runs' load nodes), 3 DMS full loads every ${6 / load} h; coalescing window ${windowSeconds} s. Real local pipeline (bus → rule → coalescer →`,
    `transform state machine, 16 statements in flight per run → Data API with Redshift latencies: 30 ms per call, 1 s per commit, ≥ 200 ms per statement, 16 admitted → PGlite),`,
    clock === 'virtual'
      ? 'on a virtual clock (bench/support/virtual-clock.ts): time jumps to the next timer when the local stack is idle, so every modelled duration counts at its real value and local CPU counts none ("mean statement" is modelled time).'
      : `time accelerated ${speed}×: every modelled duration ÷ ${speed}, every measured one × ${speed}; local CPU time is not scaled (see "mean statement").`,
    '',
    '| scheduler | arrivals | runs | lag p50 | lag p95 | lag max | wait for run p95 | transitions | max runs at once | max statements in flight | models built by two runs at once | mean statement (simulated) | full build (simulated) | real time |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...figures.map(row),
    '',
    ...(floor ? [`Floor (the best lag possible: window + COPY + the critical path of modelled build times and commits downstream of each arrival, bench/support/freshness-lag-floor.ts): p50 ${formatLag(floor.p50Ms)}, p95 ${formatLag(floor.p95Ms)}, max ${formatLag(floor.maxMs)}.`,
      ...figures.filter((f) => f.lag.overall).map((f) => `- ${f.scheduler}: lag p50 ${formatLag(f.lag.overall!.p50Ms)} (${formatLag(f.lag.overall!.p50Ms - floor.p50Ms)} above the floor's), p95 ${formatLag(f.lag.overall!.p95Ms)} (${formatLag(f.lag.overall!.p95Ms - floor.p95Ms)} above).`), ''] : []),
    `Lag: from the loader's landing time in the event to the last model downstream of the arrival published (src/freshness-lag/), as the run history records it.`,
    ...figures.map((f) => `- ${f.scheduler}: lag p95 < ${lagGoalMinutes} min ${goal(f)}.`),
    ...(problems.length ? ['', 'Checks FAILED:', ...problems.map((p) => `- ${p}`)] : ['', `Checks passed: no model built by two runs at once; statements in flight never above ${bound}; every arrival's lag recorded.`]),
    '',
    'Worst sources by p95 (simulated):',
    ...figures.flatMap((f) => Object.entries(f.lag.bySource).sort(([, a], [, b]) => b.p95Ms - a.p95Ms).slice(0, 3).map(([s, x]) => `- ${f.scheduler}: ${s.split('.').slice(2).join('.')} p50 ${formatLag(x.p50Ms)}, p95 ${formatLag(x.p95Ms)} (${x.count} arrivals)`)),
    '',
  ];
  process.stdout.write(lines.join('\n'));
  if (outFile) fs.writeFileSync(outFile, lines.join('\n'));
  if (jsonFile) fs.writeFileSync(jsonFile, JSON.stringify({ hours, load, speed, windowSeconds, models, bound, floor, loadAverages, figures }, null, 2));
  if (problems.length) process.exitCode = 1;
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
