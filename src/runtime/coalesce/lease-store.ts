/**
 * Where the coalescer's state lives between invocations: one lease record, written only if nobody else
 * wrote it since it was read (optimistic concurrency on `version`). In AWS a DynamoDB item
 * (`dynamodb-lease-store.ts`); in tests and on a laptop, memory.
 */
import { normalizeCoalescerState, type CoalescedBatch, type CoalescerState } from './coalescer';

export interface LeaseRecord {
  state: CoalescerState;
  /**
   * Batches taken (their runs are active) whose executions may not have started yet. Whoever reads the record
   * next starts them again — harmless, the execution name makes StartExecution idempotent — and clears them.
   * Records written before issue 18 hold one batch or null here; read them through {@link normalizeLeaseRecord}.
   */
  starting: CoalescedBatch[];
  /** When a "check the active run" wake-up is due (ms); set while one is outstanding, so there is only one. */
  nextCheckAt?: number | null;
}

/** A record as any version stored it (`starting` was one batch or null before issue 18). */
export function normalizeLeaseRecord(stored: Omit<LeaseRecord, 'starting'> & { starting: CoalescedBatch[] | CoalescedBatch | null | undefined }): LeaseRecord {
  const starting = Array.isArray(stored.starting) ? stored.starting : stored.starting ? [stored.starting] : [];
  return { ...stored, state: normalizeCoalescerState(stored.state), starting };
}

export interface VersionedLease {
  record: LeaseRecord | null;
  /** 0 when the record does not exist yet. */
  version: number;
}

/** Thrown by `write` when the record changed since it was read; the caller reads again and retries. */
export class LeaseConflictError extends Error {
  constructor(readonly expectedVersion: number) {
    super(`The coalescer lease changed since version ${expectedVersion} was read`);
    this.name = 'LeaseConflictError';
  }
}

export interface LeaseStore {
  read(): Promise<VersionedLease>;
  /** Writes `record` as version `expectedVersion + 1`, or throws {@link LeaseConflictError}. */
  write(record: LeaseRecord, expectedVersion: number): Promise<void>;
}

/**
 * @example
 * const store = new InMemoryLeaseStore();
 * const { record, version } = await store.read(); // { record: null, version: 0 }
 * await store.write({ state: emptyCoalescerState(), starting: [] }, version);
 */
export class InMemoryLeaseStore implements LeaseStore {
  private current: VersionedLease = { record: null, version: 0 };

  async read(): Promise<VersionedLease> {
    return structuredClone(this.current);
  }

  async write(record: LeaseRecord, expectedVersion: number): Promise<void> {
    if (this.current.version !== expectedVersion) throw new LeaseConflictError(expectedVersion);
    this.current = { record: structuredClone(record), version: expectedVersion + 1 };
  }
}
