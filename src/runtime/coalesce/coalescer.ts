/**
 * Coalescing, deduplication and no overlap, as pure functions over a small state. The same logic runs
 * in AWS (state in a DynamoDB lease item, fed by the SQS FIFO buffer) and locally (in memory, with a timer).
 * See docs/arrivals.md.
 *
 * - An arrival whose id was seen within `dedupeTtlMs` (or is already buffered) is a duplicate: it starts nothing.
 * - Arrivals are buffered; the first one opens a window; when the window has run `windowMs`, the whole
 *   buffer becomes ONE run building the union of their selections; its S3 objects are COPYed by load nodes of
 *   that run (one per route, src/ingest/load-steps.ts), never by the coalescer.
 * - At most one run is active at a time, so no two runs ever build the same model at once. Arrivals that
 *   come while a run is active stay buffered and become a follow-up run as soon as it finishes.
 * - An arrival no source is routed to is counted (`unrouted`) and starts nothing.
 */
import { createHash } from 'node:crypto';
import type { Manifest } from '../../engine';
import type { DataArrivedEvent } from '../../events/arrival';
import { routeArrival } from '../routing';

export interface CoalescerConfig {
  windowMs: number;
  /** How long an arrival id is remembered for deduplication (Fivetran retries for 24 h). Default 48 h. */
  dedupeTtlMs?: number;
}

export interface BufferedArrival {
  event: DataArrivedEvent;
  selectors: string[];
  receivedAt: number;
}

export interface CoalescerState {
  /** arrivalId → when it may be forgotten. */
  seen: Record<string, number>;
  pending: BufferedArrival[];
  windowOpenedAt: number | null;
  activeRun: { name: string; startedAt: number } | null;
  counters: { accepted: number; duplicates: number; unrouted: number; runsStarted: number };
  /**
   * Latest `arrivedAt` per loader connector (`fivetran:<connector id>`, `dms:<task or config ARN>`): what the
   * reconciler compares each loader's own record with (src/reconcile/). Absent in states written before it existed.
   */
  lastArrivals?: Record<string, string>;
}

/** The key of an arrival's connector in {@link CoalescerState.lastArrivals}; S3 objects have none (the ledger tells). */
export function connectorKeyOf(detail: DataArrivedEvent['detail']): string | undefined {
  if (detail.loader === 'fivetran') return `fivetran:${detail.connector.connectorId}`;
  if (detail.loader === 'dms') return `dms:${detail.connector.taskArn}`;
  return undefined;
}

function withLastArrival(state: CoalescerState, event: DataArrivedEvent): CoalescerState {
  const key = connectorKeyOf(event.detail);
  if (key === undefined) return state;
  const previous = state.lastArrivals?.[key];
  if (previous !== undefined && Date.parse(previous) >= Date.parse(event.detail.arrivedAt)) return state;
  return { ...state, lastArrivals: { ...state.lastArrivals, [key]: event.detail.arrivedAt } };
}

/** One run to start: its idempotent execution name, the arrivals it accounts for, the union of their selections. */
export interface CoalescedBatch {
  /**
   * `arrivals-<window opened, UTC>-<sha256 of the sorted arrival ids>`: starting it twice is a no-op on a Standard
   * workflow while it runs; the window's time keeps the same arrival ids seen again after the dedupe period from
   * colliding with the closed execution of their first window (names are unique for 90 days).
   */
  name: string;
  arrivals: DataArrivedEvent[];
  select: string[];
  /** The input of the transform state machine: the event itself for one arrival, else a build request. */
  executionInput: unknown;
  /** Earliest arrival time in the batch (ms), for latency accounting. */
  firstReceivedAt: number;
}

export type AcceptOutcome = 'buffered' | 'duplicate' | 'unrouted';

const DEFAULT_DEDUPE_TTL_MS = 48 * 3600_000;

export function emptyCoalescerState(): CoalescerState {
  return { seen: {}, pending: [], windowOpenedAt: null, activeRun: null, counters: { accepted: 0, duplicates: 0, unrouted: 0, runsStarted: 0 } };
}

/**
 * @example
 * const { state, outcome } = acceptArrival(emptyCoalescerState(), event, manifest, Date.now(), { windowMs: 60_000 });
 * outcome; // 'buffered'
 */
