/**
 * The coalescer as AWS runs it: the pure functions of `coalescer.ts` applied to a lease record that
 * survives between Lambda invocations (`LeaseStore`; DynamoDB in AWS). Three entry points, one per trigger:
 *
 * - {@link acceptArrivals}: messages from the SQS FIFO buffer (the `Data Arrived` rule's target).
 * - {@link checkWindow}: a delayed "window closes now" message (SQS FIFO queues have no Lambda batching
 *   window, so the coalescer asks to be woken when the window it opened closes).
 * - {@link releaseRun}: the transform execution ended (EventBridge `Step Functions Execution Status Change`).
 *
 * Each one reads the record, applies the pure change, and writes it back only if nobody wrote it meanwhile
 * (retrying on conflict); a batch taken is remembered in the record (`starting`) before its execution is
 * started, so a crash between the write and StartExecution is repaired by the next invocation (the execution
 * name makes the second StartExecution a no-op). Arrivals that come while a run is active wait in the
 * record's pending list and become the follow-up run when {@link releaseRun} is called.
 *
 * The lease is never held for long by a run that has ended: the run-finished event is best effort, so once the
 * active run is older than `activeRunCheckAfterMs` (3 minutes) any invocation asks Step Functions for its real
 * status (`describeRun`) and releases the lease when it is closed; while arrivals wait behind a running run, a
 * wake-up every `activeRunCheckAfterMs` keeps asking. A start that finds its execution already closed (the
 * coalescer crashed after StartExecution and the run has ended) releases the lease at once too.
 */
import type { Manifest } from '../../engine';
import type { DataArrivedEvent } from '../../events/arrival';
import {
  acceptArrival, emptyCoalescerState, runFinished, takeBatches, windowClosesAt,
  type AcceptOutcome, type CoalescedBatch, type CoalescerConfig,
} from './coalescer';
import { LeaseConflictError, type LeaseRecord, type LeaseStore } from './lease-store';

/** What starting a batch found: a new (or still running) execution, or one of that name that has already closed. */
export type StartOutcome = 'started' | 'running' | 'closed';

/** The real status of an execution by name: `closed` = SUCCEEDED, FAILED, TIMED_OUT, ABORTED or PENDING_REDRIVE. */
export type RunStatus = 'running' | 'closed' | 'unknown';

export interface LeaseCoalescerOptions extends CoalescerConfig {
  store: LeaseStore;
  manifest: Manifest;
  /** Starts the batch's execution (idempotent: same name, same input). Its S3 loads are steps of that run. */
  startBatch: (batch: CoalescedBatch) => Promise<StartOutcome | void>;
  /** The active run's real status (DescribeExecution in AWS). Without it, only `leaseTimeoutMs` frees a lost lease. */
  describeRun?: (executionName: string) => Promise<RunStatus>;
  /** Age after which the active run's status is checked, and the interval of those checks. Default 3 minutes. */
  activeRunCheckAfterMs?: number;
  /** Asks for {@link checkWindow} to be called after `delayMs` (in AWS: a delayed SQS message). */
  wakeAfter: (delayMs: number) => Promise<void>;
  /** A lease older than this is taken to be lost (its end event never came) and released. Default 6 h. */
  leaseTimeoutMs?: number;
  now?: () => number;
  /** Attempts on a write conflict before giving up (the trigger is then retried by SQS/EventBridge). Default 10. */
  maxAttempts?: number;
}

export interface CoalescerStep {
  /** The first batch whose execution this call started, if any. */
  started?: CoalescedBatch;
  /** Every batch this call started (`dag` concurrency starts one per disjoint part). */
  startedBatches?: CoalescedBatch[];
  /** Execution name of a lease released because it was older than `leaseTimeoutMs`. */
  expiredLease?: string;
  /** Execution name of a lease released because Step Functions says the run has closed (its end event was lost). */
  closedRun?: string;
}

const DEFAULT_LEASE_TIMEOUT_MS = 6 * 3600_000;
const DEFAULT_ACTIVE_RUN_CHECK_AFTER_MS = 3 * 60_000;

/** One arrival as the buffer delivered it; `receivedAt` (ms) is when it was sent to the buffer. */
export interface ReceivedArrival {
  event: DataArrivedEvent;
  receivedAt: number;
}

/**
 * @example
 * const { outcomes, started } = await acceptArrivals([{ event, receivedAt: Date.now() }], options);
 * outcomes; // ['buffered']
 */
export async function acceptArrivals(arrivals: readonly ReceivedArrival[], options: LeaseCoalescerOptions): Promise<CoalescerStep & { outcomes: AcceptOutcome[] }> {
  let outcomes: AcceptOutcome[] = [];
  const now = (options.now ?? Date.now)();
  const step = await updateAndStart(options, (record) => {
    let state = record.state;
    outcomes = arrivals.map(({ event, receivedAt }) => {
      // A send time in the future (clock skew) would hold the window open longer than configured.
      const accepted = acceptArrival(state, event, options.manifest, Math.min(receivedAt, now), options);
      state = accepted.state;
      return accepted.outcome;
    });
    return { ...record, state };
  });
  return { ...step, outcomes };
}

/** A window may have closed: start the buffered parts whose windows have closed and that no active run overlaps. */
export async function checkWindow(options: LeaseCoalescerOptions): Promise<CoalescerStep> {
  return updateAndStart(options, (record) => record);
}

/** The execution `executionName` ended: free its part and start what waited for it (or any part whose window has closed). */
export async function releaseRun(executionName: string, options: LeaseCoalescerOptions): Promise<CoalescerStep> {
  return updateAndStart(options, (record) => withoutRun(record, executionName));
}

