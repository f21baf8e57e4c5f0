/**
 * EventBridge Scheduler cron expressions, evaluated in UTC: `cron(minutes hours day-of-month month day-of-week year)`.
 *
 * Supported in every field: `*`, a value, a range `a-b`, a list `a,b,c`, and steps `*\/n`, `a/n`, `a-b/n`.
 * Months may be `JAN`–`DEC`, days of the week `SUN`–`SAT` (1 = Sunday … 7 = Saturday, as in EventBridge).
 * Exactly one of day-of-month and day-of-week is `?` (EventBridge's rule). Not supported (refused with a
 * clear error): `L`, `W`, `#`, and ranges that wrap around (`FRI-MON`). Years run 1970–2199.
 */
export class InvalidCronError extends Error {
  constructor(readonly expression: string, readonly reason: string) {
    super(`Invalid schedule cron(${expression}): ${reason}`);
    this.name = 'InvalidCronError';
  }
}

export interface CronSchedule {
  minutes: ReadonlySet<number>;
  hours: ReadonlySet<number>;
  /** null: `?` (the day is chosen by the other day field). */
  daysOfMonth: ReadonlySet<number> | null;
  months: ReadonlySet<number>;
  /** 1 = Sunday … 7 = Saturday; null: `?`. */
  daysOfWeek: ReadonlySet<number> | null;
  years: ReadonlySet<number>;
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

interface FieldSpec { name: string; min: number; max: number; names?: string[]; question?: boolean }
const FIELDS: FieldSpec[] = [
  { name: 'minutes', min: 0, max: 59 },
  { name: 'hours', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31, question: true },
  { name: 'month', min: 1, max: 12, names: MONTHS },
  { name: 'day-of-week', min: 1, max: 7, names: DAYS, question: true },
  { name: 'year', min: 1970, max: 2199 },
];

function parseField(text: string, spec: FieldSpec, expression: string): Set<number> | null {
  const fail = (reason: string): never => {
    throw new InvalidCronError(expression, `${spec.name} '${text}': ${reason}`);
  };
  if (text === '?') return spec.question ? null : fail("'?' is only allowed in day-of-month and day-of-week");
  const value = (token: string): number => {
    const named = spec.names?.indexOf(token.toUpperCase()) ?? -1;
    if (named >= 0) return named + 1;
    if (/[LW#]/i.test(token)) fail("'L', 'W' and '#' are not supported");
    if (!/^\d+$/.test(token)) fail(`'${token}' is not a number${spec.names ? ' or a name' : ''}`);
    const n = Number(token);
    if (n < spec.min || n > spec.max) fail(`${n} is outside ${spec.min}-${spec.max}`);
    return n;
  };
  const values = new Set<number>();
  for (const part of text.split(',')) {
    const [range, stepText, extra] = part.split('/');
    if (extra !== undefined || range === undefined || range === '') fail('malformed');
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1 || !/^\d+$/.test(stepText ?? '1')) fail(`step '${stepText}' is not a positive integer`);
    let from: number;
    let to: number;
    if (range === '*') [from, to] = [spec.min, spec.max];
    else if (range!.includes('-')) {
      const [a, b] = range!.split('-');
      [from, to] = [value(a!), value(b!)];
      if (from > to) fail('ranges that wrap around are not supported');
    } else [from, to] = stepText === undefined ? [value(range!), value(range!)] : [value(range!), spec.max];
    for (let v = from; v <= to; v += step) values.add(v);
  }
  return values;
}

/**
 * @example
 * parseCron('0 6 ? * MON-FRI *'); // weekdays at 06:00 UTC
 */
export function parseCron(expression: string): CronSchedule {
  const parts = expression.trim().split(/\s+/);
  if (parts.length !== 6) throw new InvalidCronError(expression, `expected 6 fields (minutes hours day-of-month month day-of-week year), got ${parts.length}`);
  const [minutes, hours, daysOfMonth, months, daysOfWeek, years] = parts.map((p, i) => parseField(p, FIELDS[i]!, expression));
  if ((daysOfMonth === null) === (daysOfWeek === null)) {
    throw new InvalidCronError(expression, "exactly one of day-of-month and day-of-week must be '?'");
  }
  return { minutes: minutes!, hours: hours!, daysOfMonth: daysOfMonth ?? null, months: months!, daysOfWeek: daysOfWeek ?? null, years: years! };
}

/**
 * The first fire time strictly after `after` (UTC, whole minutes), or null if the schedule never fires again.
 *
 * @example
 * nextCronFire(parseCron('30 2 * * ? *'), new Date('2026-11-27T03:00:00Z')); // 2026-11-28T02:30:00Z
 */
export function nextCronFire(cron: CronSchedule, after: Date): Date | null {
  const t = new Date(Math.floor(after.getTime() / 60_000) * 60_000 + 60_000);
  const lastYear = Math.max(...cron.years);
  while (t.getUTCFullYear() <= lastYear) {
    if (!cron.years.has(t.getUTCFullYear())) {
      t.setUTCFullYear(t.getUTCFullYear() + 1, 0, 1);
      t.setUTCHours(0, 0, 0, 0);
    } else if (!cron.months.has(t.getUTCMonth() + 1)) {
      t.setUTCMonth(t.getUTCMonth() + 1, 1);
      t.setUTCHours(0, 0, 0, 0);
    } else if (!(cron.daysOfMonth?.has(t.getUTCDate()) ?? cron.daysOfWeek!.has(t.getUTCDay() + 1))) {
      t.setUTCDate(t.getUTCDate() + 1);
      t.setUTCHours(0, 0, 0, 0);
    } else if (!cron.hours.has(t.getUTCHours())) {
      t.setUTCHours(t.getUTCHours() + 1, 0, 0, 0);
    } else if (!cron.minutes.has(t.getUTCMinutes())) {
      t.setUTCMinutes(t.getUTCMinutes() + 1, 0, 0);
    } else {
      return t;
    }
  }
  return null;
}
