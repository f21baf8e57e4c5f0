/** A run-state store in memory (tests only): what the S3 store keeps, as JSON text per execution name. */
import type { RunStatePointer, RunStateStore, StoredRun } from '../../src/runtime/run-state-store';

export class MemoryRunStates implements RunStateStore {
  readonly docs = new Map<string, string>();
  pointerFor(executionName: string): RunStatePointer {
    return { bucket: 'memory', key: executionName };
  }
  async read<T>(pointer: RunStatePointer): Promise<StoredRun<T>> {
    return JSON.parse(this.docs.get(pointer.key)!) as StoredRun<T>;
  }
  async write(pointer: RunStatePointer, stored: StoredRun<unknown>): Promise<number> {
    this.docs.set(pointer.key, JSON.stringify(stored));
    return 0;
  }
}
