/**
 * The transform run as the state machine drives it: one core function per Task state. Handlers in
 * `functions/` only parse, call these, and return.
 *
 *   PlanRun      → startTransformRun: parse the input, route the arrival, plan (no warehouse, no locks, no SQL rendered)
 *   LockRun      → lockTransformRun (lock-transform-run.ts): the per-model run locks of what the run builds
 *   AdvanceRun   → advanceTransformRun: (first: the catalog snapshot) poll + submit until nothing finishes within the settle window
 *   RecordRun    → recordTransformRun (record-run.ts): the done run's results into the run history
 *   PublishAlert → publishRunAlert (publish-alert.ts), PublishCrashAlert → publishCrashAlert (crash-alert.ts)
 *   EndFailedRun → endFailedRun (end-failed-run.ts): fail the execution, or resume it when it was redriven
 *
 * The run's state lives in the {@link RunStateStore}; the payload between states is a pointer plus the flags
 * the Choice and Wait states read, a few hundred bytes whatever the size of the run.
 */
import { advanceRun, planRun, prepareRun, summarizeRun, type Manifest, type RenderPort, type RunEvent, type RunState } from '../engine';
import { dueNow, msUntilNextPoll, statementsDueWithin } from '../engine/run/poll-schedule';
import { withLongPolledEnds } from '../engine/run/long-poll-ends';
import { runConcurrencyFor } from './run-concurrency';
import type { Dialect } from '../engine/dialects';
import type { MaterializationPlan } from '../engine/materializations/plan';
import type { Warehouse } from '../engine/warehouse/warehouse';
import { routeArrival } from './routing';
import { objectsToLoad, parseRunInput } from './run-input';
import { loadRequestsFor } from '../ingest/load-steps';
import type { LoadStepRunner } from '../engine/run/load-node';
import type { RunLocks } from './run-locks';
import { admitStep, concurrencyForStep, readyNodes, runningStatements, settleStep, starvedWaitSeconds, type StatementSlots } from './statement-slots';
import type { RunStatePointer, RunStateStore, StoredRun } from './run-state-store';
import type { RunHistoryStore } from './run-history-store';
import type { ModelDurationStore } from './model-durations';
import { withReproduceSql } from './reproduce-sql';

export interface RunDependencies {
  manifest: Manifest;
  dialect: Dialect;
  warehouse: Warehouse;
  runStates: RunStateStore;
  /** Per-model run locks (run-locks.ts), taken by LockRun (lock-transform-run.ts); none when the deployment has no lock table. */
  locks?: RunLocks;
  /** Runs the steps of load nodes (src/ingest/load-steps.ts). */
  loads?: LoadStepRunner;
  onEvent?: (event: RunEvent) => void;
  /** How long AdvanceRun keeps polling for statements that finish quickly before yielding to a Wait state. */
  settleMs?: number;
  /** Statements in flight at once: overrides the target's (run-concurrency.ts; `LANDFALL_RUN_CONCURRENCY`). */
  concurrency?: number;
  /** The bound on statements in flight across runs (statement-slots.ts, docs/arrivals.md § 3d); none: the run's own concurrency. */
  statementSlots?: StatementSlots;
  /** Each ended run's results kept after the execution ends (run-history-store.ts), written by RecordRun (record-run.ts) and EndFailedRun. */
  history?: RunHistoryStore;
}

export interface RunTrigger {
  kind: 'arrival' | 'manual';
  loader: string;
  /** Connector, task or bucket/key that delivered the data. */
  connector?: string;
  arrivalId?: string;
  arrivedAt: string;
  description: string;
  routedSources: string[];
  /** A coalesced run's arrivals (the request's `arrivals`): what its freshness lag is measured from (src/freshness-lag/). */
  arrivals?: { id: string; loader: string; landedAt: string; connector?: string; select: string[] }[];
}

/** The payload that travels between states: a pointer to the run state and what Choice/Wait read. Never SQL. */
export interface TransformRunPayload {
  execution: { arn: string; name: string };
  state: RunStatePointer;
  /** `$$.Execution.RedriveCount` the stored state was (re)planned for. */
  redriveCount: number;
  done: boolean;
  failed: boolean;
  waitSeconds: number;
  iterations: number;
  /** AdvanceRun invocations so far (each costs ~9 history events: Wait, Task, Choice). */
  advances?: number;
  /** Small counts for people reading the console (the Choice states read only done/failed). */
  counts: { nodes: number; models: number; testNodes: number; finished: number; running: number; failed: number; skipped: number };
}

export interface ExecutionContext {
  arn: string;
  name: string;
  startTime?: string;
  /** `$$.Execution.RedriveCount`: 0 for the first attempt. */
  redriveCount?: number;
}

export type StoredTransformRun = StoredRun<RunTrigger>;

