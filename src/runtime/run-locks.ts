/**
 * Per-model run locks: never two builds of one model at once, whatever started them (an arrival, the
 * console, a schedule, a replay, a redrive, a rotation). One lock per relation a run writes (a model, a seed,
 * or the raw table a load COPYs into), keyed by its manifest unique id and owned by the execution ARN.
 *
 * - **Acquire** (PlanRun, PlanRotation): every key of the run, all or none. Each key is a conditional write
 *   ("free, or already mine"). When a key is held by another owner, that owner's real status is asked
 *   ({@link ExecutionStatusReader}, `DescribeExecution` in AWS): a closed (or unknown) owner's lock is taken
 *   over at once with a write conditioned on that owner still holding it; a live owner's lock makes the whole
 *   acquisition fail: the keys taken by this call are given back and {@link RunLockedError} is thrown, which
 *   the state machine retries with backoff and jitter. Nobody ever waits while holding a lock, so two runs
 *   cannot deadlock; jittered retries end livelock.
 * - **Release** (end of run, the run-finished rule, or lazily by the next acquirer): delete each key
 *   conditioned on this owner still holding it.
 * - **Backstop**: every lock carries `expiresAt` (DynamoDB TTL attribute, epoch seconds). An expired lock is
 *   free even if its owner cannot be described (a process rather than an execution).
 *
 * See docs/arrivals.md for the proof that no model is ever built by two runs at once.
 */
import type { RunState } from '../engine';

/** Who holds a lock: a Step Functions execution (its ARN), or anything else with a TTL only. */
export interface LockOwner {
  /** Execution ARN (`arn:aws:states:…:execution:<machine>:<name>`) or a process id such as `cli:<host>:<pid>`. */
  id: string;
  /** Shown in errors and alerts. */
  label: string;
  /** `$$.Execution.RedriveCount` (0 before any redrive). */
  attempt?: number;
}

export interface HeldLock {
  key: string;
  owner: string;
  ownerLabel: string;
  /**
   * The owner execution's redrive count when it took the lock. A redrive keeps the execution's ARN, so a late
   * release for an earlier attempt must not free the locks the redriven attempt holds: releases are conditioned on it.
   */
  attempt: number;
  /** Epoch milliseconds. */
  acquiredAt: number;
  /** Epoch milliseconds after which the lock is free whatever its owner's status. */
  expiresAt: number;
}

/** What the lock table can do: conditional writes on one item per key, plus one owner item listing its keys. */
export interface RunLockStore {
  /** Writes the lock if the key is free or already held by `lock.owner`; false when someone else holds it. */
  putIfFreeOrMine(lock: HeldLock): Promise<boolean>;
  /** Replaces `previousOwner`'s lock with `lock`; false when `previousOwner` no longer holds it. */
  takeOver(lock: HeldLock, previousOwner: string): Promise<boolean>;
  /** The lock on `key`, read consistently, or undefined. */
  read(key: string): Promise<HeldLock | undefined>;
  /** Deletes the lock if `owner` holds it (taken by `attempt`, when given); no error otherwise. */
  deleteIfOwner(key: string, owner: string, attempt?: number): Promise<void>;
  /** Adds keys to the owner's record (so it can be released by owner alone). */
  recordOwnerKeys(owner: LockOwner, keys: readonly string[], expiresAt: number): Promise<void>;
  /** The keys recorded for the owner (possibly already released). */
  ownerKeys(owner: string): Promise<string[]>;
  forgetOwner(owner: string): Promise<void>;
}

/** `RUNNING`: the owner may still build. `closed`: SUCCEEDED, FAILED, TIMED_OUT, ABORTED or PENDING_REDRIVE. `unknown`: no such execution. */
export type OwnerStatus = 'running' | 'closed' | 'unknown';

export interface ExecutionStatusReader {
  statusOf(ownerId: string): Promise<OwnerStatus>;
  /** The status and the redrive count (DescribeExecution's `redriveCount`), for a release after the execution closed. */
  describe?(ownerId: string): Promise<{ status: OwnerStatus; redriveCount: number }>;
}

