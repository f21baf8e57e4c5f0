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
  acceptArrival, emptyCoalescerState, runFinished, takeBatch, windowClosesAt,
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
  /** The batch whose execution this call started, if any. */
  started?: CoalescedBatch;
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

/** The window may have closed: start the buffered arrivals if no run is active. */
export async function checkWindow(options: LeaseCoalescerOptions): Promise<CoalescerStep> {
  return updateAndStart(options, (record) => record);
}

/** The execution `executionName` ended: release its lease and start the follow-up batch if its window has closed. */
export async function releaseRun(executionName: string, options: LeaseCoalescerOptions): Promise<CoalescerStep> {
  return updateAndStart(options, (record) => ({
    state: runFinished(record.state, executionName),
    starting: record.starting?.name === executionName ? null : record.starting,
  }));
}

async function updateAndStart(options: LeaseCoalescerOptions, change: (record: LeaseRecord) => LeaseRecord): Promise<CoalescerStep> {
  const now = (options.now ?? Date.now)();
  const checkAfter = options.activeRunCheckAfterMs ?? DEFAULT_ACTIVE_RUN_CHECK_AFTER_MS;
  const step: CoalescerStep = {};
  const closed = await closedActiveRun(options, now, checkAfter);
  let checkDue: number | undefined;
  const record = await update(options, (current) => {
    step.expiredLease = undefined;
    step.closedRun = undefined;
    checkDue = undefined;
    let next = change(current);
    const active = next.state.activeRun;
    if (active && active.name === closed) {
      step.closedRun = active.name;
      next = { ...next, state: runFinished(next.state, active.name), starting: next.starting?.name === active.name ? null : next.starting };
    } else if (active && now - active.startedAt > (options.leaseTimeoutMs ?? DEFAULT_LEASE_TIMEOUT_MS)) {
      step.expiredLease = active.name;
      next = { ...next, state: runFinished(next.state, active.name), starting: null };
    }
    const { state, batch } = takeBatch(next.state, now, options);
    next = { ...next, state, starting: batch ?? next.starting };
    // Arrivals wait behind a run: make sure one wake-up will come to check on it, even if its end event is lost.
    if (next.state.activeRun && next.state.pending.length > 0 && options.describeRun && !((next.nextCheckAt ?? 0) > now)) {
      const due = next.state.activeRun.startedAt + checkAfter;
      checkDue = due > now ? due : now + checkAfter;
      next = { ...next, nextCheckAt: checkDue };
    }
    return next;
  });
  if (record.starting) {
    const batch = record.starting;
    const outcome = await options.startBatch(batch);
    // Already closed: the run of this batch happened (a start retried after a crash); the lease is free again.
    const ran = outcome === 'closed';
    await update(options, (current) => (current.starting?.name === batch.name
      ? { ...current, starting: null, state: ran ? runFinished(current.state, batch.name) : current.state }
      : current));
    if (ran) {
      const followUp = await updateAndStart(options, (current) => current);
      return { ...followUp, closedRun: batch.name };
    }
    step.started = batch;
  }
  if (checkDue !== undefined) await options.wakeAfter(Math.max(0, checkDue - now));
  const closesAt = windowClosesAt(record.state, options);
  if (closesAt !== null && record.state.activeRun === null) await options.wakeAfter(Math.max(0, closesAt - now));
  return step;
}

/** The active run's name when it is old enough to be checked and Step Functions says it has closed (or never existed). */
async function closedActiveRun(options: LeaseCoalescerOptions, now: number, checkAfter: number): Promise<string | undefined> {
  if (!options.describeRun) return undefined;
  const { record } = await options.store.read();
  const active = record?.state.activeRun;
  if (!active || now - active.startedAt < checkAfter) return undefined;
  // A batch being started may not have its execution yet: not "unknown" until its start was attempted.
  if (record.starting?.name === active.name) return undefined;
  const status = await options.describeRun(active.name);
  return status === 'running' ? undefined : active.name;
}

/** Read, change, conditionally write; on a conflict read again. Returns the record as written. */
async function update(options: LeaseCoalescerOptions, change: (record: LeaseRecord) => LeaseRecord): Promise<LeaseRecord> {
  const attempts = options.maxAttempts ?? 10;
  for (let attempt = 1; ; attempt++) {
    const { record, version } = await options.store.read();
    const current = record ?? { state: emptyCoalescerState(), starting: null };
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
