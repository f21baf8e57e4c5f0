/**
 * The coalescer driven by a timer, for the local stack and the benchmark: the pure functions of
 * `coalescer.ts` with the state in memory. `startRun` starts the batch's run (the transform execution) and
 * resolves when the run has finished; only then may a follow-up of its part start. With `concurrency: 'dag'`
 * runs of disjoint parts of the DAG run at the same time.
 */
import type { Manifest } from '../../engine';
import type { DataArrivedEvent } from '../../events/arrival';
import {
  acceptArrival, type AcceptOutcome, type CoalescedBatch, type CoalescerConfig, type CoalescerState,
  emptyCoalescerState, runFinished, takeBatches, windowClosesAt,
} from './coalescer';

export interface TimedCoalescerOptions extends CoalescerConfig {
  manifest: Manifest;
  /** Runs the batch to its end. A rejection is reported to `onError`; the lease is released either way. */
  startRun: (batch: CoalescedBatch) => Promise<void>;
  onError?: (error: unknown, batch: CoalescedBatch) => void;
  now?: () => number;
}

/**
 * @example
 * const coalescer = new TimedCoalescer({ manifest, windowMs: 60_000, startRun: async (batch) => runBatch(batch) });
 * coalescer.accept(dataArrivedEvent); // 'buffered'
 * await coalescer.whenIdle();
 */
export class TimedCoalescer {
  private state: CoalescerState = emptyCoalescerState();
  private timer: NodeJS.Timeout | undefined;
  /** Execution name → the run, until it has finished. */
  private readonly running = new Map<string, Promise<void>>();
  private readonly now: () => number;
  /** arrivalId → callbacks to call when the run that accounts for it has finished. */
  private readonly waiting = new Map<string, (() => void)[]>();

  constructor(private readonly options: TimedCoalescerOptions) {
    this.now = options.now ?? Date.now;
  }

  get counters(): CoalescerState['counters'] {
    return this.state.counters;
  }

  /** Latest arrival time per loader connector (what the reconciler compares the loaders' own records with). */
  lastArrivals(): Record<string, string> {
    return { ...this.state.lastArrivals };
  }

  accept(event: DataArrivedEvent): AcceptOutcome {
    const { state, outcome } = acceptArrival(this.state, event, this.options.manifest, this.now(), this.options);
    this.state = state;
    this.schedule();
    return outcome;
  }

  /**
   * Like {@link accept}, but resolves only when the run that accounts for the arrival has finished
   * (at once for a duplicate or an unrouted arrival). The local bus awaits this, so "bus idle" means "runs done".
   */
  acceptAndWait(event: DataArrivedEvent): Promise<AcceptOutcome> {
    const outcome = this.accept(event);
    if (outcome !== 'buffered') return Promise.resolve(outcome);
    return new Promise((resolve) => {
      const id = event.detail.arrivalId;
      this.waiting.set(id, [...(this.waiting.get(id) ?? []), () => resolve(outcome)]);
    });
  }

  /** Runs active now (started by this coalescer, not finished). */
  get activeRuns(): number {
    return this.running.size;
  }

  /** Resolves when nothing is buffered and no run is active. */
  async whenIdle(): Promise<void> {
    while (this.running.size > 0 || this.state.pending.length > 0) {
      if (this.running.size > 0) await Promise.race(this.running.values());
      else await new Promise((resolve) => setTimeout(resolve, Math.max(1, (this.closesAt() ?? this.now()) - this.now())));
      this.tick();
    }
  }

  /** Stops the timer (buffered arrivals stay unstarted). */
  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private closesAt(): number | null {
    return windowClosesAt(this.state, this.options, this.options.manifest);
  }

  /** One timer, for the earliest window that may start a run (a run's end schedules again). */
  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const closesAt = this.closesAt();
    if (closesAt === null) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.tick();
    }, Math.max(0, closesAt - this.now()));
  }

  private tick(): void {
    const { state, batches } = takeBatches(this.state, this.now(), this.options, this.options.manifest);
    this.state = state;
    for (const batch of batches) {
      const run = this.options
        .startRun(batch)
        .catch((error) => this.options.onError?.(error, batch))
        .finally(() => {
          this.state = runFinished(this.state, batch.name);
          this.running.delete(batch.name);
          for (const arrival of batch.arrivals) {
            for (const notify of this.waiting.get(arrival.detail.arrivalId) ?? []) notify();
            this.waiting.delete(arrival.detail.arrivalId);
          }
          this.tick();
        });
      this.running.set(batch.name, run);
    }
    this.schedule();
  }
}
