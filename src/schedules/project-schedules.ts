/**
 * The schedules a project declares in `landfall.yml` (landfall-settings.ts): a daily `build`/`test` of a selection
 * at a cron and time zone, source `freshness` checks at a cadence, the monthly `rotate`. In AWS each is an EventBridge
 * Scheduler schedule (schedule-resources.ts) whose target starts a state machine: builds go to the transform state
 * machine, whose LockRun takes the same per-model run locks as arrivals (no model is built by two runs at once);
 * locally `landfall serve` runs them on timers (local-schedule-timers.ts).
 */
import type { Manifest } from '../engine';
import type { ManifestWithAlerting } from '../alerts/alerting-facts';
import type { ManualRun } from '../runtime/run-input';
import type { LandfallSettings, ProjectSchedule } from './landfall-settings';
import { checkTimeZone, InvalidScheduleError, parseScheduleExpression, type ScheduleExpression } from './schedule-expression';

export interface ProjectScheduleEntry {
  name: string;
  command: ProjectSchedule['command'];
  schedule: ScheduleExpression;
  timezone: string;
  select: string[];
  exclude: string[];
}

/** Which state machine a schedule starts. */
export type ScheduleTarget = 'transform' | 'freshness' | 'rotation';

export function targetOf(entry: Pick<ProjectScheduleEntry, 'command'>): ScheduleTarget {
  return entry.command === 'freshness' ? 'freshness' : entry.command === 'rotate' ? 'rotation' : 'transform';
}

/**
 * @example
 * projectSchedulesOf(settings) // [{ name: 'daily-build', command: 'build', schedule: { kind: 'cron', … }, timezone: 'Europe/Amsterdam', … }]
 */
export function projectSchedulesOf(settings: LandfallSettings): ProjectScheduleEntry[] {
  return settings.schedules.filter((s) => s.enabled).map((s) => {
    const label = `landfall.yml schedule '${s.name}'`;
    const expression = /^(cron|rate)\(/.test(s.cron) ? s.cron : `cron(${s.cron})`;
    let schedule: ScheduleExpression;
    try {
      schedule = parseScheduleExpression(expression);
    } catch (error) {
      if (error instanceof InvalidScheduleError) throw new InvalidScheduleError(expression, `${label}: ${error.reason}`);
      throw error;
    }
    checkTimeZone(s.timezone, label);
    if ((s.command === 'rotate') && s.select.length > 0) throw new InvalidScheduleError(expression, `${label}: 'rotate' takes no select (it rotates every partitioned model)`);
    return { name: s.name, command: s.command, schedule, timezone: s.timezone, select: s.select, exclude: s.exclude };
  });
}

/** The project's schedules from a compiled manifest (none when it was compiled without landfall.yml facts). */
export function manifestSchedules(manifest: Manifest): ProjectScheduleEntry[] {
  const settings = (manifest as ManifestWithAlerting).alerting?.settings;
  return settings ? projectSchedulesOf(settings) : [];
}

/** The execution input a schedule starts its state machine with. */
export function projectScheduleInput(entry: ProjectScheduleEntry): Record<string, unknown> {
  const reason = `schedule ${entry.name} (${entry.schedule.expression}${entry.timezone === 'UTC' ? ' UTC' : ` ${entry.timezone}`})`;
  if (entry.command === 'freshness') return { select: entry.select, exclude: entry.exclude, reason };
  if (entry.command === 'rotate') return {};
  const run: Pick<ManualRun, 'command' | 'select' | 'exclude' | 'reason'> = { command: entry.command, select: entry.select, exclude: entry.exclude, reason };
  return run;
}
