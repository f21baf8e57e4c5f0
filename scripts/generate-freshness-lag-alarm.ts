/**
 * Writes serverless/freshness-lag.resources.yml: the CloudWatch alarm on the p95 freshness lag, its threshold from
 * `freshness_lag.alarm_p95_minutes` of the project's landfall.yml (default 10 min; src/freshness-lag/lag-settings.ts).
 *   npx tsx scripts/generate-freshness-lag-alarm.ts [projectDir=dbt] [out=serverless/freshness-lag.resources.yml]
 */
import fs from 'node:fs';
import path from 'node:path';
import * as yaml from 'js-yaml';
import { freshnessLagAlarmYaml } from '../src/freshness-lag/alarm-resources';
import { FreshnessLagSettingsSchema } from '../src/freshness-lag/lag-settings';

const root = path.resolve(__dirname, '..');
const projectDir = path.resolve(root, process.argv[2] ?? 'dbt');
const outFile = path.resolve(root, process.argv[3] ?? 'serverless/freshness-lag.resources.yml');
const settingsFile = path.join(projectDir, 'landfall.yml');
const raw = fs.existsSync(settingsFile) ? ((yaml.load(fs.readFileSync(settingsFile, 'utf8')) ?? {}) as { freshness_lag?: unknown }) : {};
const parsed = FreshnessLagSettingsSchema.safeParse(raw.freshness_lag ?? {});
if (!parsed.success) {
  process.stderr.write(`${path.relative(process.cwd(), settingsFile)}: ${parsed.error.issues.map((i) => `freshness_lag.${i.path.join('.')}: ${i.message}`).join('; ')}\n`);
  process.exit(1);
}
fs.writeFileSync(outFile, freshnessLagAlarmYaml(parsed.data, path.relative(root, settingsFile)));
process.stdout.write(`Wrote ${path.relative(process.cwd(), outFile)} (alarm above p95 ${parsed.data.alarm_p95_minutes} min)\n`);
