/**
 * `landfall schedules ls [--json]`: every schedule the deployed stack runs, with its next fire time — landfall.yml's
 * schedules (in their time zones), the full-load-and-CDC DMS schedules (`meta.landfall.dms.schedule`) and the
 * built-in monthly partition rotation (serverless/partitions.resources.yml).
 */
import { formatTextTable } from '../alerts/text-table';
import { dmsSchedulesOf } from '../schedules/dms-schedules';
import { readLandfallSettings } from '../schedules/landfall-settings';
import { projectSchedulesOf } from '../schedules/project-schedules';
import { nextFireInZone, parseScheduleExpression } from '../schedules/schedule-expression';
import { commonOptions, compileFrom } from './command-context';
import { parseFlags, UsageError } from './options';

/** The rotation schedule serverless/partitions.resources.yml deploys. */
export const BUILT_IN_ROTATION = 'cron(0 3 1 * ? *)';

export interface ScheduleRow {
  name: string;
  what: string;
  expression: string;
  timezone: string;
  next: string | null;
  declaredIn: string;
}

/**
 * @example
 * scheduleRows('dbt', new Date()) // [{ name: 'daily-build', what: 'build (everything)', expression: 'cron(0 6 * * ? *)', … }]
 */
export function scheduleRows(options: ReturnType<typeof commonOptions>, now: Date): ScheduleRow[] {
  const settings = readLandfallSettings(options.projectDir);
  const rows: ScheduleRow[] = projectSchedulesOf(settings).map((s) => ({
    name: s.name,
    what: s.command === 'rotate' ? 'rotate partitions' : `${s.command} ${[...s.select, ...s.exclude.map((e) => `--exclude ${e}`)].join(' ') || '(everything)'}`,
    expression: s.schedule.expression,
    timezone: s.timezone,
    // A rate counts from the schedule's creation (unknown here): its next fire is shown from now.
    next: nextFireInZone(s.schedule, now, now, s.timezone)?.toISOString() ?? null,
    declaredIn: 'landfall.yml',
  }));
  const manifest = compileFrom(options);
  for (const dms of dmsSchedulesOf(manifest)) {
    rows.push({ name: `dms-${dms.schedule.expression}`, what: `build ${dms.select.join(' ')}`, expression: dms.schedule.expression, timezone: 'UTC', next: nextFireInZone(dms.schedule, now, now)?.toISOString() ?? null, declaredIn: 'meta.landfall.dms.schedule' });
  }
  rows.push({ name: 'rotate-partitions', what: 'rotate partitions', expression: BUILT_IN_ROTATION, timezone: 'UTC', next: nextFireInZone(parseScheduleExpression(BUILT_IN_ROTATION), now, now)?.toISOString() ?? null, declaredIn: 'serverless/partitions.resources.yml' });
  return rows;
}

export async function schedulesCommand(args: string[]): Promise<number> {
  const [subcommand, ...rest] = args;
  if (subcommand !== 'ls' && subcommand !== 'list') throw new UsageError(`unknown schedules subcommand '${subcommand ?? ''}' (known: ls)`);
  const { values } = parseFlags(rest, {});
  const options = commonOptions(values);
  const rows = scheduleRows(options, new Date());
  if (options.json) {
    process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return 0;
  }
  process.stdout.write(`${formatTextTable({ columns: ['name', 'runs', 'schedule', 'time zone', 'next fire (UTC)', 'declared in'], rows: rows.map((r) => [r.name, r.what, r.expression, r.timezone, r.next?.replace('T', ' ').slice(0, 16) ?? 'never', r.declaredIn]) }, { maxCellWidth: 60 })}\n`);
  return 0;
}
