/**
 * Schedule expressions in EventBridge Scheduler syntax, as a source declares them in
 * `meta.landfall.dms.schedule`: `rate(<n> minute|minutes|hour|hours|day|days)` or `cron(<6 fields>)`
 * (see `cron.ts` for the cron subset). `at(...)` one-time schedules are refused: a schedule here repeats.
 */
import { InvalidCronError, nextCronFire, parseCron, type CronSchedule } from './cron';

export class InvalidScheduleError extends Error {
  constructor(readonly expression: string, readonly reason: string) {
    super(`Invalid schedule '${expression}': ${reason}`);
    this.name = 'InvalidScheduleError';
  }
}

export type ScheduleExpression =
  | { kind: 'rate'; expression: string; everyMs: number }
  | { kind: 'cron'; expression: string; cron: CronSchedule };

const UNIT_MS: Record<string, number> = { minute: 60_000, hour: 3600_000, day: 86_400_000 };

/**
 * @example
 * parseScheduleExpression('rate(15 minutes)'); // { kind: 'rate', expression: 'rate(15 minutes)', everyMs: 900000 }
 */
export function parseScheduleExpression(expression: string): ScheduleExpression {
  const rate = /^rate\((\d+) (minute|hour|day)(s?)\)$/.exec(expression);
  if (rate) {
    const value = Number(rate[1]);
    if (value < 1) throw new InvalidScheduleError(expression, 'the rate must be at least 1');
    if ((value === 1) !== (rate[3] === '')) throw new InvalidScheduleError(expression, `the unit is singular for 1 and plural otherwise: 'rate(1 ${rate[2]})', 'rate(2 ${rate[2]}s)'`);
    return { kind: 'rate', expression, everyMs: value * UNIT_MS[rate[2]!]! };
  }
  const cron = /^cron\((.*)\)$/.exec(expression);
  if (cron) {
    try {
      return { kind: 'cron', expression, cron: parseCron(cron[1]!) };
    } catch (error) {
      if (error instanceof InvalidCronError) throw new InvalidScheduleError(expression, error.reason);
      throw error;
    }
  }
  throw new InvalidScheduleError(expression, "expected 'rate(<n> <minutes|hours|days>)' or 'cron(<minutes> <hours> <day-of-month> <month> <day-of-week> <year>)'");
}

/**
 * When a schedule fires next after `after` (a rate counts from `startedAt`, as a Scheduler rate counts from its creation).
 *
 * @example
 * nextFire(parseScheduleExpression('rate(1 hour)'), new Date(0), new Date(90 * 60_000)); // 02:00 after start
 */
export function nextFire(schedule: ScheduleExpression, startedAt: Date, after: Date): Date | null {
  if (schedule.kind === 'cron') return nextCronFire(schedule.cron, after);
  const elapsed = Math.max(0, after.getTime() - startedAt.getTime());
  return new Date(startedAt.getTime() + (Math.floor(elapsed / schedule.everyMs) + 1) * schedule.everyMs);
}

/** The wall-clock time in `timeZone` as a Date whose UTC fields hold it (to run a cron on local time). */
function wallClock(date: Date, timeZone: string): Date {
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-US', {
    timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
  }).formatToParts(date).map((p) => [p.type, p.value]));
  return new Date(Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second)));
}

/** Throws {@link InvalidScheduleError} unless `timeZone` is an IANA name the runtime knows (as Scheduler requires). */
export function checkTimeZone(timeZone: string, label: string): void {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
  } catch {
    throw new InvalidScheduleError(timeZone, `${label}: '${timeZone}' is not an IANA time zone such as 'Europe/Amsterdam' or 'UTC'`);
  }
}

/**
 * When a schedule with a `ScheduleExpressionTimezone` fires next: a cron's fields are read on the zone's wall clock
 * (so `0 6 * * ? *` in Europe/Amsterdam is 06:00 there in summer and winter); a wall time that does not exist
 * (the hour skipped when clocks go forward) is skipped. A rate ignores the zone.
 *
 * @example
 * nextFireInZone(parseScheduleExpression('cron(0 6 * * ? *)'), start, new Date('2026-07-01T00:00:00Z'), 'Europe/Amsterdam'); // 04:00Z
 */
export function nextFireInZone(schedule: ScheduleExpression, startedAt: Date, after: Date, timeZone = 'UTC'): Date | null {
  if (schedule.kind === 'rate' || timeZone === 'UTC') return nextFire(schedule, startedAt, after);
  let wall = wallClock(after, timeZone);
  for (let attempt = 0; attempt < 1000; attempt++) {
    const candidate = nextCronFire(schedule.cron, wall);
    if (!candidate) return null;
    const guess = new Date(candidate.getTime() - (wallClock(after, timeZone).getTime() - Math.floor(after.getTime() / 1000) * 1000));
    const real = new Date(candidate.getTime() - (wallClock(guess, timeZone).getTime() - guess.getTime()));
    if (wallClock(real, timeZone).getTime() === candidate.getTime() && real.getTime() > after.getTime()) return real;
    wall = candidate;
  }
  return null;
}
