/**
 * Writes the deployment files that depend on the project's S3 routes (src/deploy/s3-route-resources.ts):
 * events/rules/s3-object-created.json (the S3 rule's pattern, also used by the local bus) and
 * serverless/s3-routes.resources.yml (PutObject of load manifests in the routed buckets). Run after `landfall compile`:
 *   npx tsx scripts/generate-s3-routes.ts [manifest=.landfall/aws/landfall-manifest.json]
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Manifest } from '../src/engine';
import { s3ObjectCreatedPatternJson, s3RouteResourcesYaml } from '../src/deploy/s3-route-resources';
import { s3RoutesOf } from '../src/ingest/s3-routes';

const root = path.resolve(__dirname, '..');
const manifestFile = path.resolve(root, process.argv[2] ?? '.landfall/aws/landfall-manifest.json');
const routes = s3RoutesOf(JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as Manifest);
const outputs: [string, string][] = [
  ['events/rules/s3-object-created.json', s3ObjectCreatedPatternJson(routes)],
  ['serverless/s3-routes.resources.yml', s3RouteResourcesYaml(routes)],
];
for (const [file, text] of outputs) {
  fs.writeFileSync(path.join(root, file), text);
  process.stdout.write(`Wrote ${file} (${routes.length} S3 route${routes.length === 1 ? '' : 's'})\n`);
}
