import { InvalidCronError, nextCronFire, parseCron } from '../../src/schedules/cron';

const next = (expression: string, after: string) => nextCronFire(parseCron(expression), new Date(after))?.toISOString() ?? null;

describe('cron (EventBridge 6-field syntax, UTC)', () => {
  it('fires daily at a fixed time, strictly after the given instant', () => {
    expect(next('30 2 * * ? *', '2026-11-27T03:00:00Z')).toBe('2026-11-28T02:30:00.000Z');
    expect(next('30 2 * * ? *', '2026-11-27T02:29:59Z')).toBe('2026-11-27T02:30:00.000Z');
    expect(next('30 2 * * ? *', '2026-11-27T02:30:00Z')).toBe('2026-11-28T02:30:00.000Z');
  });

  it('steps minutes and hours', () => {
    expect(next('*/15 * * * ? *', '2026-11-27T03:16:00Z')).toBe('2026-11-27T03:30:00.000Z');
    expect(next('5/20 8-10 * * ? *', '2026-11-27T10:46:00Z')).toBe('2026-11-28T08:05:00.000Z');
  });

  it('picks days of the week by name with Sunday = 1, and crosses month and year ends', () => {
    // 2026-11-27 is a Friday.
    expect(next('0 6 ? * MON-FRI *', '2026-11-27T07:00:00Z')).toBe('2026-11-30T06:00:00.000Z');
    expect(next('0 0 ? * 1 *', '2026-11-27T00:00:00Z')).toBe('2026-11-29T00:00:00.000Z');
    expect(next('0 0 1 JAN ? *', '2026-11-27T00:00:00Z')).toBe('2027-01-01T00:00:00.000Z');
  });

  it('skips months without the day and honours the year field', () => {
    expect(next('0 12 31 * ? *', '2026-11-27T00:00:00Z')).toBe('2026-12-31T12:00:00.000Z');
    expect(next('0 12 29 FEB ? 2027-2028', '2026-11-27T00:00:00Z')).toBe('2028-02-29T12:00:00.000Z');
    expect(next('0 0 1 1 ? 2020', '2026-11-27T00:00:00Z')).toBeNull();
  });

  it.each([
    ['0 6 * * *', /6 fields/],
    ['0 6 * * * *', /exactly one of day-of-month and day-of-week/],
    ['0 6 ? * ? *', /exactly one of day-of-month and day-of-week/],
    ['60 6 * * ? *', /minutes '60': 60 is outside 0-59/],
    ['0 6 L * ? *', /'L', 'W' and '#' are not supported/],
    ['0 6 ? * MON#2 *', /'L', 'W' and '#' are not supported/],
    ['0 6 ? * FRI-MON *', /wrap around/],
    ['? 6 * * ? *', /only allowed in day-of-month and day-of-week/],
    ['*/0 6 * * ? *', /step/],
  ])('refuses %s with a clear reason', (expression, reason) => {
    expect(() => parseCron(expression)).toThrow(InvalidCronError);
    expect(() => parseCron(expression)).toThrow(reason);
  });
});
