/**
 * Statement slots: a bound on the statements in flight against the warehouse across every run, so that runs of
 * disjoint parts of the DAG running at once never turn into queueing inside Redshift (landfall.yml
 * `warehouse.max_statements_in_flight`, default 16: coalesce/arrival-settings.ts says where the figure comes from).
 *
 * One shared ledger lists, per run, how many statements it may have in flight, how many more it could submit now
 * (its ready nodes) and when it last said so. Before a scheduler step submits anything, the run is admitted: it may
 * keep what it has running and take free slots — work-conserving: any slot no other run is waiting for, and under
 * contention at least its fair share (the bound divided among the runs in the ledger) — and the ledger records
 * `running + granted` with a conditional write (a compare-and-swap; a conflict reads again). The step then submits
 * at most that many, so the sum over runs of what they may have in flight — and therefore of what they have — never
 * exceeds the bound. At the end of the step the run settles: the ledger records what it really has running (grants
 * it could not use, and slots of statements that ended, go back at once) and when its earliest statement is due, which
 * is how long a run granted nothing waits. A finished or failed run gives its slots back (AdvanceRun, EndFailedRun);
 * a run that stopped saying anything for `staleAfterMs` (a crash nothing caught) stops counting.
 *
 * Used by the transform run's step (transform-run.ts) through {@link concurrencyForStep}; stored in S3 with
 * conditional writes (statement-slots-s3.ts) or in memory.
 */
import type { Manifest, RunState } from '../engine';
import { PASSING_STATUSES } from '../engine/run/run-state';
import type { WarehouseSettings } from '../schedules/landfall-settings';

/**
 * Statements in flight across runs by default. Provisioned Redshift with manual WLM admits at most 50 query slots
 * over all user queues, and its default queue runs 5 at once ("Concurrency level (query slots) for all user-defined
 * manual WLM queues: 50", https://docs.aws.amazon.com/redshift/latest/mgmt/amazon-redshift-limits.html;
 * https://docs.aws.amazon.com/redshift/latest/dg/cm-c-defining-query-queues.html); automatic WLM and Redshift
 * Serverless adjust concurrency to the workload (https://docs.aws.amazon.com/redshift/latest/dg/automatic-wlm.html)
 * and document no fixed number. 16 stays far under the 50-slot ceiling and equals the concurrency the local Data API's
 * Redshift latency mode admits before queueing (src/local/data-api/redshift-latency.ts), so past it statements
 * would only wait in the warehouse's queue. A provisioned cluster on manual WLM should set its queue's slot count.
 */
export const DEFAULT_MAX_STATEMENTS_IN_FLIGHT = 16;

/** landfall.yml's `warehouse.max_statements_in_flight` (compiled into the manifest), else the default. */
export function maxStatementsInFlightOf(manifest: Manifest): number {
  const warehouse = (manifest as { alerting?: { settings?: { warehouse?: WarehouseSettings } } }).alerting?.settings?.warehouse;
  return warehouse?.max_statements_in_flight ?? DEFAULT_MAX_STATEMENTS_IN_FLIGHT;
}

export interface SlotHolder {
  /** Statements the run may have in flight (what it had running plus what it was granted). */
  inFlight: number;
  /** Epoch ms of its last admission. */
  updatedAt: number;
  /** The AdvanceRun invocation admitted (the payload's `advances`): a retry of it comes with the same number. */
  invocation?: number;
  /** More statements it could submit now and was not granted (its ready nodes past `inFlight`): slots others leave it. */
  waiting?: number;
  /** Epoch ms its earliest running statement is expected to end (its next poll): when a slot may come free. */
  releasesAt?: number;
}

export interface SlotLedger {
  holders: Record<string, SlotHolder>;
}

export interface SlotAdmission {
  /** Statements the run has in flight now (its nodes with a statement running). */
  running: number;
  /** More it would submit now (its own concurrency minus `running`). */
  wanted: number;
  bound: number;
  now: number;
  staleAfterMs: number;
  /**
   * The AdvanceRun invocation asking (the payload's `advances`). Step Functions retries a failed Task with the same
   * input, so the same number means the attempt before failed after it was admitted: what it submitted was never
   * saved (`running` does not count it) yet may still be in flight, so the run keeps at least what that attempt held.
   */
  invocation?: number;
}

/**
 * The pure admission: how many more statements `runId` may submit, and the ledger after it.
 *
 * @example
 * admitToLedger({ holders: {} }, 'run-a', { running: 0, wanted: 20, bound: 16, now: 0, staleAfterMs: 600_000 }).granted // 16
 */
