/**
 * A simulated day of arrivals through the real local pipeline (bench/freshness-lag.ts): `Data Arrived` events on the
 * local bus → the rule → the coalescer (`LANDFALL_ARRIVAL_CONCURRENCY=serial|dag`) → the transform state machine →
 * the local Data API with Redshift's latencies → PGlite; Firehose objects are real files COPYed by the runs' load nodes.
 *
 * Time is accelerated by `speed` (k): an arrival due at simulated second s is sent at real second s/k, and every
 * modelled duration is divided by k — the Data API's call, commit and least statement times, the Wait states
 * (`waitTimeScaleMs` = 1000/k ms per second), AdvanceRun's settle window (5 s/k) and the coalescing window. Measured
 * real durations are multiplied by k. What is NOT scaled: the CPU time of the local engine, handlers and PGlite
 * (a statement PGlite runs in 5 ms counts as 5·k ms of Redshift time when it exceeds 200 ms/k), so the higher k,
 * the more local CPU inflates the simulated times (the results state k and the real time per statement).
 *
 * `clock: 'virtual'` (the default of bench/freshness-lag.ts) instead runs the day on a virtual clock
 * (bench/support/virtual-clock.ts): simulated time advances only when the local stack is idle, jumping to the next
 * timer, so local CPU costs no simulated time and nothing is scaled: every modelled duration is taken at its real value
 * (Waits including `SecondsPath`, the 5 s settle window, the coalescing window, the Data API's latencies and each
 * model's `landfall-sim-ms`), and the lag comes straight from the run history the handlers stamped with the virtual `Date`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { RedshiftDataClient } from '@aws-sdk/client-redshift-data';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { RunState } from '../../src/engine/run/run-state';
import { runStateOfExecution } from '../../src/cli/execution-summary';
import type { ArrivalLag } from '../../src/freshness-lag/arrival-lag';
import { aggregateLags, type LagAggregate } from '../../src/freshness-lag/aggregate';
import { readLocalFreshnessLag } from '../../src/freshness-lag/local-history-files';
import { LATENCY_ENV, REDSHIFT_SERVERLESS_LATENCY } from '../../src/local/data-api/redshift-latency';
import { RUN_STATE_BUCKET, startLocalStack, type LocalStack } from '../../src/local/local-stack';
import { readConnectionTarget } from '../../src/warehouse/connection-config';
import { RedshiftDataWarehouse } from '../../src/warehouse/redshift-data-warehouse';
import { runQuery } from '../../src/engine/warehouse/run-query';
import { installVirtualClock, type VirtualClock } from './virtual-clock';
import { CLICKS_PREFIX, connectorId, dmsTaskArn, DMS_TASKS, FIVETRAN_CONNECTORS, LANDING_BUCKET } from './freshness-lag-project';

export type Scheduler = 'serial' | 'dag';

/** The real interval timers, taken before a virtual clock replaces the global ones. */
const realSetInterval = setInterval;
const realClearInterval = clearInterval;

export interface LoadShape {
  /** Simulated hours of arrivals. */
  hours: number;
  /** 1 = 40 Fivetran connectors hourly, Firehose every 5 min, 3 DMS tasks every 6 h; 10 = each ten times as often. */
  load: number;
}

export interface SimulationOptions extends LoadShape {
  repoRoot: string;
  projectDir: string;
  rawTables: string[];
  stateDir: string;
  scheduler: Scheduler;
  /** Acceleration k: simulated seconds per real second (`clock: 'real'` only). */
  speed: number;
  /** `virtual` (default): a discrete-event clock, local CPU costs 0 simulated time; `real`: real time ÷ `speed`. */
  clock?: 'virtual' | 'real';
  /** The coalescing window, simulated seconds. */
  windowSeconds: number;
  /** Statements in flight per run (default 16, landfall's Redshift default). */
  runConcurrency?: number;
  log?: (line: string) => void;
}

export interface SimulatedArrival {
  atMs: number;
  loader: 'fivetran' | 'dms' | 's3';
  index: number;
}

