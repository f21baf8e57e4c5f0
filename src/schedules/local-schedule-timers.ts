/**
 * The project's schedules on timers, for `landfall serve`: each fires as its EventBridge Scheduler schedule
 * would (in its time zone, UTC by default), calling `fire`. A fire that fails is reported, and the schedule
 * keeps going. Used for the DMS schedules and for landfall.yml's schedules (project-schedules.ts).
 */
import { nextFireInZone, type ScheduleExpression } from './schedule-expression';

/** Anything with a schedule: a DMS schedule, a landfall.yml schedule (keyed by `name` when it has one). */
export interface TimedSchedule {
  schedule: ScheduleExpression;
  name?: string;
  timezone?: string;
}

/** setTimeout's longest delay; longer waits are taken in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface ScheduleTimers {
  /** The next fire time of each schedule (by expression). */
  nextFires(): Record<string, Date | null>;
  stop(): void;
}

/**
 * @example
 * const timers = startScheduleTimers(dmsSchedulesOf(manifest), async (s) => startExecution(scheduledRunInput(s)));
 * timers.stop();
 */
export function startScheduleTimers<T extends TimedSchedule>(
  schedules: readonly T[],
  fire: (schedule: T) => Promise<void>,
  options: { now?: () => number; onError?: (error: unknown, schedule: T) => void } = {},
): ScheduleTimers {
  const now = options.now ?? Date.now;
  const startedAt = new Date(now());
  const timers = new Map<string, NodeJS.Timeout>();
  const next = new Map<string, Date | null>();
  let stopped = false;

  const keyOf = (schedule: T) => schedule.name ?? schedule.schedule.expression;
  const arm = (schedule: T, after: Date) => {
    const at = nextFireInZone(schedule.schedule, startedAt, after, schedule.timezone);
    next.set(keyOf(schedule), at);
    if (!at || stopped) return;
    const wait = () => {
      const delay = at.getTime() - now();
      if (delay > MAX_TIMER_MS) {
        timers.set(keyOf(schedule), setTimeout(wait, MAX_TIMER_MS));
        return;
      }
      timers.set(keyOf(schedule), setTimeout(() => {
        fire(schedule).catch((error) => options.onError?.(error, schedule));
        arm(schedule, at);
      }, Math.max(0, delay)));
    };
    wait();
  };
  for (const schedule of schedules) arm(schedule, startedAt);
  return {
    nextFires: () => Object.fromEntries(next),
    stop: () => {
      stopped = true;
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
    },
  };
}