export function admitToLedger(ledger: SlotLedger, runId: string, admission: SlotAdmission): { ledger: SlotLedger; granted: number; carried: number } {
  const { running, wanted, bound, now, staleAfterMs, invocation } = admission;
  const previous = ledger.holders[runId];
  const retried = invocation !== undefined && previous?.invocation === invocation && now - previous.updatedAt < staleAfterMs;
  // What the run may have in flight before any grant: its saved running statements, or on a retry what it held.
  const held = retried ? Math.max(running, previous.inFlight) : running;
  const live = liveOthers(ledger, runId, now, staleAfterMs);
  const othersInFlight = Object.values(live).reduce((sum, h) => sum + h.inFlight, 0);
  const fairShare = fairShareOf(bound, Object.keys(live).length + 1);
  const free = Math.max(0, bound - othersInFlight - held);
  // Work-conserving: slots no other run waits for may all be taken; slots others wait for (up to their fair share)
  // are left to them, and a run under its own fair share may still take up to it (contention: the fair share).
  const spare = Math.max(0, free - reservedForOthers(live, fairShare));
  const more = Math.max(0, Math.min(running + wanted - held, free, Math.max(fairShare - held, spare)));
  // Granted beyond `running`: on a retry this includes what the failed attempt held (its resubmits reuse those slots).
  const granted = held - running + more;
  const unmet = Math.max(0, running + wanted - held - more);
  const holder: SlotHolder = {
    inFlight: running + granted, updatedAt: now, ...(invocation !== undefined && { invocation }), ...(unmet > 0 && { waiting: unmet }),
    ...(previous?.releasesAt !== undefined && previous.releasesAt > now && { releasesAt: previous.releasesAt }),
  };
  // A run that waits for slots is listed too (with 0), so the others' fair share shrinks for it.
  const holders = running + granted > 0 || wanted > 0 ? { ...live, [runId]: holder } : live;
  // Slots kept for what a failed attempt submitted (its resubmits reuse them): no new statement may use them.
  return { ledger: { holders }, granted, carried: held - running };
}

function liveOthers(ledger: SlotLedger, runId: string, now: number, staleAfterMs: number): Record<string, SlotHolder> {
  return Object.fromEntries(Object.entries(ledger.holders).filter(([id, h]) => id !== runId && now - h.updatedAt < staleAfterMs));
}

/** The bound divided among the runs that hold or want slots (at least 1 each). */
export function fairShareOf(bound: number, runs: number): number {
  return Math.max(1, Math.floor(bound / Math.max(1, runs)));
}

/** Slots other runs wait for: each waiting run's shortfall up to its fair share. */
function reservedForOthers(others: Record<string, SlotHolder>, fairShare: number): number {
  let reserved = 0;
  for (const h of Object.values(others)) reserved += Math.max(0, Math.min(fairShare, h.inFlight + (h.waiting ?? 0)) - h.inFlight);
  return reserved;
}

/**
 * The end of a step: the run records what it really has in flight (`running`, never more than it held: a grant it
 * did not use, or a statement that ended, frees its slot at once), what it still could submit (`ready`) and when its
 * earliest statement is due (`releasesAt`). The invocation stays, so a retry of it still keeps what it held.
 *
 * @example
 * settleInLedger(ledger, 'run-a', { running: 3, ready: 0, releasesAt: now + 40_000, now }).ledger.holders['run-a'].inFlight // 3
 */
export function settleInLedger(ledger: SlotLedger, runId: string, step: { running: number; ready: number; releasesAt?: number; now: number }): SlotLedger {
  const previous = ledger.holders[runId];
  const inFlight = previous ? Math.min(previous.inFlight, step.running) : step.running;
  if (inFlight === 0 && step.ready === 0) return releaseFromLedger(ledger, runId);
  const holder: SlotHolder = {
    inFlight, updatedAt: step.now, ...(previous?.invocation !== undefined && { invocation: previous.invocation }),
    ...(step.ready > 0 && { waiting: step.ready }), ...(step.releasesAt !== undefined && { releasesAt: step.releasesAt }),
  };
  return { holders: { ...ledger.holders, [runId]: holder } };
}

/**
 * When a run granted nothing should ask again: the earliest time another live run expects a statement to end (a slot
 * may come free then), never before `now + minMs` nor after `now + maxMs`.
 *
 * @example
 * nextReleaseAt({ holders: { b: { inFlight: 16, updatedAt: 0, releasesAt: 45_000 } } }, 'a', { now: 1_000, staleAfterMs: 900_000 }) // 45_000
 */
export function nextReleaseAt(ledger: SlotLedger, runId: string, at: { now: number; staleAfterMs: number; minMs?: number; maxMs?: number }): number {
  const minAt = at.now + (at.minMs ?? 1000);
  const maxAt = at.now + (at.maxMs ?? 60_000);
  const releases = Object.values(liveOthers(ledger, runId, at.now, at.staleAfterMs)).flatMap((h) => (h.releasesAt !== undefined && h.inFlight > 0 ? [h.releasesAt] : []));
  if (releases.length === 0) return minAt;
  return Math.min(maxAt, Math.max(minAt, Math.min(...releases)));
}

