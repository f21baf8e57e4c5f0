/**
 * The project's DMS schedules on timers, for `landfall serve`: each fires as its EventBridge Scheduler
 * schedule would (UTC), calling `fire` with the run input. A fire that fails is reported, and the schedule
 * keeps going.
 */
import type { DmsSchedule } from './dms-schedules';
import { nextFire } from './schedule-expression';

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
export function startScheduleTimers(
  schedules: readonly DmsSchedule[],
  fire: (schedule: DmsSchedule) => Promise<void>,
  options: { now?: () => number; onError?: (error: unknown, schedule: DmsSchedule) => void } = {},
): ScheduleTimers {
  const now = options.now ?? Date.now;
  const startedAt = new Date(now());
  const timers = new Map<string, NodeJS.Timeout>();
  const next = new Map<string, Date | null>();
  let stopped = false;

  const arm = (schedule: DmsSchedule, after: Date) => {
    const at = nextFire(schedule.schedule, startedAt, after);
    next.set(schedule.schedule.expression, at);
    if (!at || stopped) return;
    const wait = () => {
      const delay = at.getTime() - now();
      if (delay > MAX_TIMER_MS) {
        timers.set(schedule.schedule.expression, setTimeout(wait, MAX_TIMER_MS));
        return;
      }
      timers.set(schedule.schedule.expression, setTimeout(() => {
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
