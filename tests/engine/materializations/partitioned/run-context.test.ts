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
    expect(run).toEqual({ window: { start: '2026-11-12T02:00:00.000Z', end: '2026-11-15T02:00:00.000Z', source: 'since-last-window' }, months: ['2026-11'], mode: 'merge' });
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