export interface SimulationFigures {
  scheduler: Scheduler;
  arrivalsSent: number;
  /** Arrivals some run's freshness lag document accounts for. */
  arrivalsMeasured: number;
  runs: number;
  runsFailed: number;
  /** Lag in simulated milliseconds (real × speed). */
  lag: LagAggregate;
  transitions: number;
  /** The most Data API statements active at once, across all runs (the local Data API's counter). */
  maxStatementsInFlight: number;
  /** Model builds of different runs that overlapped in time (must be 0). */
  overlappingBuilds: { model: string; runs: [string, string] }[];
  /** Most arrival runs active at once. */
  maxConcurrentRuns: number;
  /** Real seconds the arrivals phase took (after the first build). */
  realSeconds: number;
  /** `virtual` or `real`; with `virtual`, the timers the clock fired and the jumps it had to force (see virtual-clock.ts). */
  clock: 'virtual' | 'real';
  virtualJumps?: number;
  forcedJumps?: number;
  statements: number;
  /** The first build (all models, one run, 16 in flight), simulated ms: the calibration check (~20 min). */
  initialBuildMs: number;
  /** Mean statement time, STARTED to end, simulated ms (the modelled ≥ 200 ms + 1 s per commit, plus local CPU × speed). */
  meanStatementMs: number;
}

/** A deterministic pseudo-random sequence (the same day for both schedulers). */
function random(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 2 ** 32;
  };
}

/** The day's arrivals in simulated time, earliest first. */
export function arrivalSchedule({ hours, load }: LoadShape): SimulatedArrival[] {
  const next = random(18);
  const endMs = hours * 3_600_000;
  const arrivals: SimulatedArrival[] = [];
  const every = (loader: SimulatedArrival['loader'], index: number, periodMs: number) => {
    for (let t = next() * periodMs; t < endMs; t += periodMs) arrivals.push({ atMs: Math.round(t), loader, index });
  };
  for (let i = 0; i < FIVETRAN_CONNECTORS; i++) every('fivetran', i, 3_600_000 / load);
  every('s3', 0, 300_000 / load);
  for (let i = 0; i < DMS_TASKS; i++) every('dms', i, 6 * 3_600_000 / load);
  return arrivals.sort((a, b) => a.atMs - b.atMs);
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));

async function prepareWarehouse(rawTables: string[]): Promise<void> {
  const warehouse = new RedshiftDataWarehouse({ client: new RedshiftDataClient({}), target: readConnectionTarget() });
  const schemas = [...new Set(rawTables.map((t) => t.split('.')[0]!))];
  await runQuery(warehouse, schemas.map((s) => `create schema if not exists ${s}`).join(';\n'));
  await runQuery(warehouse, rawTables.map((t) => `create table if not exists ${t} (id integer, updated_at timestamp)`).join(';\n'));
  await runQuery(warehouse, rawTables.map((t) => `insert into ${t} values (1, '2026-12-05 00:00:00'), (2, '2026-12-05 00:00:00')`).join(';\n'));
}

async function send(stack: LocalStack, arrival: SimulatedArrival, n: number): Promise<string> {
  const arrivedAt = new Date().toISOString();
  let detail: Record<string, unknown>;
  if (arrival.loader === 'fivetran') {
    detail = { loader: 'fivetran', arrivalId: `fivetran:sim-${arrival.index}-${n}`, arrivedAt, connector: { connectorId: connectorId(arrival.index), syncId: `sim-${arrival.index}-${n}` } };
  } else if (arrival.loader === 'dms') {
    detail = { loader: 'dms', arrivalId: `dms:${dmsTaskArn(arrival.index)}:${arrivedAt}#${n}`, arrivedAt, connector: { taskArn: dmsTaskArn(arrival.index), eventId: 'DMS-EVENT-0079' } };
  } else {
    const key = `${CLICKS_PREFIX}${String(n).padStart(6, '0')}.json`;
    const body = `${JSON.stringify({ id: 1000 + n, updated_at: arrivedAt.replace('T', ' ').slice(0, 19) })}\n`;
    const file = path.join(stack.s3Dir, LANDING_BUCKET, key);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, body);
    detail = { loader: 's3', arrivalId: `s3:${LANDING_BUCKET}/${key}@etag-${n}`, arrivedAt, connector: { bucket: LANDING_BUCKET, key, etag: `etag-${n}`, size: Buffer.byteLength(body), deliveryStream: 'clicks' } };
  }
  const result = await stack.eventBus.putEvents({ Entries: [{ Source: 'landfall', DetailType: 'Data Arrived', EventBusName: stack.eventBus.eventBusName, Detail: JSON.stringify(detail) }] });
  if (result.FailedEntryCount) throw new Error(`the bus refused an arrival: ${JSON.stringify(result.Entries)}`);
  return String(detail.arrivalId);
}

