/**
 * `landfall.yml` beside `dbt_project.yml`: what landfall adds to a dbt project — schedules and alerting.
 *
 * A separate file rather than a `landfall:` key in dbt_project.yml: dbt-core (the yardstick this project is tested
 * against, and what a team may still run beside landfall) validates dbt_project.yml against its JSON schema and
 * warns about keys it does not know; a file of its own is never read by dbt, and can be owned and reviewed
 * separately (on-call settings change more often than the project's models). See docs/alerts.md.
 *
 * ```yaml
 * schedules:
 *   - name: daily-build
 *     command: build                 # build | test | freshness | rotate
 *     select: ["+fct_transfers_daily"]
 *     cron: "0 6 * * ? *"            # EventBridge Scheduler: cron(6 fields) or rate(...)
 *     timezone: Europe/Amsterdam
 * alerts:
 *   reminder_interval_hours: 24
 *   digest_hour_utc: 8
 *   pii_columns: ["*email*", "ip_address"]
 *   subscribers:
 *     - { email: data-team@example.com }
 *     - { email: finance@example.com, owners: [finance] }
 * ```
 */
import fs from 'node:fs';
import path from 'node:path';
import * as yaml from 'js-yaml';
import * as z from 'zod';
import { FreshnessLagSettingsSchema } from '../freshness-lag/lag-settings';

export const SETTINGS_FILE = 'landfall.yml';

const ScheduleSchema = z.strictObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'lowercase letters, digits and dashes, at most 40'),
  command: z.enum(['build', 'test', 'freshness', 'rotate']),
  select: z.array(z.string().min(1)).default([]),
  exclude: z.array(z.string().min(1)).default([]),
  /** EventBridge Scheduler's `cron(…)` fields, or a whole `rate(…)`/`cron(…)` expression. */
  cron: z.string().min(1),
  timezone: z.string().default('UTC'),
  enabled: z.boolean().default(true),
});
export type ProjectSchedule = z.infer<typeof ScheduleSchema>;

const SubscriberSchema = z.strictObject({
  email: z.string().regex(/^[^@\s]+@[^@\s]+\.[^@\s]+$/, 'an email address'),
  /** Receives alerts about nodes with one of these owners (meta.owner / meta.alert_emails). */
  owners: z.array(z.string().min(1)).optional(),
  /** …or with one of these tags. */
  tags: z.array(z.string().min(1)).optional(),
  /** Only these kinds of email (default all): alert, reminder, digest. */
  kinds: z.array(z.enum(['alert', 'reminder', 'digest'])).optional(),
});
export type AlertSubscriber = z.infer<typeof SubscriberSchema>;

const AlertsSchema = z.strictObject({
  reminder_interval_hours: z.number().positive().max(24 * 30).default(24),
  digest_hour_utc: z.number().int().min(0).max(23).default(8),
  /** Hours during which a node that resolved and fails again is not emailed again (default 0: always). */
  suppression_interval_hours: z.number().min(0).max(24 * 30).default(0),
  /** Column names (globs, `*` any characters, case-insensitive) masked in sample rows project-wide. */
  pii_columns: z.array(z.string().min(1)).default([]),
  /** Email subscriptions to the alert topic; without `owners`/`tags` a subscriber receives everything. */
  subscribers: z.array(SubscriberSchema).default([]),
  /** An AWS Chatbot-configured SNS topic ARN: the same alerts as Chatbot custom notifications (Slack, Teams). */
  chatbot_topic_arn: z.string().regex(/^arn:[^:]+:sns:[^:]+:\d{12}:[A-Za-z0-9_-]+$/, 'an SNS topic ARN').optional(),
  /** The run's page on the docs site; `{execution}` is replaced by the execution name. */
  run_page_url: z.string().url().optional(),
}).default({ reminder_interval_hours: 24, digest_hour_utc: 8, suppression_interval_hours: 0, pii_columns: [], subscribers: [] });
export type AlertSettings = z.infer<typeof AlertsSchema>;

/** How arrival runs are scheduled (docs/arrivals.md § 3); read through src/runtime/coalesce/arrival-settings.ts. */
const ArrivalsSchema = z.strictObject({
  /** `dag`: runs of disjoint parts of the DAG at the same time (default); `serial`: one arrival run at a time. */
  concurrency: z.enum(['dag', 'serial']).optional(),
  /** Arrival runs active at once in `dag` mode. */
  max_concurrent_runs: z.number().int().min(1).max(100).optional(),
});
export type ArrivalSettings = z.infer<typeof ArrivalsSchema>;

/** The warehouse as every run shares it (src/runtime/statement-slots.ts); a run's own concurrency is profiles.yml `threads`. */
const WarehouseSchema = z.strictObject({
  /** Statements in flight against the warehouse across all runs (Redshift admits a limited number at once). */
  max_statements_in_flight: z.number().int().min(1).max(500).optional(),
});
export type WarehouseSettings = z.infer<typeof WarehouseSchema>;

const SettingsSchema = z.strictObject({
  schedules: z.array(ScheduleSchema).default([]),
  alerts: AlertsSchema,
  arrivals: ArrivalsSchema.optional(),
  warehouse: WarehouseSchema.optional(),
  /** The freshness lag alarm's threshold (src/freshness-lag/lag-settings.ts; deployed by scripts/generate-freshness-lag-alarm.ts). */
  freshness_lag: FreshnessLagSettingsSchema.optional(),
});
export type LandfallSettings = z.infer<typeof SettingsSchema>;

export class InvalidSettingsError extends Error {
  constructor(readonly file: string, readonly issues: string[]) {
    super(`${file}: ${issues.join('; ')}`);
    this.name = 'InvalidSettingsError';
  }
}

/**
 * @example
 * parseLandfallSettings('schedules: [{name: daily, command: build, cron: "0 6 * * ? *"}]', 'dbt/landfall.yml')
 */
export function parseLandfallSettings(text: string, file: string): LandfallSettings {
  let raw: unknown;
  try {
    raw = yaml.load(text) ?? {};
  } catch (error) {
    throw new InvalidSettingsError(file, [(error as Error).message.split('\n')[0]!]);
  }
  const parsed = SettingsSchema.safeParse(raw);
  if (!parsed.success) throw new InvalidSettingsError(file, parsed.error.issues.map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`));
  const names = new Set<string>();
  for (const schedule of parsed.data.schedules) {
    if (names.has(schedule.name)) throw new InvalidSettingsError(file, [`schedules: the name '${schedule.name}' is used twice`]);
    names.add(schedule.name);
  }
  return parsed.data;
}

/** The project's `landfall.yml`, or the defaults (no schedules, alerts to the topic's subscribers) when it has none. */
export function readLandfallSettings(projectDir: string): LandfallSettings {
  const file = path.join(projectDir, SETTINGS_FILE);
  if (!fs.existsSync(file)) return parseLandfallSettings('{}', file);
  return parseLandfallSettings(fs.readFileSync(file, 'utf8'), file);
}