/** A loaded run: the engine state (with the per-step fields from the payload) and what was stored beside it. */
export interface LoadedRun {
  stored: StoredTransformRun;
  run: RunState;
  /** The stored JSON as read, to write only when a step changed something. */
  snapshot: string;
}

export async function loadRun(payload: Pick<TransformRunPayload, 'state' | 'iterations' | 'waitSeconds'>, deps: Pick<RunDependencies, 'runStates'>): Promise<LoadedRun> {
  const stored = await deps.runStates.read<RunTrigger>(payload.state);
  return { stored, run: { ...stored.run, iterations: payload.iterations, waitSeconds: payload.waitSeconds }, snapshot: JSON.stringify(stored.run) };
}

/** Writes the state when it changed (a step that only polled changes nothing), and returns the next payload. */
export async function saveRun(
  loaded: Pick<LoadedRun, 'stored'> & { snapshot?: string },
  run: RunState,
  deps: Pick<RunDependencies, 'runStates'>,
  pointer: RunStatePointer = deps.runStates.pointerFor(loaded.stored.execution.name),
): Promise<TransformRunPayload> {
  const { iterations, waitSeconds, ...persistent } = run;
  if (JSON.stringify(persistent) !== loaded.snapshot) {
    await deps.runStates.write(pointer, { ...loaded.stored, run: persistent });
  }
  return payloadFor(loaded.stored, pointer, run);
}

function payloadFor(stored: StoredTransformRun, pointer: RunStatePointer, run: RunState): TransformRunPayload {
  const counts = { nodes: run.nodes.length, models: 0, testNodes: 0, finished: 0, running: 0, failed: 0, skipped: 0 };
  for (const node of run.nodes) {
    if (node.kind === 'model') counts.models++;
    if (node.kind === 'tests') counts.testNodes++;
    if (node.status === 'running') counts.running++;
    else if (node.status !== 'pending') counts.finished++;
    if (node.status === 'error' || node.status === 'fail') counts.failed++;
    if (node.status === 'skipped') counts.skipped++;
  }
  return {
    execution: stored.execution,
    state: pointer,
    redriveCount: stored.redriveCount,
    done: run.done,
    failed: summarizeRun(run).failed,
    waitSeconds: Math.max(1, run.waitSeconds),
    iterations: run.iterations,
    advances: 0,
    counts,
  };
}

/** What an execution input asks for: the trigger shown in alerts, and the engine's run request. */
export function requestFromInput(input: unknown, manifest: Manifest, startedAt: string) {
  const parsed = parseRunInput(input);
  if (parsed.kind === 'arrival') {
    const detail = parsed.event.detail;
    const routes = routeArrival(manifest, detail);
    const connector = detail.loader === 'fivetran' ? detail.connector.connectorId
      : detail.loader === 'dms' ? detail.connector.taskArn : `s3://${detail.connector.bucket}/${detail.connector.key}`;
    const trigger: RunTrigger = {
      kind: 'arrival',
      loader: detail.loader,
      connector,
      arrivalId: detail.arrivalId,
      arrivedAt: detail.arrivedAt,
      description: `${detail.loader} arrival ${detail.arrivalId}`,
      routedSources: routes.map((r) => r.sourceId),
    };
    // An arrival no source is routed to builds nothing (it would otherwise select the whole project).
    const select = routes.length ? routes.map((r) => r.selector) : ['resource_type:none'];
    return { trigger, request: { command: 'build' as const, select, exclude: [], fullRefresh: false, vars: {} } };
  }
  const r = parsed.request;
  const trigger: RunTrigger = {
    kind: 'manual',
    loader: 'manual',
    arrivedAt: startedAt,
    description: r.reason ?? `manual ${r.command}${r.select.length ? ` --select ${r.select.join(' ')}` : ''}`,
    routedSources: [],
    ...(r.arrivals?.length ? { arrivals: r.arrivals } : {}),
  };
  return { trigger, request: r };
}

/**
 * What AdvanceRun needs besides the run's dependencies: who renders its plans and statements (the RenderPlans
 * function in AWS, src/runtime/lambda-renderer.ts; in process elsewhere), so its own bundle holds no template engine.
 */
export type AdvanceRunDependencies = RunDependencies & { renderer: RenderPort };

/**
 * What PlanRun needs: no warehouse, no locks (LockRun takes them, lock-transform-run.ts). `history` is EndFailedRun's
 * (a crashed run): startTransformRun records nothing, RecordRun does (record-run.ts).
 */
export type PlanRunDependencies = Pick<RunDependencies, 'manifest' | 'runStates' | 'history' | 'concurrency'> & {
  /** What each model took the last time it was built (model-durations.ts): the run's per-node priors. */
  modelDurations?: ModelDurationStore;
};