/** A model of this run is being built by a live execution: retry later (the state machine does, with backoff). */
export class RunLockedError extends Error {
  constructor(readonly owner: string, readonly conflicts: readonly { key: string; heldBy: string }[]) {
    const shown = conflicts.slice(0, 5).map((c) => `${c.key} (held by ${c.heldBy})`).join(', ');
    super(`${owner} cannot start yet: ${conflicts.length} model(s) are being built by another run: ${shown}${conflicts.length > 5 ? ', …' : ''}`);
    this.name = 'RunLockedError';
  }
}

export interface RunLockOptions {
  store: RunLockStore;
  executions: ExecutionStatusReader;
  /** How long a lock lives at most (the state machine's TimeoutSeconds, plus margin). Default 25 h. */
  ttlMs?: number;
  now?: () => number;
  /** Conditional writes in flight at once. Default 16. */
  concurrency?: number;
}

const DEFAULT_TTL_MS = 25 * 3600_000;

/**
 * The keys a run locks: every relation it writes. Tests and project hooks only read (or write their own
 * audit tables), so they take none.
 *
 * @example
 * runLockKeys(planRun(manifest, { runId, command: 'build', select: ['source:app.users+'] }))
 * // ['load:source.p.app.users', 'model.p.stg_users', …]
 */
export function runLockKeys(run: Pick<RunState, 'nodes'>): string[] {
  return [...new Set(run.nodes.filter((n) => n.kind === 'model' || n.kind === 'seed' || (n.kind as string) === 'load').map((n) => n.id))].sort();
}

/**
 * Takes every key for `owner`, or none: on any live conflict the keys taken here are released and
 * {@link RunLockedError} is thrown. Taking a key already held by `owner` (a retried PlanRun, a redrive) is a no-op.
 *
 * @example
 * await acquireRunLocks(runLockKeys(run), { id: execution.arn, label: execution.name }, options);
 */
export async function acquireRunLocks(keys: readonly string[], owner: LockOwner, options: RunLockOptions): Promise<{ acquired: string[]; tookOver: { key: string; from: string }[] }> {
  const now = (options.now ?? Date.now)();
  const expiresAt = now + (options.ttlMs ?? DEFAULT_TTL_MS);
  const sorted = [...new Set(keys)].sort();
  // A redriven attempt locks only what is left to build. The locks its earlier attempts took on nodes built since are
  // freed here: their own release may have found the execution RUNNING again (a close's status event is asynchronous
  // and a redrive can come first) and freed nothing, and the owner record below lists this attempt's keys only.
  if ((owner.attempt ?? 0) > 0) await releaseEarlierAttempts(owner, sorted, options);
  if (sorted.length === 0) return { acquired: [], tookOver: [] };
  // The owner record first: whoever releases by owner then finds every key this call may take.
  await options.store.recordOwnerKeys(owner, sorted, expiresAt);
  const statusCache = new Map<string, Promise<OwnerStatus>>();
  const statusOf = (id: string) => {
    if (!statusCache.has(id)) statusCache.set(id, options.executions.statusOf(id));
    return statusCache.get(id)!;
  };
  const acquired: string[] = [];
  const tookOver: { key: string; from: string }[] = [];
  const conflicts: { key: string; heldBy: string }[] = [];

  const take = async (key: string) => {
    const lock: HeldLock = { key, owner: owner.id, ownerLabel: owner.label, attempt: owner.attempt ?? 0, acquiredAt: now, expiresAt };
    for (let attempt = 0; attempt < 3; attempt++) {
      if (await options.store.putIfFreeOrMine(lock)) return void acquired.push(key);
      const holder = await options.store.read(key);
      if (!holder) continue; // released meanwhile: try again
      const free = holder.expiresAt <= now || (await statusOf(holder.owner)) !== 'running';
      if (!free) return void conflicts.push({ key, heldBy: holder.ownerLabel || holder.owner });
      if (await options.store.takeOver(lock, holder.owner)) {
        tookOver.push({ key, from: holder.owner });
        return void acquired.push(key);
      }
    }
    conflicts.push({ key, heldBy: 'another run (the lock changed hands while being taken)' });
  };
  await inBatches(sorted, options.concurrency ?? 16, async (key) => {
    if (conflicts.length === 0) await take(key);
  });
  if (conflicts.length > 0) {
    await inBatches(acquired, options.concurrency ?? 16, (key) => options.store.deleteIfOwner(key, owner.id));
    throw new RunLockedError(owner.label, conflicts);
  }
  return { acquired, tookOver };
}

