/**
 * The freshness simulator's figures read from a state directory while it runs (or after it was stopped): the lag of
 * every arrival of the first H simulated hours once all of them are measured (the schedule index is in each arrival
 * id), what it is made of (waiting for the run vs the run), transitions, failed runs, runs at once, models built by two
 * runs at once (the simulator's own check), and model nodes running at once across runs (a proxy for statements in
 * flight: the Data API's own counter lives in the simulator's memory). For a day that cannot finish in the time at hand.
 *
 * Usage: npx tsx bench/freshness-lag-partial.ts STATE_DIR [--hours 24] [--load 1]
 *        STATE_DIR: `<tmp>/state-<scheduler>` of a `bench/freshness-lag.ts --keep-state` run (it prints the folder).
 */
import fs from 'node:fs';
import path from 'node:path';
import { aggregateLags } from '../src/freshness-lag/aggregate';
import { arrivalSchedule } from './support/freshness-lag-simulation';
import { numberFlag } from './support/simple-models-project';
import { overlappingBuilds } from './support/freshness-lag-simulation';
import { runStateOfExecution } from '../src/cli/execution-summary';

const stateDir = process.argv[2];
if (!stateDir || !fs.existsSync(path.join(stateDir, 'executions'))) throw new Error(`usage: freshness-lag-partial.ts STATE_DIR (a simulator's state-<scheduler> folder; ${stateDir ?? 'none'} has no executions/)`);
const shape = { hours: numberFlag(process.argv, 'hours', 24), load: numberFlag(process.argv, 'load', 1) };
const runsDir = path.join(stateDir, 's3', 'landfall-local-run-state', 'history', 'runs');
const names = fs.readdirSync(runsDir).filter((n) => n !== 'initial-build' && fs.existsSync(path.join(runsDir, n, 'freshness_lag.json')));
const docs = names.map((n) => JSON.parse(fs.readFileSync(path.join(runsDir, n, 'freshness_lag.json'), 'utf8')));
const schedule = arrivalSchedule(shape);
const indexOf = (id: string) => Number((/sim-\d+-(\d+)$/.exec(id) ?? /etag-(\d+)$/.exec(id) ?? /#(\d+)$/.exec(id))![1]);
const arrivals = docs.flatMap((d: any) => d.arrivals).map((a: any) => ({ ...a, n: indexOf(a.id) }));
const measured = new Set(arrivals.map((a: any) => a.n));
let complete = 0; // the first `complete` scheduled arrivals all measured
while (complete < schedule.length && measured.has(complete)) complete++;
const hours = complete < schedule.length ? schedule[complete]!.atMs / 3_600_000 : shape.hours;
const within = arrivals.filter((a: any) => a.n < complete);
const agg = aggregateLags(within);
const m = (ms?: number) => (ms === undefined ? '-' : `${(ms / 60000).toFixed(1)} min`);
const runMs = within.filter((a: any) => a.lagMs !== null).map((a: any) => a.lagMs - a.queuedMs).sort((a: number, b: number) => a - b);
const p = (xs: number[], q: number) => xs[Math.min(xs.length - 1, Math.ceil((q / 100) * xs.length) - 1)];
const runsUsed = new Set(docs.filter((d: any) => d.arrivals.some((a: any) => complete > indexOf(a.id))).map((d: any) => d.execution));
console.log(JSON.stringify({ state: path.basename(stateDir), runsFinished: docs.length, completeHours: Number(hours.toFixed(2)), arrivals: within.length, runs: runsUsed.size, p50: m(agg.overall?.p50Ms), p95: m(agg.overall?.p95Ms), max: m(agg.overall?.maxMs), queuedP50: m(agg.queued?.p50Ms), queuedP95: m(agg.queued?.p95Ms), runP50: m(p(runMs, 50)), runP95: m(p(runMs, 95)) }));
// Executions and run states of the runs covering the complete window: transitions, failures, runs at once, overlapping
// builds (the simulator's own check), and model nodes running at once across runs (a proxy for statements in flight).
const execDir = path.join(stateDir, 'executions', 'landfall-transform-run');
const executions = fs.readdirSync(execDir).filter((f) => f.endsWith('.json')).map((f) => JSON.parse(fs.readFileSync(path.join(execDir, f), 'utf8'))).filter((e: any) => e.name !== 'initial-build' && e.stopDate);
const used = executions.filter((e: any) => runsUsed.has(e.name));
const runs = executions.map((e: any) => ({ name: e.name, run: runStateOfExecution(stateDir, e.name)!, endedAt: e.stopDate })).filter((r: any) => r.run);
const maxOverlap = (spans: [number, number][]) => {
  const pts = spans.flatMap(([s, e]) => [[s, 1], [e, -1]] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let open = 0, most = 0;
  for (const [, d] of pts) most = Math.max(most, (open += d));
  return most;
};
const nodeSpans = runs.flatMap((r: any) => r.run.nodes.filter((n: any) => n.startedAt && n.finishedAt && (n.kind === 'model' || n.kind === 'seed')).map((n: any) => [Date.parse(n.startedAt), Date.parse(n.finishedAt)] as [number, number]));
console.log(JSON.stringify({ transitions: used.reduce((s: number, e: any) => s + e.stateTransitions, 0), failed: used.filter((e: any) => e.status !== 'SUCCEEDED').length, maxRunsAtOnce: maxOverlap(used.map((e: any) => [Date.parse(e.startDate), Date.parse(e.stopDate)])), overlappingBuilds: overlappingBuilds(runs).length, finishedExecutions: executions.length, maxModelNodesAtOnce: maxOverlap(nodeSpans) }));
