/**
 * The adaptive coalescing window (issue 18: "the coalescing window adapts"), pure. Each part of the DAG has its own
 * window (dag-parts.ts), so a burst for one part never delays another; what adapts is how long a part's window stays
 * open when the scheduler is under pressure.
 *
 * - **No pressure** (dag mode, no part queued, fewer active runs than the limit): a part's window is fixed, it closes
 *   `windowMs` after its first arrival — today's behaviour, the shortest lag when the warehouse has room.
 * - **Under pressure** (runs queued: a part whose window closed is held back by an overlapping active run or by the
 *   run limit; or the caller reports the statement slots saturated): a part free to start keeps its window open while
 *   arrivals for it keep coming — it closes `windowMs` after its LAST arrival — but never later than `maxStretch`
 *   windows after its first. Arrivals for a part that already waits merge into it instead of becoming runs of their
 *   own, each of which would rebuild the part's shared downstream models again and pay a run's fixed cost (plan,
 *   locks, Wait states) while the warehouse has no slot to spare; a part with one arrival still closes after one
 *   window, so a quiet part is never held back by another's burst.
 * - A part held back by an active run needs no wider window: it already absorbs every arrival until that run ends,
 *   and starts then (its first arrival is long past `maxStretch` windows, so it is never held longer).
 * - `serial` mode keeps the fixed window: it is the baseline the benchmark compares against (one run at a time).
 */
import type { PendingPart } from './dag-parts';

/** How far a part's window may stretch under pressure, in windows from its first arrival. */
export const DEFAULT_MAX_WINDOW_STRETCH = 3;

export interface SchedulingPressure {
  /** Parts whose window closed but that cannot start: an active run overlaps them, or the run limit is reached. */
  queuedParts: number;
  activeRuns: number;
  maxRuns: number;
  /** The statement slots are all in use (optional: the caller may not know). */
  slotsSaturated?: boolean;
}

/** Whether the scheduler is under pressure (see above). */
export function underPressure(pressure: SchedulingPressure): boolean {
  return pressure.queuedParts > 0 || pressure.activeRuns >= pressure.maxRuns || pressure.slotsSaturated === true;
}

/**
 * When a part's window closes (epoch ms).
 *
 * @example
 * partWindowClosesAt({ openedAt: 0, lastReceivedAt: 50_000 }, 60_000, { queuedParts: 1, activeRuns: 2, maxRuns: 8 }) // 110_000
 * partWindowClosesAt({ openedAt: 0, lastReceivedAt: 50_000 }, 60_000, { queuedParts: 0, activeRuns: 2, maxRuns: 8 }) // 60_000
 */
export function partWindowClosesAt(
  part: Pick<PendingPart, 'openedAt' | 'lastReceivedAt'>,
  windowMs: number,
  pressure: SchedulingPressure | undefined,
  maxStretch = DEFAULT_MAX_WINDOW_STRETCH,
): number {
  const fixed = part.openedAt + windowMs;
  if (!pressure || !underPressure(pressure)) return fixed;
  const sliding = part.lastReceivedAt + windowMs;
  return Math.max(fixed, Math.min(sliding, part.openedAt + windowMs * Math.max(1, maxStretch)));
}
