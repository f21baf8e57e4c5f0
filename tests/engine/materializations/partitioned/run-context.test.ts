import { partitionConfigOf } from '../../../../src/engine/materializations/partitioned/config';
import { resolvePartitionRun } from '../../../../src/engine/materializations/partitioned/run-context';
import { addMonths, monthsOverlapping } from '../../../../src/engine/materializations/partitioned/months';

const config = partitionConfigOf({ materialized: 'incremental', tags: [], enabled: true, partition_by: { field: 'created_at' }, retention_months: 24, window_lookback_days: 2 })!;
const startedAt = new Date('2026-11-15T02:00:00Z');

describe('months', () => {
  it('adds months across years and lists the months an interval overlaps', () => {
    expect(addMonths('2026-11', 2)).toBe('2027-01');
    expect(addMonths('2026-01', -1)).toBe('2025-12');
    expect(monthsOverlapping(new Date('2026-11-30T12:00:00Z'), new Date('2026-12-01T00:00:00Z'))).toEqual(['2026-11']);
    expect(monthsOverlapping(new Date('2026-11-30T12:00:00Z'), new Date('2026-12-01T00:00:01Z'))).toEqual(['2026-11', '2026-12']);
  });
});

describe('resolvePartitionRun', () => {
  it('runs a daily window since the last published window, minus the lookback, touching one month', () => {
    const run = resolvePartitionRun({ config, vars: {}, fullRefresh: false, startedAt, existingMonths: ['2025-01', '2026-11'], lastWindowEnd: new Date('2026-11-14T02:00:00Z') });
    expect(run).toEqual({ window: { start: '2026-11-12T02:00:00.000Z', end: '2026-11-16T02:00:00.000Z', source: 'since-last-window' }, months: ['2026-11'], mode: 'merge' });
  });

  it('starts from the newest published value (the data), not the clock, with a 3-day default lookback', () => {
    const defaults = partitionConfigOf({ materialized: 'incremental', tags: [], enabled: true, partition_by: { field: 'created_at' } })!;
    expect(defaults.windowLookbackDays).toBe(3);
    // The last run started at 02:00 but the newest row it saw was stamped 2026-11-13 20:00 (a Firehose buffer).
    const run = resolvePartitionRun({ config: defaults, vars: {}, fullRefresh: false, startedAt, existingMonths: ['2026-11'], lastWindowEnd: new Date('2026-11-14T02:00:00Z'), watermark: new Date('2026-11-13T20:00:00Z') });
    expect(run.window).toEqual({ start: '2026-11-10T20:00:00.000Z', end: '2026-11-16T02:00:00.000Z', source: 'since-watermark' });
  });

  it('reads "now" and the current month in partition_timezone for a local-time field', () => {
    const la = partitionConfigOf({ materialized: 'incremental', tags: [], enabled: true, partition_by: { field: 'created_at' }, partition_timezone: 'America/Los_Angeles', retention_months: 2 })!;
    // 2026-12-01 05:00 UTC is still November 30th, 21:00 in Los Angeles.
    const first = resolvePartitionRun({ config: la, vars: {}, fullRefresh: false, startedAt: new Date('2026-12-01T05:00:00Z'), existingMonths: [] });
    expect(first.months).toEqual(['2026-10', '2026-11']);
    const daily = resolvePartitionRun({ config: la, vars: {}, fullRefresh: false, startedAt: new Date('2026-12-01T05:00:00Z'), existingMonths: ['2026-11'], watermark: new Date('2026-11-30T20:00:00Z') });
    expect(daily.window.end).toBe('2026-12-01T21:00:00.000Z');
  });

  it('takes the window from --vars', () => {
    const run = resolvePartitionRun({ config, vars: { window_start: '2026-10-31', window_end: '2026-11-02' }, fullRefresh: false, startedAt, existingMonths: ['2026-11'] });
    expect(run.months).toEqual(['2026-10', '2026-11']);
    expect(run.window.source).toBe('vars');
    expect(() => resolvePartitionRun({ config, vars: { window_start: '2026-11-02', window_end: '2026-11-01' }, fullRefresh: false, startedAt, existingMonths: [] })).toThrow(/empty/);
    expect(() => resolvePartitionRun({ config, vars: { window_start: 'yesterday' }, fullRefresh: false, startedAt, existingMonths: [] })).toThrow(/window_start/);
  });

  it('rebuilds the retention period month by month on a first build or a full refresh', () => {
    const first = resolvePartitionRun({ config, vars: {}, fullRefresh: false, startedAt, existingMonths: [] });
    expect(first.mode).toBe('rebuild');
    expect(first.months).toHaveLength(24);
    expect(first.months[0]).toBe('2024-12');
    expect(first.months[23]).toBe('2026-11');
    const full = resolvePartitionRun({ config, vars: {}, fullRefresh: true, startedAt, existingMonths: ['2020-01', '2026-11'], lastWindowEnd: startedAt });
    expect(full.months).not.toContain('2020-01');
    expect(full.mode).toBe('rebuild');
  });
});
