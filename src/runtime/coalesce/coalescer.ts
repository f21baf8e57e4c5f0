/**
 * Coalescing, deduplication and no overlap, as pure functions over a small state. The same logic runs
 * in AWS (state in a DynamoDB lease item, fed by the SQS FIFO buffer) and locally (in memory, with a timer).
 * See docs/arrivals.md.
 *
 * - An arrival whose id was seen within `dedupeTtlMs` (or is already buffered) is a duplicate: it starts nothing.
 * - Arrivals are buffered and grouped into parts of the DAG (dag-parts.ts): arrivals whose closures (what their
 *   runs would rebuild) overlap belong to one part. A part's window opens with its first arrival; when it has run
 *   `windowMs`, the part becomes ONE run building the union of its selections — a burst for one part never holds
 *   back another. Its S3 objects are COPYed by load nodes of that run (src/ingest/load-steps.ts), never here.
 * - `dag`: under pressure (runs queued) a part free to start keeps its window open while its arrivals keep coming, up
 *   to `maxWindowStretch` windows (adaptive-window.ts): a burst merges into one run; a quiet part closes on time.
 * - A part whose closure overlaps an active run waits and becomes that run's follow-up once it finishes; parts
 *   disjoint from every active run start at once (`concurrency: 'dag'`, at most `maxConcurrentRuns`). With
 *   `concurrency: 'serial'` (the default of these functions) every closure overlaps every other: one run at a time.
 *   So the active arrival runs never share a model; the run locks (run-locks.ts) guarantee it for every execution.
 * - An arrival no source is routed to is counted (`unrouted`) and starts nothing.
 */
import { createHash } from 'node:crypto';
import type { Manifest } from '../../engine';
import type { DataArrivedEvent } from '../../events/arrival';
import { routeArrival } from '../routing';
import { coveredArrivalEntry, MAX_COVERED_ARRIVALS } from '../../freshness-lag/covered-arrivals';
import { closureOf, overlaps, partsOf, type ArrivalConcurrency, type PendingPart } from './dag-parts';
import { DEFAULT_MAX_WINDOW_STRETCH, partWindowClosesAt } from './adaptive-window';

export interface CoalescerConfig {
  windowMs: number;
  /** How long an arrival id is remembered for deduplication (Fivetran retries for 24 h). Default 48 h. */
  dedupeTtlMs?: number;
  /** `serial`: one arrival run at a time (default); `dag`: one run per disjoint part of the DAG (landfall.yml `arrivals.concurrency`). */
  concurrency?: ArrivalConcurrency;
  /** `dag` only: arrival runs active at once. Default {@link DEFAULT_MAX_CONCURRENT_RUNS}. */
  maxConcurrentRuns?: number;
  /**
   * `dag` only: under pressure (runs queued) a part's window stays open while its arrivals keep coming, up to this
   * many windows from its first arrival (adaptive-window.ts). Default {@link DEFAULT_MAX_WINDOW_STRETCH}; 1: a fixed window.
   */
  maxWindowStretch?: number;
}

export const DEFAULT_MAX_CONCURRENT_RUNS = 8;

/** An arrival run the coalescer started and has not seen finish. */
export interface ActiveRun {
  name: string;
  startedAt: number;
  /** Its selection (its closure is recomputed from it); absent: it holds everything (serial mode, older states). */
  select?: string[];
  /** When its status was last asked (DescribeExecution), for the lease coalescer's liveness checks. */
  checkedAt?: number;
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
  activeRuns: ActiveRun[];
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
  return { seen: {}, pending: [], activeRuns: [], counters: { accepted: 0, duplicates: 0, unrouted: 0, runsStarted: 0 } };
}

/**
 * A state as stored by any version: before issue 18 the state had one `activeRun` (it held everything) and a
 * global `windowOpenedAt` (now each part's earliest arrival).
 */
export function normalizeCoalescerState(stored: CoalescerState & { activeRun?: { name: string; startedAt: number } | null; windowOpenedAt?: unknown }): CoalescerState {
  const { activeRun, windowOpenedAt: _opened, ...state } = stored;
  const activeRuns = state.activeRuns ?? (activeRun ? [{ name: activeRun.name, startedAt: activeRun.startedAt }] : []);
  return { ...state, activeRuns };
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
    state: { ...recorded, seen, counters, pending: [...state.pending, { event, selectors, receivedAt: now }] },
    outcome: 'buffered',
  };
}

/** The closure of each active run and of each pending part, under `config`'s concurrency. */
function schedulingView(state: CoalescerState, config: CoalescerConfig, manifest: Manifest | undefined) {
  const concurrency = config.concurrency ?? 'serial';
  if (concurrency === 'dag' && !manifest) throw new Error('the dag concurrency of the coalescer needs the manifest (closures of the selections)');
  const closure = (select: readonly string[] | undefined) => closureOf(manifest ?? ({} as Manifest), select, concurrency);
  const maxRuns = concurrency === 'serial' ? 1 : Math.max(1, config.maxConcurrentRuns ?? DEFAULT_MAX_CONCURRENT_RUNS);
  const active = state.activeRuns.map((run) => closure(run.select));
  const parts = partsOf(state.pending, (a) => closure(a.selectors));
  // Runs queued: parts an active run holds back, or every part once the run limit is reached. Serial: a fixed window.
  const queuedParts = active.length >= maxRuns ? parts.length : parts.filter((part) => active.some((keys) => overlaps(keys, part.keys))).length;
  const pressure = concurrency === 'dag' ? { queuedParts, activeRuns: active.length, maxRuns } : undefined;
  const closesAt = (part: PendingPart) => partWindowClosesAt(part, config.windowMs, pressure, config.maxWindowStretch ?? DEFAULT_MAX_WINDOW_STRETCH);
  return { active, parts, maxRuns, closesAt };
}