/**
 * Model builds (node start → finish) of different runs that overlap in time. A node a failed run left unfinished ends
 * when its run ended (`endedAt`, the execution's stop): EndFailedRun cancels its statement and waits for it to stop
 * before the execution closes and the locks go (src/runtime/cancel-statements-in-flight.ts); without `endedAt`, never.
 */
export function overlappingBuilds(runs: { name: string; run: Pick<RunState, 'nodes'>; endedAt?: string }[]): { model: string; runs: [string, string] }[] {
  const byModel = new Map<string, { run: string; start: number; end: number }[]>();
  for (const { name, run, endedAt } of runs) {
    for (const node of run.nodes) {
      if ((node.kind !== 'model' && node.kind !== 'seed') || !node.startedAt) continue;
      const start = Date.parse(node.startedAt);
      const end = node.finishedAt ? Date.parse(node.finishedAt) : endedAt ? Date.parse(endedAt) : Infinity;
      byModel.set(node.id, [...(byModel.get(node.id) ?? []), { run: name, start, end }]);
    }
  }
  const overlaps: { model: string; runs: [string, string] }[] = [];
  for (const [model, builds] of byModel) {
    builds.sort((a, b) => a.start - b.start);
    for (let i = 1; i < builds.length; i++) {
      const previous = builds.slice(0, i).find((b) => b.run !== builds[i]!.run && b.end > builds[i]!.start);
      if (previous) overlaps.push({ model, runs: [previous.run, builds[i]!.run] });
    }
  }
  return overlaps;
}

