import { load } from 'js-yaml';
import type { Manifest } from '../../src/engine';
import { dmsSchedulesOf, scheduledRunInput } from '../../src/schedules/dms-schedules';
import { startScheduleTimers } from '../../src/schedules/local-schedule-timers';
import { InvalidScheduleError, nextFire, parseScheduleExpression } from '../../src/schedules/schedule-expression';
import { scheduleResourcesYaml } from '../../src/schedules/schedule-resources';

const manifestWith = (schedules: Record<string, unknown>) => ({
  sources: Object.fromEntries(Object.entries(schedules).map(([table, schedule]) => [
    `source.p.billing.${table}`,
    { uniqueId: `source.p.billing.${table}`, resourceType: 'source', sourceName: 'billing', name: table, meta: { landfall: { dms: { task_id: 'billing-cdc', schedule } } }, tags: [] },
  ])),
}) as unknown as Manifest;

describe('schedule expressions', () => {
  it('parses rates in minutes, hours and days', () => {
    expect(parseScheduleExpression('rate(1 minute)')).toMatchObject({ kind: 'rate', everyMs: 60_000 });
    expect(parseScheduleExpression('rate(6 hours)')).toMatchObject({ kind: 'rate', everyMs: 6 * 3600_000 });
    expect(parseScheduleExpression('rate(2 days)')).toMatchObject({ kind: 'rate', everyMs: 2 * 86_400_000 });
  });

  it.each(['rate(1 minutes)', 'rate(5 hour)', 'rate(0 minutes)', 'rate(1 week)', 'every hour', 'at(2026-12-01T00:00:00)', 'cron(0 6 * * *)'])('refuses %s', (expression) => {
    expect(() => parseScheduleExpression(expression)).toThrow(InvalidScheduleError);
  });

  it('counts a rate from the start, like a Scheduler rate from its creation', () => {
    expect(nextFire(parseScheduleExpression('rate(1 hour)'), new Date(0), new Date(90 * 60_000))?.toISOString()).toBe('1970-01-01T02:00:00.000Z');
  });
});

describe('dmsSchedulesOf', () => {
  it('groups the tables of one expression into one schedule building their downstream models', () => {
    const schedules = dmsSchedulesOf(manifestWith({ invoices: 'rate(1 hour)', payments: 'rate(1 hour)', refunds: 'cron(0 6 * * ? *)' }));
    expect(schedules.map((s) => [s.schedule.expression, s.select])).toEqual([
      ['cron(0 6 * * ? *)', ['source:billing.refunds+']],
      ['rate(1 hour)', ['source:billing.invoices+', 'source:billing.payments+']],
    ]);
    expect(scheduledRunInput(schedules[1]!)).toEqual({ command: 'build', select: ['source:billing.invoices+', 'source:billing.payments+'], reason: 'schedule rate(1 hour) (full-load-and-CDC DMS)' });
  });

  it('names the source of an invalid schedule', () => {
    expect(() => dmsSchedulesOf(manifestWith({ invoices: 'rate(1 hours)' }))).toThrow(/source billing\.invoices: meta\.landfall\.dms\.schedule/);
    expect(() => dmsSchedulesOf(manifestWith({ invoices: 3600 }))).toThrow(/must be a string/);
  });
});

describe('scheduleResourcesYaml', () => {
  it('writes one Scheduler schedule per expression that starts the transform state machine with the build request', () => {
    const doc = load(scheduleResourcesYaml(manifestWith({ invoices: 'rate(1 hour)', refunds: 'cron(0 6 * * ? *)' }))) as { Resources: Record<string, { Type: string; Properties: Record<string, any> }> };
    const schedules = Object.values(doc.Resources).filter((r) => r.Type === 'AWS::Scheduler::Schedule');
    expect(schedules.map((s) => s.Properties.ScheduleExpression).sort()).toEqual(['cron(0 6 * * ? *)', 'rate(1 hour)']);
    const hourly = schedules.find((s) => s.Properties.ScheduleExpression === 'rate(1 hour)')!;
    expect(hourly.Properties.Target.Arn).toEqual({ Ref: 'TransformRunStateMachine' });
    expect(JSON.parse(hourly.Properties.Target.Input)).toEqual({ command: 'build', select: ['source:billing.invoices+'], reason: 'schedule rate(1 hour) (full-load-and-CDC DMS)' });
    expect(doc.Resources.DmsScheduleRole?.Type).toBe('AWS::IAM::Role');
  });

  it('writes no resources for a project without schedules', () => {
    expect(load(scheduleResourcesYaml(manifestWith({})))).toEqual({ Resources: {} });
  });
});

describe('startScheduleTimers', () => {
  beforeEach(() => jest.useFakeTimers({ now: new Date('2026-11-27T03:00:00Z') }));
  afterEach(() => jest.useRealTimers());

  it('fires each schedule when its Scheduler counterpart would, and keeps firing', async () => {
    const fired: string[] = [];
    const timers = startScheduleTimers(dmsSchedulesOf(manifestWith({ invoices: 'rate(30 minutes)', refunds: 'cron(0 4 * * ? *)' })), async (s) => {
      fired.push(`${new Date().toISOString()} ${s.schedule.expression}`);
    });
    expect(timers.nextFires()['cron(0 4 * * ? *)']?.toISOString()).toBe('2026-11-27T04:00:00.000Z');
    await jest.advanceTimersByTimeAsync(60 * 60_000);
    timers.stop();
    expect(fired.sort()).toEqual([
      '2026-11-27T03:30:00.000Z rate(30 minutes)',
      '2026-11-27T04:00:00.000Z cron(0 4 * * ? *)',
      '2026-11-27T04:00:00.000Z rate(30 minutes)',
    ]);
  });
});
