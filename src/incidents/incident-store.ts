/** Where the incident book lives between runs. Production and local: {@link DynamoDbIncidentStore}. */
import type { IncidentBook } from './incident';

export interface StoredBook {
  book: IncidentBook;
  /** Optimistic-concurrency version: a save succeeds only if nobody saved since this load. */
  version: number;
}

export interface IncidentStore {
  load(): Promise<StoredBook>;
  /** False when another writer saved first (load again and re-apply). */
  save(book: IncidentBook, loadedVersion: number): Promise<boolean>;
}

export class IncidentStoreConflictError extends Error {
  constructor(attempts: number) {
    super(`the incident book kept changing under ${attempts} attempts to update it (another run is alerting at the same time)`);
    this.name = 'IncidentStoreConflictError';
  }
}

/**
 * Read-modify-write with retries: `change` must be pure (it may run more than once).
 *
 * @example
 * const notices = await updateBook(store, (book) => trackIncidents(book, observations, now, policy));
 */
export async function updateBook<T>(store: IncidentStore, change: (book: IncidentBook) => { book: IncidentBook; result: T }, attempts = 5): Promise<T> {
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const { book, version } = await store.load();
    const next = change(book);
    if (await store.save(next.book, version)) return next.result;
  }
  throw new IncidentStoreConflictError(attempts);
}