/**
 * PlanRun: from the execution input to a planned run, stored under the execution name and marked `unprepared`. The
 * one place a run begins. Then LockRun takes the per-model locks (lock-transform-run.ts) and the first AdvanceRun
 * takes the catalog snapshot (`prepareRun`, after the locks) and submits: PlanRun touches neither the warehouse nor
 * the lock table, so its bundle carries neither client nor the template engine (bench/RESULTS-lambda-bundles.md).
 */
export async function startTransformRun(input: unknown, execution: ExecutionContext, deps: PlanRunDependencies): Promise<TransformRunPayload> {
  const startedAt = execution.startTime ?? new Date().toISOString();
  const { trigger, request } = requestFromInput(input, deps.manifest, startedAt);
  const run = planRun(deps.manifest, {
    runId: execution.name,
    command: request.command,
    select: request.select,
    exclude: request.exclude,
    fullRefresh: request.fullRefresh,
    vars: request.vars,
    startedAt,
    concurrency: runConcurrencyFor(deps.manifest.target, deps.concurrency),
    priorMs: await priorDurations(deps.modelDurations),
    // S3 objects of the input are COPYed by load nodes upstream of the models reading them (src/ingest/load-steps.ts).
    loads: loadRequestsFor(deps.manifest, objectsToLoad(parseRunInput(input))),
  });
  const stored: StoredTransformRun = {
    version: 1,
    execution: { arn: execution.arn, name: execution.name },
    trigger,
    redriveCount: execution.redriveCount ?? 0,
    run: run as StoredTransformRun['run'],
    // Locks (LockRun) and the catalog snapshot (the first AdvanceRun) come next.
    ...(!run.done && { unprepared: true as const }),
  };
  // A run with nothing to build is done here: RecordRun (record-run.ts) keeps it in the run history.
  return saveRun({ stored }, run, deps);
}

/** The models' times from the last runs that built them (a hint: unreadable, the run goes on with its priors). */
async function priorDurations(store: ModelDurationStore | undefined): Promise<Record<string, number> | undefined> {
  try {
    return await store?.read();
  } catch (error) {
    console.warn(`PlanRun: model durations not read, polling by the priors per materialization: ${(error as Error).message}`);
    return undefined;
  }
}

/**
 * The first AdvanceRun of a run that PlanRun planned or EndFailedRun replanned (after LockRun took its locks): create
 * the schemas and take the catalog snapshot (prepare-run.ts) before anything is submitted. The stored state is then
 * written whatever the step changes (`snapshot` cleared). A retried AdvanceRun prepares again, as a retried PlanRun did.
 */
async function prepareIfPlanned(loaded: LoadedRun, deps: RunDependencies, fresh: number): Promise<LoadedRun> {
  if (!loaded.stored.unprepared) return loaded;
  const { unprepared: _prepared, ...stored } = loaded.stored;
  // The prepare's statements are new ones under the step's statement slots: two at once only if two are free for them
  // (`fresh`: not those a failed attempt's statements still fill).
  const concurrency = Math.min(loaded.run.concurrency, fresh);
  return { stored, run: { ...(await prepareRun({ ...loaded.run, concurrency }, deps)), concurrency: loaded.run.concurrency }, snapshot: '' };
}

/**
 * How long one AdvanceRun invocation lingers. Every invocation costs ~9 history events and an execution may have
 * 25,000 (https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html), so a long run lingers longer:
 * the window doubles every 500 invocations, up to 40 s (the function's timeout is 60 s). A run that needs more
 * than ~2,600 invocations would otherwise end with States.Runtime (history limit), uncatchable.
 */
export function settleWindowMs(baseMs: number, advances: number): number {
  if (baseMs <= 0) return 0;
  return Math.max(baseMs, Math.min(MAX_SETTLE_MS, baseMs * 2 ** Math.floor(advances / ADVANCES_PER_DOUBLING)));
}
const ADVANCES_PER_DOUBLING = 500;
const MAX_SETTLE_MS = 40_000;

/**
 * The longest a statement's due time may be away for AdvanceRun to sleep until it instead of returning. Returning
 * costs a loop of the state machine — IsRunDone, WaitForStatements, AdvanceRun: 3 transitions at $0.025 per 1,000
 * (https://aws.amazon.com/step-functions/pricing/), the price of ~4.5 s of a 1 GB Lambda (~9 s at 512 MB) — plus a
 * cold read of the run state, and a Wait lasts whole seconds (at least 1). Two seconds covers a statement with its
 * ~1 s Redshift commit, so a run's first narrow DAG levels are submitted from one warm invocation
 * (bench/RESULTS-issue-16.md §6: 1 s made every level of 1–8 models a Wait round trip).
 */
export const LINGER_MS = 2000;

