/**
 * Writes serverless/schedules.resources.yml (one EventBridge Scheduler schedule per distinct
 * `meta.landfall.dms.schedule` and per landfall.yml schedule) and serverless/alert-subscriptions.resources.yml
 * (landfall.yml's alert subscribers with their filter policies) from the compiled manifest. Run after `landfall compile`:
 *   npx tsx scripts/generate-schedules.ts [manifest=.landfall/aws/landfall-manifest.json] [out=serverless/schedules.resources.yml]
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Manifest } from '../src/engine';
import { scheduleResourcesYaml } from '../src/schedules/schedule-resources';
import { alertSubscriptionResourcesYaml } from '../src/alerts/alert-subscription-resources';
import type { ManifestWithAlerting } from '../src/alerts/alerting-facts';
import { DEFAULT_LANDFALL_SETTINGS } from '../src/schedules/default-settings';

const root = path.resolve(__dirname, '..');
const manifestFile = path.resolve(root, process.argv[2] ?? '.landfall/aws/landfall-manifest.json');
const outFile = path.resolve(root, process.argv[3] ?? 'serverless/schedules.resources.yml');
const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as Manifest;
fs.writeFileSync(outFile, scheduleResourcesYaml(manifest));
process.stdout.write(`Wrote ${path.relative(process.cwd(), outFile)}\n`);
const subscriptionsFile = path.join(path.dirname(outFile), 'alert-subscriptions.resources.yml');
fs.writeFileSync(subscriptionsFile, alertSubscriptionResourcesYaml((manifest as ManifestWithAlerting).alerting?.settings ?? DEFAULT_LANDFALL_SETTINGS));
process.stdout.write(`Wrote ${path.relative(process.cwd(), subscriptionsFile)}\n`);