export function acceptArrival(
  state: CoalescerState,
  event: DataArrivedEvent,
  manifest: Manifest,
  now: number,
  config: CoalescerConfig,
): { state: CoalescerState; outcome: AcceptOutcome } {
  const id = event.detail.arrivalId;
  const seen = Object.fromEntries(Object.entries(state.seen).filter(([, expiresAt]) => expiresAt > now));
  const counters = { ...state.counters };
  if (seen[id] !== undefined || state.pending.some((a) => a.event.detail.arrivalId === id)) {
    counters.duplicates++;
    return { state: { ...state, seen, counters }, outcome: 'duplicate' };
  }
  seen[id] = now + (config.dedupeTtlMs ?? DEFAULT_DEDUPE_TTL_MS);
  const selectors = routeArrival(manifest, event.detail).map((r) => r.selector);
  const recorded = withLastArrival(state, event);
  if (selectors.length === 0) {
    counters.unrouted++;
    return { state: { ...recorded, seen, counters }, outcome: 'unrouted' };
  }
  counters.accepted++;
  return {
    state: { ...recorded, seen, counters, pending: [...state.pending, { event, selectors, receivedAt: now }], windowOpenedAt: state.windowOpenedAt ?? now },
    outcome: 'buffered',
  };
}

/** When the buffered arrivals may start a run (null: nothing buffered). A run may still be active then. */
export function windowClosesAt(state: CoalescerState, config: CoalescerConfig): number | null {
  return state.windowOpenedAt === null ? null : state.windowOpenedAt + config.windowMs;
}

/**
 * The idempotent execution name of a window: when it opened and which arrival ids it holds, 74 characters
 * (Step Functions allows 80, from `0-9A-Za-z-_` for CloudWatch Logs).
 *
 * @example
 * executionNameFor(['fivetran:s1'], Date.parse('2026-12-05T03:45:00Z')) // 'arrivals-20261205T034500Z-3b0c…' (48 hex)
 */
export function executionNameFor(arrivalIds: readonly string[], windowOpenedAt: number): string {
  const opened = new Date(windowOpenedAt).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  return `arrivals-${opened}-${createHash('sha256').update([...arrivalIds].sort().join('\n')).digest('hex').slice(0, 48)}`;
}

/**
 * Takes the buffered arrivals as one batch when the window has closed and no run is active.
 *
 * @example
 * const { state: next, batch } = takeBatch(state, Date.now(), { windowMs: 60_000 });
 * if (batch) await startExecution(batch.name, batch.executionInput);
 */
export function takeBatch(state: CoalescerState, now: number, config: CoalescerConfig): { state: CoalescerState; batch?: CoalescedBatch } {
  const closesAt = windowClosesAt(state, config);
  if (closesAt === null || closesAt > now || state.activeRun !== null) return { state };
  const arrivals = state.pending.map((a) => a.event);
  const select = [...new Set(state.pending.flatMap((a) => a.selectors))].sort();
  const name = executionNameFor(arrivals.map((a) => a.detail.arrivalId), state.windowOpenedAt ?? now);
  const loads = arrivals.flatMap((a) => (a.detail.loader === 's3' ? [objectOf(a.detail.connector)] : []));
  const executionInput = arrivals.length === 1
    ? arrivals[0]
    : {
      command: 'build', select, reason: `${arrivals.length} arrivals coalesced (${[...new Set(arrivals.map((a) => a.detail.loader))].join(', ')}): ${name}`,
      ...(loads.length > 0 && { loads }),
    };
  const batch: CoalescedBatch = { name, arrivals, select, executionInput, firstReceivedAt: Math.min(...state.pending.map((a) => a.receivedAt)) };
  return {
    state: { ...state, pending: [], windowOpenedAt: null, activeRun: { name, startedAt: now }, counters: { ...state.counters, runsStarted: state.counters.runsStarted + 1 } },
    batch,
  };
}

/** The fields of an S3 arrival a load needs (the run input's `loads`). */
function objectOf(connector: { bucket: string; key: string; etag?: string; versionId?: string; size?: number }) {
  const { bucket, key, etag, versionId, size } = connector;
  return { bucket, key, ...(etag !== undefined && { etag }), ...(versionId !== undefined && { versionId }), ...(size !== undefined && { size }) };
}

/** The active run ended (succeeded or failed): the lease is released and a follow-up may start. */
export function runFinished(state: CoalescerState, name: string): CoalescerState {
  return state.activeRun?.name === name ? { ...state, activeRun: null } : state;
}