/**
 * AdvanceRun: scheduler steps that poll only the statements that are due (engine/run/poll-schedule.ts), no
 * statement twice in a step. Between steps it sleeps until the next statement is due, and returns as soon as none
 * is due within {@link LINGER_MS} (or the settle window is spent): a poll that finds a statement still running moves
 * its due time out by half of its time so far, so a run of long statements returns after at most a poll or two, and
 * a run of short ones keeps submitting without paying a Wait per statement. The Wait state then lasts until the
 * earliest statement is due (`waitSeconds`, whole seconds, rounded down: the function sleeps the rest).
 */
export async function advanceTransformRun(payload: TransformRunPayload, deps: AdvanceRunDependencies): Promise<TransformRunPayload> {
  const advances = (payload.advances ?? 0) + 1;
  // Statements in flight across runs (statement-slots.ts): for this invocation the run may have what it has running
  // plus what the shared ledger grants it; its own concurrency is kept in the stored run. Admitted before preparing:
  // the prepare's statements (schemas, catalog snapshot) are in flight too, so a run granted nothing waits a second.
  const stored = await loadRun(payload, deps);
  // A retried invocation (same `advances`) keeps the slots its failed attempt held: what it submitted was not saved.
  const { concurrency: admitted, fresh } = await admitStep(deps.statementSlots, stored.run, advances);
  if (stored.stored.unprepared && admitted === 0) return { ...payload, waitSeconds: await starvedWaitSeconds(deps.statementSlots, stored.run.runId), advances };
  const loaded = await prepareIfPlanned(stored, deps, fresh);
  const settleUntil = Date.now() + settleWindowMs(deps.settleMs ?? 0, advances);
  // A statement seen to end through the Data API's long poll wakes the linger at once (engine/run/long-poll-ends.ts).
  const warehouse = withLongPolledEnds(deps.warehouse);
  // Plans kept for the invocation (as the CLI keeps them for a run): a node's plan is asked of the renderer once, not
  // again at each step that polls it (each ask is a RenderPlans invocation in AWS).
  const ctx = { ...deps, warehouse, pollDueOnly: true, testsWithModel: true, plans: new Map<string, MaterializationPlan>() };
  const ownConcurrency = loaded.run.concurrency;
  let run = { ...loaded.run, concurrency: admitted };
  for (;;) {
    run = await advanceRun(run, ctx);
    if (run.done) break;
    // Nodes the step left ready for want of slots ask again, and are submitted at once when granted: a grant covers
    // what was ready when the invocation began (statement-slots.ts), and a 2 s linger would otherwise keep the run at
    // its first grant (120 models: 34 s instead of 19 s, bench/RESULTS-issue-16.md §6).
    if (deps.statementSlots && run.concurrency < ownConcurrency && readyNodes(run) > 0 && runningStatements(run) >= run.concurrency) {
      const regranted = await concurrencyForStep(deps.statementSlots, { ...run, concurrency: ownConcurrency }, advances);
      if (regranted > run.concurrency) {
        run = { ...run, concurrency: regranted };
        continue;
      }
    }
    const nextMs = msUntilNextPoll(run, Date.now());
    if (nextMs === undefined || nextMs > LINGER_MS || Date.now() + nextMs > settleUntil) break;
    // Until the next statement is due, or sooner: those due by the end of the linger are long-polled, and one that
    // ends is due at once (its description, from the poll, costs no second call).
    await warehouse.waitForAnyStatementEnd(statementsDueWithin(run, Date.now(), LINGER_MS), nextMs);
    run = dueNow(run, warehouse.endedIds(), Date.now());
  }
  run = { ...run, concurrency: ownConcurrency };
  if (run.done) await concurrencyForStep(deps.statementSlots, run); // gives its slots back
  // What it did not use, and what ended, goes back now; granted nothing, it waits for another run's next statement end.
  else await settleStep(deps.statementSlots, run, msUntilNextPoll(run, Date.now()));
  // Ready nodes left unsubmitted: the slots held it back, so it comes back when another run's statement is due to end
  // (its slots are then settled back), if that is sooner than its own next poll — not only when granted nothing.
  if (!run.done && deps.statementSlots && (admitted === 0 || readyNodes(run) > 0)) {
    const starved = await starvedWaitSeconds(deps.statementSlots, run.runId);
    run = { ...run, waitSeconds: admitted === 0 ? starved : Math.min(run.waitSeconds, starved) };
  }
  // A node that failed in this step: the alert's SQL is rendered now, by the run's renderer (reproduce-sql.ts).
  loaded.stored.reproduceSql = await withReproduceSql(run, deps.manifest, loaded.stored.reproduceSql, deps.renderer);
  // A done run goes on to RecordRun (record-run.ts), which keeps its results in the run history.
  return { ...(await saveRun(loaded, run, deps, payload.state)), advances };
}