/**
 * Releases every lock `ownerId` holds (as recorded by {@link acquireRunLocks}); safe to call any number of
 * times, from any of the release points, even for an owner that never took a lock.
 *
 * @example
 * await releaseRunLocks(event.detail.executionArn, options);
 */
export async function releaseRunLocks(ownerId: string, options: Pick<RunLockOptions, 'store' | 'concurrency'>, attempt?: number): Promise<string[]> {
  const keys = await options.store.ownerKeys(ownerId);
  await inBatches(keys, options.concurrency ?? 16, (key) => options.store.deleteIfOwner(key, ownerId, attempt));
  if (attempt === undefined) await options.store.forgetOwner(ownerId);
  return keys;
}

/**
 * The release for "this execution closed" (the status-change rule, the local stack): asks the execution's real
 * status first; a redriven (RUNNING again) execution keeps its locks, and only locks taken by the attempt that
 * closed are freed, so a late event can never free what a redrive re-acquired.
 */
export async function releaseClosedRunLocks(executionArn: string, options: Pick<RunLockOptions, 'store' | 'concurrency' | 'executions'>): Promise<string[]> {
  const described = options.executions.describe ? await options.executions.describe(executionArn) : { status: await options.executions.statusOf(executionArn), redriveCount: 0 };
  if (described.status === 'running') return [];
  return releaseRunLocks(executionArn, options, described.redriveCount);
}

/** Frees the owner's locks taken by an earlier attempt on keys this attempt does not take (conditioned on that attempt). */
async function releaseEarlierAttempts(owner: LockOwner, keys: readonly string[], options: Pick<RunLockOptions, 'store' | 'concurrency'>): Promise<void> {
  const wanted = new Set(keys);
  const others = (await options.store.ownerKeys(owner.id)).filter((key) => !wanted.has(key));
  await inBatches(others, options.concurrency ?? 16, async (key) => {
    const holder = await options.store.read(key);
    if (holder?.owner === owner.id && holder.attempt < (owner.attempt ?? 0)) await options.store.deleteIfOwner(key, owner.id, holder.attempt);
  });
}

async function inBatches<T>(items: readonly T[], size: number, work: (item: T) => Promise<void>): Promise<void> {
  for (let at = 0; at < items.length; at += size) await Promise.all(items.slice(at, at + size).map(work));
}

/**
 * The locks as the run's tasks use them: acquire for a planned run (PlanRun, a redrive's re-plan), release by
 * execution (end of run, the run-finished rule).
 *
 * @example
 * const locks = new RunLocks({ store, executions });
 * await locks.acquireFor(run, { arn: execution.arn, name: execution.name });
 */
export class RunLocks {
  constructor(readonly options: RunLockOptions) {}

  /** @throws RunLockedError when a live execution builds one of the run's models. */
  async acquireFor(run: Pick<RunState, 'nodes'>, execution: { arn: string; name: string; redriveCount?: number }): Promise<void> {
    await acquireRunLocks(runLockKeys(run), { id: execution.arn, label: execution.name, attempt: execution.redriveCount ?? 0 }, this.options);
  }

  async acquire(keys: readonly string[], execution: { arn: string; name: string; redriveCount?: number }): Promise<void> {
    await acquireRunLocks(keys, { id: execution.arn, label: execution.name, attempt: execution.redriveCount ?? 0 }, this.options);
  }

  /** Releases the locks of an execution that has closed (see {@link releaseClosedRunLocks}). */
  async releaseFor(executionArn: string): Promise<string[]> {
    return releaseClosedRunLocks(executionArn, this.options);
  }
}
