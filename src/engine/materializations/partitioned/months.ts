/**
 * Calendar months as `YYYY-MM` strings, in UTC: the unit a monthly-partitioned model stores, rotates and
 * backfills. Pure arithmetic, no time zones.
 */
import { EngineError } from '../../errors';

/** A calendar month, `YYYY-MM`. */
export type Month = string;

const MONTH_PATTERN = /^(\d{4})-(0[1-9]|1[0-2])$/;

/**
 * @example
 * parseMonth('2026-11') // { year: 2026, month: 11 }
 */
export function parseMonth(month: Month): { year: number; month: number } {
  const match = MONTH_PATTERN.exec(month);
  if (!match) throw new EngineError(`'${month}' is not a month: write YYYY-MM, e.g. 2026-11`);
  return { year: Number(match[1]), month: Number(match[2]) };
}

/** The month a timestamp falls in (UTC). @example monthOf(new Date('2026-11-30T23:00:00Z')) // '2026-11' */
export function monthOf(date: Date): Month {
  return date.toISOString().slice(0, 7);
}

/** @example addMonths('2026-11', 2) // '2027-01' */
export function addMonths(month: Month, count: number): Month {
  const { year, month: m } = parseMonth(month);
  const index = year * 12 + (m - 1) + count;
  return `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/** Midnight UTC on the first day of the month. @example monthStart('2026-11').toISOString() // '2026-11-01T00:00:00.000Z' */
export function monthStart(month: Month): Date {
  const { year, month: m } = parseMonth(month);
  return new Date(Date.UTC(year, m - 1, 1));
}

/** Every month from `first` to `last`, both included. @example monthRange('2026-11', '2027-01') // ['2026-11', '2026-12', '2027-01'] */
export function monthRange(first: Month, last: Month): Month[] {
  const months: Month[] = [];
  for (let m = first; m <= last; m = addMonths(m, 1)) months.push(m);
  return months;
}

/** The months the half-open interval `[start, end)` overlaps. @example monthsOverlapping(new Date('2026-11-30'), new Date('2026-12-02')) // ['2026-11', '2026-12'] */
export function monthsOverlapping(start: Date, end: Date): Month[] {
  if (end.getTime() <= start.getTime()) return [];
  return monthRange(monthOf(start), monthOf(new Date(end.getTime() - 1)));
}

/** The SQL timestamp literal text of an instant: `2026-11-01 00:00:00`. */
export function timestampText(date: Date): string {
  return date.toISOString().replace('T', ' ').replace(/\.000Z$/, '').replace(/Z$/, '');
}

/** `202611`, the suffix of a month table. */
export function monthSuffix(month: Month): string {
  return month.replace('-', '');
}

/**
 * The wall-clock time in `timeZone` at `instant`, as a Date whose UTC fields carry that wall clock: how a
 * `timestamp without time zone` field holding local times compares with the instant.
 *
 * @example
 * wallClockIn(new Date('2026-12-01T05:00:00Z'), 'America/Los_Angeles').toISOString() // '2026-11-30T21:00:00.000Z'
 */
export function wallClockIn(instant: Date, timeZone: string): Date {
  if (timeZone === 'UTC') return instant;
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
  }).formatToParts(instant);
  const part = (type: string) => Number(parts.find((p) => p.type === type)!.value);
  return new Date(Date.UTC(part('year'), part('month') - 1, part('day'), part('hour'), part('minute'), part('second'), instant.getUTCMilliseconds()));
}
