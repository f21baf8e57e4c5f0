/**
 * What a project without `landfall.yml` gets, as a plain object: the functions import this (not the zod schema or
 * js-yaml) so their bundles stay small; landfall-settings.ts checks that parsing `{}` gives the same.
 */
import type { LandfallSettings } from './landfall-settings';

export const DEFAULT_LANDFALL_SETTINGS: LandfallSettings = {
  schedules: [],
  alerts: { reminder_interval_hours: 24, digest_hour_utc: 8, suppression_interval_hours: 0, pii_columns: [], subscribers: [] },
};
