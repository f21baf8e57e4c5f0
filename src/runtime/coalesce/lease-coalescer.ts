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
 */
import type { Manifest } from '../../engine';
import type { DataArrivedEvent } from '../../events/arrival';
import {
  acceptArrival, emptyCoalescerState, runFinished, takeBatch, windowClosesAt,
  type AcceptOutcome, type CoalescedBatch, type CoalescerConfig,
} from './coalescer';
import { LeaseConflictError, type LeaseRecord, type LeaseStore } from './lease-store';

export interface LeaseCoalescerOptions extends CoalescerConfig {
  store: LeaseStore;
  manifest: Manifest;
  /** Loads the batch's S3 objects and starts its execution (idempotent: same name, same input). */
  startBatch: (batch: CoalescedBatch) => Promise<void>;
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
}

const DEFAULT_LEASE_TIMEOUT_MS = 6 * 3600_000;

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
  const step: CoalescerStep = {};
  const record = await update(options, (current) => {
    step.expiredLease = undefined;
    let next = change(current);
    const active = next.state.activeRun;
    if (active && now - active.startedAt > (options.leaseTimeoutMs ?? DEFAULT_LEASE_TIMEOUT_MS)) {
      step.expiredLease = active.name;
      next = { state: runFinished(next.state, active.name), starting: null };
    }
    const { state, batch } = takeBatch(next.state, now, options);
    return { state, starting: batch ?? next.starting };
  });
  if (record.starting) {
    const batch = record.starting;
    await options.startBatch(batch);
    step.started = batch;
    await update(options, (current) => (current.starting?.name === batch.name ? { ...current, starting: null } : current));
  }
  const closesAt = windowClosesAt(record.state, options);
  if (closesAt !== null && record.state.activeRun === null) await options.wakeAfter(Math.max(0, closesAt - now));
  return step;
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