/** Most intervals open at once. */
function maxOverlap(spans: [number, number][]): number {
  const points = spans.flatMap(([s, e]) => [[s, 1], [e, -1]] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let open = 0;
  let most = 0;
  for (const [, delta] of points) most = Math.max(most, (open += delta));
  return most;
}

/**
 * @example
 * const figures = await simulateDay({ repoRoot, projectDir, rawTables, stateDir, scheduler: 'dag', hours: 24, load: 1, speed: 60, windowSeconds: 60 });
 */
export async function simulateDay(options: SimulationOptions): Promise<SimulationFigures> {
  const virtual: VirtualClock | undefined = options.clock === 'real' ? undefined : installVirtualClock({ log: options.log });
  // LANDFALL_VIRTUAL_CLOCK_STATUS=1: the driver's view every 10 real seconds (a stalled day shows what it waits for).
  const status = virtual && process.env.LANDFALL_VIRTUAL_CLOCK_STATUS ? realSetInterval(() => options.log?.(virtual.status()), 10_000) : undefined;
  try {
    return await simulateOnClock(options, virtual);
  } finally {
    if (status) realClearInterval(status);
    await virtual?.uninstall();
  }
}

async function simulateOnClock(options: SimulationOptions, virtual: VirtualClock | undefined): Promise<SimulationFigures> {
  const k = virtual ? 1 : options.speed;
  /** Simulated ms: the virtual Date, or real time (× k below). */
  const clockMs = () => (virtual ? Date.now() : performance.now());
  const log = options.log ?? (() => undefined);
  process.env.LANDFALL_ARRIVAL_CONCURRENCY = options.scheduler;
  process.env[LATENCY_ENV] = JSON.stringify({
    callMs: REDSHIFT_SERVERLESS_LATENCY.callMs / k, commitMs: REDSHIFT_SERVERLESS_LATENCY.commitMs / k, minStatementMs: REDSHIFT_SERVERLESS_LATENCY.minStatementMs / k,
    markedStatementScale: 1 / k, // each model's modelled build time (freshness-lag-project.ts), accelerated
  });
  const stack = await startLocalStack({
    repoRoot: options.repoRoot, projectDir: options.projectDir, stateDir: options.stateDir,
    ...(virtual ? { realWaits: true } : { waitTimeScaleMs: 1000 / k }), coalesceWindowMs: (options.windowSeconds * 1000) / k,
  });
  process.env.LANDFALL_SETTLE_SECONDS = String(5 / k); // the deployed 5 s settle window, accelerated
  // Statements in flight per run as deployed on Redshift (src/runtime/run-concurrency.ts: 16), not the local
  // PostgreSQL target's 4: the warehouse simulated is Redshift (its modelled statement time is a wait, not local CPU).
  process.env.LANDFALL_RUN_CONCURRENCY = String(options.runConcurrency ?? 16);
  try {
    await prepareWarehouse(options.rawTables);
    const sfn = new SFNClient({});
    const initialStarted = clockMs();
    const initial = await sfn.send(new StartExecutionCommand({ stateMachineArn: stack.transformStateMachineArn, name: 'initial-build', input: JSON.stringify({ command: 'build', reason: 'simulation: first build' }) }));
    const first = await stack.stepFunctions.waitForExecution(initial.executionArn!);
    if (first.status !== 'SUCCEEDED') throw new Error(`the first build ${first.status}: ${first.error ?? ''} ${first.cause ?? ''}`);
    const initialBuildMs = (clockMs() - initialStarted) * k;
    log(`${options.scheduler}: first build (every model, one run) took ${(initialBuildMs / 60_000).toFixed(1)} simulated min; sending ${options.hours} h of arrivals ${virtual ? 'on the virtual clock' : `at ${k}× speed`}`);

    const counters = stack.dataApiCounters;
    counters.maxActiveStatements = 0;
    const statementsBefore = counters.statements;
    const statementMsBefore = counters.statementMs;
    const schedule = arrivalSchedule(options);
    const started = clockMs();
    const realStarted = performance.now();
    const sent: string[] = [];
    let nextReport = 3_600_000;
    for (const [n, arrival] of schedule.entries()) {
      await sleep(arrival.atMs / k - (clockMs() - started));
      sent.push(await send(stack, arrival, n));
      if (arrival.atMs >= nextReport) {
        log(`${options.scheduler}: ${(arrival.atMs / 3_600_000).toFixed(1)} simulated h sent after ${((performance.now() - realStarted) / 1000).toFixed(0)} real s`);
        nextReport += 3_600_000;
      }
    }
    await stack.eventBus.whenIdle();
    await stack.coalescer.whenIdle();
    await stack.stepFunctions.waitForAllExecutions();
    const realSeconds = (performance.now() - realStarted) / 1000;

    const listed: { name?: string; executionArn?: string }[] = [];
    let nextToken: string | undefined;
    do { // ListExecutions pages at 100, as on AWS
      const page = await stack.stepFunctions.listExecutions({ stateMachineArn: stack.transformStateMachineArn, nextToken, maxResults: 1000 });
      listed.push(...(page.executions ?? []));
      nextToken = page.nextToken;
    } while (nextToken);
    const executions = listed.filter((e) => e.name !== 'initial-build').map((e) => stack.stepFunctions.getExecution(e.executionArn!)!);
    const runs = executions.map((e) => ({ name: e.name, run: runStateOfExecution(options.stateDir, e.name), endedAt: e.stopDate })).filter((r): r is { name: string; run: RunState; endedAt: string | undefined } => r.run !== undefined);
    const documents = readLocalFreshnessLag(options.stateDir, RUN_STATE_BUCKET, executions.map((e) => e.name));
    const simulated = (ms: number) => ms * k;
    const arrivals: ArrivalLag[] = documents.flatMap((d) => d.arrivals).map((a) => ({
      ...a, queuedMs: simulated(a.queuedMs), lagMs: a.lagMs === null ? null : simulated(a.lagMs), published: a.published.map((p) => ({ ...p, lagMs: simulated(p.lagMs) })),
    }));
    const measured = new Set(arrivals.map((a) => a.id));
    const statements = counters.statements - statementsBefore;
    return {
      scheduler: options.scheduler,
      arrivalsSent: sent.length,
      arrivalsMeasured: sent.filter((id) => measured.has(id)).length,
      runs: executions.length,
      runsFailed: executions.filter((e) => e.status !== 'SUCCEEDED').length,
      lag: aggregateLags(arrivals),
      transitions: executions.reduce((sum, e) => sum + e.stateTransitions, 0),
      maxStatementsInFlight: counters.maxActiveStatements,
      overlappingBuilds: overlappingBuilds(runs),
      maxConcurrentRuns: maxOverlap(executions.map((e) => [Date.parse(e.startDate), Date.parse(e.stopDate ?? e.startDate)])),
      realSeconds,
      clock: virtual ? 'virtual' : 'real',
      ...(virtual && { virtualJumps: virtual.jumps, forcedJumps: virtual.forcedJumps }),
      statements,
      initialBuildMs,
      meanStatementMs: statements ? ((counters.statementMs - statementMsBefore) / statements) * k : 0,
    };
  } finally {
    await stack.close();
  }
}
