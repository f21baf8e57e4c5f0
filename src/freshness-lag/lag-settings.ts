/**
 * `freshness_lag:` in the project's landfall.yml (src/schedules/landfall-settings.ts parses the file):
 *
 * ```yaml
 * freshness_lag:
 *   alarm_p95_minutes: 10   # the alarm fires when the hour's p95 lag (landed → last model published) is above this
 *   alarm_period_minutes: 60
 * ```
 * Deployed as the CloudWatch alarm in serverless/freshness-lag.resources.yml (scripts/generate-freshness-lag-alarm.ts,
 * run by `npm run package`); the load simulator (bench/freshness-lag.ts) checks its p95 against the same number.
 */
import * as z from 'zod';

export const FreshnessLagSettingsSchema = z.strictObject({
  alarm_p95_minutes: z.number().positive().max(24 * 60).default(10),
  /** CloudWatch alarm periods are 10, 30 or a multiple of 60 seconds; whole minutes here, a multiple of 1 (60 s). */
  alarm_period_minutes: z.number().int().min(1).max(24 * 60).default(60),
});
export type FreshnessLagSettings = z.infer<typeof FreshnessLagSettingsSchema>;

export const DEFAULT_FRESHNESS_LAG_SETTINGS: FreshnessLagSettings = Object.freeze({ alarm_p95_minutes: 10, alarm_period_minutes: 60 });
