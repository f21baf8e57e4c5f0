import { InvalidSettingsError, parseLandfallSettings } from '../../src/schedules/landfall-settings';
import { projectScheduleInput, projectSchedulesOf } from '../../src/schedules/project-schedules';
import { projectScheduleResources } from '../../src/schedules/schedule-resources';
import { nextFireInZone, parseScheduleExpression } from '../../src/schedules/schedule-expression';
import { DEFAULT_LANDFALL_SETTINGS } from '../../src/schedules/default-settings';
import type { Manifest } from '../../src/engine';

const yaml = `
schedules:
  - { name: daily-build, command: build, select: ["+fct_orders"], cron: "0 6 * * ? *", timezone: Europe/Amsterdam }
  - { name: hourly-freshness, command: freshness, cron: rate(1 hour) }
  - { name: monthly-rotation, command: rotate, cron: "cron(0 3 1 * ? *)" }
`;

describe('landfall.yml schedules', () => {
  it('parses a daily build in a time zone, an hourly freshness check and a monthly rotation', () => {
    const schedules = projectSchedulesOf(parseLandfallSettings(yaml, 'landfall.yml'));
    expect(schedules.map((s) => [s.name, s.schedule.expression, s.timezone])).toEqual([
      ['daily-build', 'cron(0 6 * * ? *)', 'Europe/Amsterdam'], ['hourly-freshness', 'rate(1 hour)', 'UTC'], ['monthly-rotation', 'cron(0 3 1 * ? *)', 'UTC'],
    ]);
    expect(projectScheduleInput(schedules[0]!)).toEqual({ command: 'build', select: ['+fct_orders'], exclude: [], reason: 'schedule daily-build (cron(0 6 * * ? *) Europe/Amsterdam)' });
  });

  it('fires a cron on the zone\'s wall clock across daylight saving time, and skips a wall time that does not exist', () => {
    const cron = parseScheduleExpression('cron(0 6 * * ? *)');
    expect(nextFireInZone(cron, new Date(0), new Date('2026-12-05T07:00:00Z'), 'Europe/Amsterdam')?.toISOString()).toBe('2026-12-06T05:00:00.000Z');
    expect(nextFireInZone(cron, new Date(0), new Date('2026-07-05T07:00:00Z'), 'Europe/Amsterdam')?.toISOString()).toBe('2026-07-06T04:00:00.000Z');
    // 02:30 does not exist in Amsterdam on 29 March 2026 (clocks go from 02:00 to 03:00).
    const skipped = parseScheduleExpression('cron(30 2 * * ? *)');
    expect(nextFireInZone(skipped, new Date(0), new Date('2026-03-28T12:00:00Z'), 'Europe/Amsterdam')?.toISOString()).toBe('2026-03-30T00:30:00.000Z');
  });

  it('names the file, the schedule and the problem in a bad declaration', () => {
    expect(() => parseLandfallSettings('schedules: [{ name: Daily, command: bild, cron: x }]', 'dbt/landfall.yml')).toThrow(InvalidSettingsError);
    expect(() => projectSchedulesOf(parseLandfallSettings('schedules: [{ name: daily, command: build, cron: "0 6 * * *" }]', 'f'))).toThrow(/schedule 'daily'.*expected 6 fields/);
    expect(() => projectSchedulesOf(parseLandfallSettings('schedules: [{ name: daily, command: build, cron: "0 6 * * ? *", timezone: Mars/Olympus }]', 'f'))).toThrow(/not an IANA time zone/);
    expect(() => parseLandfallSettings('alerts: { subscribers: [{ email: nobody }] }', 'f')).toThrow(/alerts.subscribers.0.email/);
    expect(parseLandfallSettings('{}', 'f')).toEqual(DEFAULT_LANDFALL_SETTINGS);
  });

  it('becomes one EventBridge Scheduler schedule each, in its time zone, starting the right state machine', () => {
    const manifest = { alerting: { settings: parseLandfallSettings(yaml, 'landfall.yml'), nodes: {} } } as unknown as Manifest;
    const resources = projectScheduleResources(manifest) as Record<string, { Properties: Record<string, any> }>;
    expect(resources.ProjectScheduleDailyBuild!.Properties).toMatchObject({ ScheduleExpression: 'cron(0 6 * * ? *)', ScheduleExpressionTimezone: 'Europe/Amsterdam', Target: { Arn: { Ref: 'TransformRunStateMachine' } } });
    expect(resources.ProjectScheduleHourlyFreshness!.Properties.Target.Arn).toEqual({ Ref: 'SourceFreshnessStateMachine' });
    expect(resources.ProjectScheduleMonthlyRotation!.Properties.Target.Arn).toEqual({ Ref: 'RotatePartitionsStateMachine' });
    expect(JSON.parse(resources.ProjectScheduleDailyBuild!.Properties.Target.Input)).toMatchObject({ command: 'build', select: ['+fct_orders'] });
    expect(resources.ProjectScheduleRole!.Properties.Policies[0].PolicyDocument.Statement[0].Resource).toHaveLength(3);
  });
});