/** The ledger without `runId` (its run has ended). */
export function releaseFromLedger(ledger: SlotLedger, runId: string): SlotLedger {
  const { [runId]: _released, ...holders } = ledger.holders;
  return { holders };
}

/** Where the ledger lives: read with a version, written only if that version is still current. */
export interface SlotLedgerStore {
  read(): Promise<{ ledger: SlotLedger; version: string | null }>;
  /** @returns false when the ledger changed since `version` was read (the caller reads again). */
  write(ledger: SlotLedger, version: string | null): Promise<boolean>;
}

export class InMemorySlotLedgerStore implements SlotLedgerStore {
  private current: { ledger: SlotLedger; version: number } | undefined;

  async read(): Promise<{ ledger: SlotLedger; version: string | null }> {
    return this.current ? { ledger: structuredClone(this.current.ledger), version: String(this.current.version) } : { ledger: { holders: {} }, version: null };
  }

  async write(ledger: SlotLedger, version: string | null): Promise<boolean> {
    if ((this.current ? String(this.current.version) : null) !== version) return false;
    this.current = { ledger: structuredClone(ledger), version: (this.current?.version ?? 0) + 1 };
    return true;
  }
}

export interface StatementSlotsOptions {
  store: SlotLedgerStore;
  /** Statements in flight across all runs. */
  bound: number;
  /** A run silent this long no longer counts. Default 15 minutes (a step is never 30 s apart while a run lives). */
  staleAfterMs?: number;
  now?: () => number;
  /** Compare-and-swap attempts before giving up (the task then fails and Step Functions retries it). Default 30. */
  maxAttempts?: number;
}

const DEFAULT_STALE_AFTER_MS = 15 * 60_000;

/**
 * @example
 * const slots = new StatementSlots({ store: new InMemorySlotLedgerStore(), bound: 16 });
 * const granted = await slots.admit('run-a', { running: 2, wanted: 14 }); // ≤ 14
 * await slots.release('run-a');
 */
export class StatementSlots {
  constructor(readonly options: StatementSlotsOptions) {}

  async admit(runId: string, demand: { running: number; wanted: number; invocation?: number }): Promise<number> {
    return (await this.admitCarrying(runId, demand)).granted;
  }

  /** {@link admit}, also saying how many of the granted slots a failed attempt's statements hold (`carried`). */
  async admitCarrying(runId: string, demand: { running: number; wanted: number; invocation?: number }): Promise<{ granted: number; carried: number }> {
    let result = { granted: 0, carried: 0 };
    await this.change((ledger) => {
      const admitted = admitToLedger(ledger, runId, {
        ...demand, bound: this.options.bound, now: (this.options.now ?? Date.now)(), staleAfterMs: this.options.staleAfterMs ?? DEFAULT_STALE_AFTER_MS,
      });
      result = { granted: admitted.granted, carried: admitted.carried };
      return admitted.ledger;
    });
    return result;
  }

  /** The end of a step: what the run really has in flight, what it could still submit, when its earliest statement is due. */
  async settle(runId: string, step: { running: number; ready: number; releasesAt?: number }): Promise<void> {
    await this.change((ledger) => (ledger.holders[runId] || step.running + step.ready > 0 ? settleInLedger(ledger, runId, { ...step, now: this.now() }) : undefined));
  }

