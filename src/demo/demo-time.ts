/** Time in the demo data: units, windows, and random instants in whole seconds. */
import type { SeededRandom } from './seeded-random';

export const MINUTE_MS = 60_000;

export const HOUR_MS = 60 * MINUTE_MS;

export const DAY_MS = 24 * HOUR_MS;

export interface TimeWindow {
  start: Date;
  end: Date;
}

export function randomTimeBetween(random: SeededRandom, start: Date, end: Date): Date {
  const span = Math.max(0, end.getTime() - start.getTime());
  return new Date(Math.floor((start.getTime() + random.next() * span) / 1000) * 1000);
}

/** Fivetran picks a change up within its sync interval, never after the data set's end. */
export function syncTimeAfter(random: SeededRandom, changedAt: Date, limit: Date): Date {
  const synced = addMinutes(changedAt, random.int(1, 30));
  return synced < limit ? synced : limit;
}

export function addMinutes(date: Date, minutes: number): Date {
  return new Date(date.getTime() + minutes * MINUTE_MS);
}

export function addDays(date: Date, days: number): Date {
  return new Date(date.getTime() + days * DAY_MS);
}