function withoutRun(record: LeaseRecord, name: string): LeaseRecord {
  return { ...record, state: runFinished(record.state, name), starting: record.starting.filter((batch) => batch.name !== name) };
}

async function updateAndStart(options: LeaseCoalescerOptions, change: (record: LeaseRecord) => LeaseRecord): Promise<CoalescerStep> {
  const now = (options.now ?? Date.now)();
  const checkAfter = options.activeRunCheckAfterMs ?? DEFAULT_ACTIVE_RUN_CHECK_AFTER_MS;
  const leaseTimeout = options.leaseTimeoutMs ?? DEFAULT_LEASE_TIMEOUT_MS;
  const step: CoalescerStep = { startedBatches: [] };
  const checked = await checkActiveRuns(options, now, checkAfter);
  let checkDue: number | undefined;
  const record = await update(options, (current) => {
    step.expiredLease = undefined;
    step.closedRun = undefined;
    checkDue = undefined;
    let next = change(current);
    for (const run of next.state.activeRuns) {
      if (checked.closed.has(run.name)) {
        step.closedRun ??= run.name;
        next = withoutRun(next, run.name);
      } else if (now - run.startedAt > leaseTimeout) {
        step.expiredLease ??= run.name;
        next = withoutRun(next, run.name);
      }
    }
    if (checked.running.size > 0) {
      next = { ...next, state: { ...next.state, activeRuns: next.state.activeRuns.map((run) => (checked.running.has(run.name) ? { ...run, checkedAt: now } : run)) } };
    }
    const { state, batches } = takeBatches(next.state, now, options, options.manifest);
    next = { ...next, state, starting: [...next.starting, ...batches] };
    // Arrivals wait behind runs: make sure one wake-up will come to check on them, even if an end event is lost.
    if (next.state.activeRuns.length > 0 && next.state.pending.length > 0 && options.describeRun && !((next.nextCheckAt ?? 0) > now)) {
      const due = Math.min(...next.state.activeRuns.map((run) => (run.checkedAt ?? run.startedAt) + checkAfter));
      checkDue = due > now ? due : now + checkAfter;
      next = { ...next, nextCheckAt: checkDue };
    }
    return next;
  });
  let ranBefore = false;
  for (const batch of record.starting) {
    const outcome = await options.startBatch(batch);
    // Already closed: the run of this batch happened (a start retried after a crash); its part is free again.
    const ran = outcome === 'closed';
    await update(options, (current) => {
      if (!current.starting.some((b) => b.name === batch.name)) return current;
      const started = { ...current, starting: current.starting.filter((b) => b.name !== batch.name) };
      return ran ? withoutRun(started, batch.name) : started;
    });
    if (ran) {
      ranBefore = true;
      step.closedRun ??= batch.name;
    } else step.startedBatches!.push(batch);
  }
  if (ranBefore) {
    const followUp = await updateAndStart(options, (current) => current);
    step.startedBatches!.push(...(followUp.startedBatches ?? []));
  }
  step.started = step.startedBatches![0];
  if (checkDue !== undefined) await options.wakeAfter(Math.max(0, checkDue - now));
  const closesAt = windowClosesAt(record.state, options, options.manifest);
  if (closesAt !== null && !ranBefore) await options.wakeAfter(Math.max(0, closesAt - now));
  if (!step.started) delete step.started;
  if (step.startedBatches!.length === 0) delete step.startedBatches;
  if (step.closedRun === undefined) delete step.closedRun;
  if (step.expiredLease === undefined) delete step.expiredLease;
  return step;
}

/** Runs asked about per invocation at most (each is one DescribeExecution). */
const MAX_CHECKS_PER_CALL = 10;

/**
 * Asks Step Functions about active runs whose last check (or start) is `checkAfter` old: those closed (or that
 * never existed) are released by the caller, the others are marked checked. Batches still being started are not
 * asked about: their execution may not exist yet.
 */
async function checkActiveRuns(options: LeaseCoalescerOptions, now: number, checkAfter: number): Promise<{ closed: Set<string>; running: Set<string> }> {
  const closed = new Set<string>();
  const running = new Set<string>();
  if (!options.describeRun) return { closed, running };
  const { record } = await options.store.read();
  if (!record) return { closed, running };
  const due = record.state.activeRuns
    .filter((run) => now - (run.checkedAt ?? run.startedAt) >= checkAfter && !record.starting.some((b) => b.name === run.name))
    .sort((a, b) => (a.checkedAt ?? a.startedAt) - (b.checkedAt ?? b.startedAt))
    .slice(0, MAX_CHECKS_PER_CALL);
  await Promise.all(due.map(async (run) => {
    if ((await options.describeRun!(run.name)) === 'running') running.add(run.name);
    else closed.add(run.name);
  }));
  return { closed, running };
}

/** Read, change, conditionally write; on a conflict read again. Returns the record as written. */
async function update(options: LeaseCoalescerOptions, change: (record: LeaseRecord) => LeaseRecord): Promise<LeaseRecord> {
  const attempts = options.maxAttempts ?? 10;
  for (let attempt = 1; ; attempt++) {
    const { record, version } = await options.store.read();
    const current = record ?? { state: emptyCoalescerState(), starting: [] };
    const next = change(current);
    if (record && next === current) return current;
    try {
      await options.store.write(next, version);
      return next;
    } catch (error) {
      if (!(error instanceof LeaseConflictError) || attempt >= attempts) throw error;
    }
  }
}