  /** When a run granted nothing should ask again: another run's earliest expected statement end (1 s to 60 s away). */
  async nextReleaseAt(runId: string): Promise<number> {
    const { ledger } = await this.options.store.read();
    return nextReleaseAt(ledger, runId, { now: this.now(), staleAfterMs: this.options.staleAfterMs ?? DEFAULT_STALE_AFTER_MS });
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  async release(runId: string): Promise<void> {
    await this.change((ledger) => (ledger.holders[runId] ? releaseFromLedger(ledger, runId) : undefined));
  }

  /** Read, change, conditionally write; `undefined` from `next` writes nothing. */
  private async change(next: (ledger: SlotLedger) => SlotLedger | undefined): Promise<void> {
    const attempts = this.options.maxAttempts ?? 30;
    for (let attempt = 1; ; attempt++) {
      const { ledger, version } = await this.options.store.read();
      const changed = next(ledger);
      if (!changed || (await this.options.store.write(changed, version))) return;
      if (attempt >= attempts) throw new Error(`the statement slot ledger changed ${attempts} times while being written: too many runs at once`);
      // Full jitter, doubling up to a second: the runs that collided spread out.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(1000, 10 * 2 ** attempt)));
    }
  }
}

/**
 * The concurrency a run may use for its next scheduler step under the slots: what it has running plus what it was
 * granted (never more than its own concurrency). A finished run gives its slots back. Without slots, the run's own.
 * The engine counts running nodes after polling, so statements that end in the step are not replaced beyond the grant.
 *
 * @example
 * const cap = await concurrencyForStep(slots, run);
 * run = { ...(await advanceRun({ ...run, concurrency: cap }, ctx)), concurrency: run.concurrency };
 */
/** Statements the run has in flight: a model's tests ride in its batch and share its statement id. */
export function runningStatements(run: Pick<RunState, 'nodes'>): number {
  return new Set(run.nodes.filter((n) => n.status === 'running').map((n) => n.statementId ?? n.id)).size;
}

/**
 * Nodes the run could submit now: pending, every dependency passed, tests of a model excluded (they ride in its
 * batch). What the run asks slots for — a run between layers asks for none, so it holds no idle slot.
 */
export function readyNodes(run: Pick<RunState, 'nodes'>): number {
  const status = new Map(run.nodes.map((n) => [n.id, n.status]));
  return run.nodes.filter((n) => n.status === 'pending' && n.kind !== 'tests' && n.dependsOn.every((d) => PASSING_STATUSES.has(status.get(d) ?? 'pending'))).length;
}

/**
 * The end of an AdvanceRun step under the slots: records what the run really has in flight and when its earliest
 * statement is due (unused grants and ended statements free their slots now, not at its next step).
 *
 * @example
 * await settleStep(slots, run, msUntilNextPoll(run, Date.now()));
 */
export async function settleStep(slots: StatementSlots | undefined, run: Pick<RunState, 'runId' | 'nodes' | 'concurrency' | 'done'>, nextPollMs: number | undefined): Promise<void> {
  if (!slots || run.done) return;
  await slots.settle(run.runId, { running: runningStatements(run), ready: Math.min(run.concurrency, readyNodes(run)), ...(nextPollMs !== undefined && { releasesAt: Date.now() + nextPollMs }) });
}

/**
 * How long (whole seconds, at least 1) a run the slots held back waits before asking again: until another run's
 * earliest statement is expected to end, plus a second for that run's step to poll it and settle its slot back —
 * not a fixed second.
 */
export async function starvedWaitSeconds(slots: StatementSlots | undefined, runId: string): Promise<number> {
  if (!slots) return 1;
  return Math.max(1, Math.ceil(((await slots.nextReleaseAt(runId)) - Date.now()) / 1000) + SETTLE_MARGIN_SECONDS);
}

/** What a run's step takes, at most, from its statement's due time to settling its slot back. */
const SETTLE_MARGIN_SECONDS = 1;

export async function concurrencyForStep(slots: StatementSlots | undefined, run: Pick<RunState, 'runId' | 'nodes' | 'concurrency' | 'done'>, invocation?: number): Promise<number> {
  return (await admitStep(slots, run, invocation)).concurrency;
}

/**
 * {@link concurrencyForStep}, and `fresh`: how many of those slots new statements may use — not the ones a failed
 * attempt of this invocation still fills (its resubmits carry the same client tokens and reuse them). A run's prepare
 * (its catalog and setup reads, new statements) runs within `fresh`.
 */
export async function admitStep(slots: StatementSlots | undefined, run: Pick<RunState, 'runId' | 'nodes' | 'concurrency' | 'done'>, invocation?: number): Promise<{ concurrency: number; fresh: number }> {
  if (!slots) return { concurrency: run.concurrency, fresh: run.concurrency };
  if (run.done) {
    await slots.release(run.runId);
    return { concurrency: run.concurrency, fresh: run.concurrency };
  }
  // Statements, not nodes: a model's tests ride in its batch and share its statement id (as the engine counts in-flight).
  const running = runningStatements(run);
  const ready = readyNodes(run);
  // Nothing ready and nothing running, yet pending nodes (a run about to skip what a failure blocks): ask for one, so
  // the step that settles them is never starved.
  const asked = ready > 0 || running > 0 ? ready : Math.min(1, run.nodes.filter((n) => n.status === 'pending').length);
  const wanted = Math.max(0, Math.min(run.concurrency - running, asked));
  // Admitted even when it wants nothing more: the ledger learns what it still runs (a run silent for staleAfterMs stops counting).
  // `invocation` (AdvanceRun's `advances`): a retried invocation keeps what its failed attempt held (admitToLedger).
  const { granted, carried } = wanted > 0 || running > 0 ? await slots.admitCarrying(run.runId, { running, wanted, invocation }) : { granted: 0, carried: 0 };
  return { concurrency: running + granted, fresh: running + granted - carried };
}
