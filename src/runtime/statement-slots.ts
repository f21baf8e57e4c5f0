/**
 * Statement slots: a bound on the statements in flight against the warehouse across every run, so that runs of
 * disjoint parts of the DAG running at once never turn into queueing inside Redshift (landfall.yml
 * `warehouse.max_statements_in_flight`, default 16: coalesce/arrival-settings.ts says where the figure comes from).
 *
 * One shared ledger lists, per run, how many statements it may have in flight and when it last said so. Before a
 * scheduler step submits anything, the run is admitted: it may keep what it has running and take free slots up to
 * its fair share (the bound divided among the runs in the ledger), and the ledger records `running + granted` with a
 * conditional write (a compare-and-swap; a conflict reads again). The step then submits at most that many, so the
 * sum over runs of what they may have in flight — and therefore of what they have — never exceeds the bound.
 * A finished run gives its slots back; a run that stopped saying anything for `staleAfterMs` (a crash) stops
 * counting. Granting is conservative: statements that end during the step free their slots at the next step.
 *
 * Used by the transform run's step (transform-run.ts) through {@link concurrencyForStep}; stored in S3 with
 * conditional writes (statement-slots-s3.ts) or in memory.
 */
import type { Manifest, RunState } from '../engine';
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
export function admitToLedger(ledger: SlotLedger, runId: string, admission: SlotAdmission): { ledger: SlotLedger; granted: number } {
  const { running, wanted, bound, now, staleAfterMs, invocation } = admission;
  const previous = ledger.holders[runId];
  const retried = invocation !== undefined && previous?.invocation === invocation && now - previous.updatedAt < staleAfterMs;
  // What the run may have in flight before any grant: its saved running statements, or on a retry what it held.
  const held = retried ? Math.max(running, previous.inFlight) : running;
  const live = Object.fromEntries(Object.entries(ledger.holders).filter(([id, h]) => id !== runId && now - h.updatedAt < staleAfterMs));
  const othersInFlight = Object.values(live).reduce((sum, h) => sum + h.inFlight, 0);
  const fairShare = Math.max(1, Math.floor(bound / (Object.keys(live).length + 1)));
  const free = Math.max(0, bound - othersInFlight - held);
  const more = Math.max(0, Math.min(running + wanted - held, free, fairShare - held));
  // Granted beyond `running`: on a retry this includes what the failed attempt held (its resubmits reuse those slots).
  const granted = held - running + more;
  const holder: SlotHolder = { inFlight: running + granted, updatedAt: now, ...(invocation !== undefined && { invocation }) };
  // A run that waits for slots is listed too (with 0), so the others' fair share shrinks for it.
  const holders = running + granted > 0 || wanted > 0 ? { ...live, [runId]: holder } : live;
  return { ledger: { holders }, granted };
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
    let granted = 0;
    await this.change((ledger) => {
      const admitted = admitToLedger(ledger, runId, {
        ...demand, bound: this.options.bound, now: (this.options.now ?? Date.now)(), staleAfterMs: this.options.staleAfterMs ?? DEFAULT_STALE_AFTER_MS,
      });
      granted = admitted.granted;
      return admitted.ledger;
    });
    return granted;
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
export async function concurrencyForStep(slots: StatementSlots | undefined, run: Pick<RunState, 'runId' | 'nodes' | 'concurrency' | 'done'>, invocation?: number): Promise<number> {
  if (!slots) return run.concurrency;
  if (run.done) {
    await slots.release(run.runId);
    return run.concurrency;
  }
  // Statements, not nodes: a model's tests ride in its batch and share its statement id (as the engine counts in-flight).
  const running = new Set(run.nodes.filter((n) => n.status === 'running').map((n) => n.statementId ?? n.id)).size;
  const pending = run.nodes.filter((n) => n.status === 'pending').length;
  const wanted = Math.max(0, Math.min(run.concurrency - running, pending));
  // Admitted even when it wants nothing more: the ledger learns what it still runs (a run silent for staleAfterMs stops counting).
  // `invocation` (AdvanceRun's `advances`): a retried invocation keeps what its failed attempt held (admitToLedger).
  return running + (wanted > 0 || running > 0 ? await slots.admit(run.runId, { running, wanted, invocation }) : 0);
}