/**
 * When the next part may start a run: the earliest window close among parts no active run overlaps (null when
 * there is none, or the run limit is reached: a run's end is then what starts the next).
 */
export function windowClosesAt(state: CoalescerState, config: CoalescerConfig, manifest?: Manifest): number | null {
  if (state.pending.length === 0) return null;
  const { active, parts, maxRuns, closesAt } = schedulingView(state, config, manifest);
  if (active.length >= maxRuns) return null;
  const free = parts.filter((part) => !active.some((keys) => overlaps(keys, part.keys)));
  return free.length === 0 ? null : Math.min(...free.map(closesAt));
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
 * Takes every part whose window has closed and that no active run overlaps (nor a part taken before it in this
 * call) as one batch each, up to the run limit, earliest window first.
 *
 * @example
 * const { state: next, batches } = takeBatches(state, Date.now(), { windowMs: 60_000, concurrency: 'dag' }, manifest);
 * for (const batch of batches) await startExecution(batch.name, batch.executionInput);
 */
export function takeBatches(state: CoalescerState, now: number, config: CoalescerConfig, manifest?: Manifest, limit = Infinity): { state: CoalescerState; batches: CoalescedBatch[] } {
  if (state.pending.length === 0) return { state, batches: [] };
  const { active, parts, maxRuns, closesAt } = schedulingView(state, config, manifest);
  const batches: CoalescedBatch[] = [];
  const taken = new Set<BufferedArrival>();
  const activeRuns = [...state.activeRuns];
  for (const part of parts) {
    if (activeRuns.length >= maxRuns || batches.length >= limit) break;
    if (closesAt(part) > now || active.some((keys) => overlaps(keys, part.keys))) continue;
    const batch = batchOf(part.arrivals, part.openedAt);
    batches.push(batch);
    active.push(part.keys);
    activeRuns.push({ name: batch.name, startedAt: now, ...(config.concurrency === 'dag' && { select: batch.select }) });
    for (const arrival of part.arrivals) taken.add(arrival);
  }
  if (batches.length === 0) return { state, batches };
  return {
    state: {
      ...state,
      pending: state.pending.filter((a) => !taken.has(a)),
      activeRuns,
      counters: { ...state.counters, runsStarted: state.counters.runsStarted + batches.length },
    },
    batches,
  };
}

/**
 * {@link takeBatches} taking at most one batch.
 *
 * @example
 * const { state: next, batch } = takeBatch(state, Date.now(), { windowMs: 60_000 });
 * if (batch) await startExecution(batch.name, batch.executionInput);
 */
export function takeBatch(state: CoalescerState, now: number, config: CoalescerConfig, manifest?: Manifest): { state: CoalescerState; batch?: CoalescedBatch } {
  const { state: next, batches } = takeBatches(state, now, config, manifest, 1);
  return { state: next, ...(batches[0] && { batch: batches[0] }) };
}

function batchOf(pending: readonly BufferedArrival[], openedAt: number): CoalescedBatch {
  const arrivals = pending.map((a) => a.event);
  const select = [...new Set(pending.flatMap((a) => a.selectors))].sort();
  const name = executionNameFor(arrivals.map((a) => a.detail.arrivalId), openedAt);
  const loads = arrivals.flatMap((a) => (a.detail.loader === 's3' ? [objectOf(a.detail.connector)] : []));
  const executionInput = arrivals.length === 1
    ? arrivals[0]
    : {
      command: 'build', select, reason: `${arrivals.length} arrivals coalesced (${[...new Set(arrivals.map((a) => a.detail.loader))].join(', ')}): ${name}`,
      ...(loads.length > 0 && { loads }),
      // When each landed, for its freshness lag (src/freshness-lag/); the first 1,000 (the input's limit).
      arrivals: pending.slice(0, MAX_COVERED_ARRIVALS).map((a) => coveredArrivalEntry(a.event, a.selectors)),
    };
  return { name, arrivals, select, executionInput, firstReceivedAt: Math.min(...pending.map((a) => a.receivedAt)) };
}

/** The fields of an S3 arrival a load needs (the run input's `loads`). */
function objectOf(connector: { bucket: string; key: string; etag?: string; versionId?: string; size?: number }) {
  const { bucket, key, etag, versionId, size } = connector;
  return { bucket, key, ...(etag !== undefined && { etag }), ...(versionId !== undefined && { versionId }), ...(size !== undefined && { size }) };
}

/** An active run ended (succeeded or failed): its part is free again and a follow-up may start. */
export function runFinished(state: CoalescerState, name: string): CoalescerState {
  return state.activeRuns.some((run) => run.name === name) ? { ...state, activeRuns: state.activeRuns.filter((run) => run.name !== name) } : state;
}
