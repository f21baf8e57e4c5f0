/**
 * The docs site's CLI glue (src/docs-site builds it): the site step of `landfall docs generate`, `landfall docs serve`,
 * and the site `landfall serve` starts beside the local stack.
 */
import path from 'node:path';
import fs from 'node:fs';
import { collectRunResults, generateSite, LOCAL_RUN_STATE_BUCKET } from '../docs-site/generate-site';
import type { ManifestV12 } from '../docs-site/build-site-data';
import { partitionSummaries } from '../docs-site/partition-months';
import { isPartitionedModel } from '../engine/materializations/partitioned/config';
import { addFailingRows, type SampleMask } from '../docs-site/failing-rows';
import { runRecordFromRunResults, type RunResultsV6 } from '../docs-site/run-records';
import type { PartitionSummary, RunRecord } from '../docs-site/site-data';
import { serveSite, type SiteServer } from '../docs-site/serve-site';
import { siteBuilderProcess } from '../docs-site/site-builder';
import { targetDir, writeTargetArtifacts } from '../artifacts/target-files';
import { commonOptions, compileFrom, openCliWarehouse, type CommonOptions } from './command-context';
import { generateDocsArtifacts, type DocsArtifacts } from './docs-command';
import { parseFlags, UsageError } from './options';

export interface SiteFlags {
  singleFile?: boolean;
  out?: string;
}

/**
 * Column names whose values a run page never shows (the alert emails' PII rules in src/alerts are richer: meta.pii,
 * pii tags; this is the floor for sample rows of local builds).
 */
const PII_NAME = /(^|_)(e?mail|email_address|phone|mobile|ssn|tax_id|passport|password|ip_address|first_name|last_name|full_name|address|birth_?date|dob)($|_)/i;
const maskByName: SampleMask = (_testId, sample) => {
  const masked = sample.columns.map((c) => PII_NAME.test(c));
  return { columns: sample.columns.map((c, i) => (masked[i] ? `${c} (masked)` : c)), rows: sample.rows.map((r) => r.map((v, i) => (masked[i] && v !== null ? '***' : v))) };
};

/**
 * What needs the warehouse: the last CLI build's run with the rows its failing tests return now, and the months (with
 * row counts) of partitioned models.
 */
async function warehouseFacts(options: CommonOptions, artifacts: Pick<DocsArtifacts, 'targetDir' | 'manifest'>): Promise<{ runs: RunRecord[]; partitions: PartitionSummary[] }> {
  const file = path.join(artifacts.targetDir, 'run_results.json');
  const latest = fs.existsSync(file) ? runRecordFromRunResults(JSON.parse(fs.readFileSync(file, 'utf8')) as RunResultsV6) : undefined;
  const history = collectRunResults(artifacts.targetDir, options.stateDir).map(runRecordFromRunResults);
  const hasPartitions = Object.values(artifacts.manifest.models).some(isPartitionedModel);
  if (!latest?.failures.length && !hasPartitions) return { runs: [], partitions: [] };
  const { warehouse, close } = await openCliWarehouse(options);
  try {
    const runs = latest?.failures.length ? [await addFailingRows(latest, artifacts.manifest, warehouse, maskByName)] : [];
    const partitions = hasPartitions ? await partitionSummaries(artifacts.manifest, warehouse, history) : [];
    return { runs, partitions };
  } finally {
    await close();
  }
}

/** Builds the site from the target folder `docs generate` just wrote; returns the line to print. */
export async function writeDocsSite(options: CommonOptions, artifacts: Pick<DocsArtifacts, 'targetDir' | 'manifest'> & Partial<Pick<DocsArtifacts, 'manifestArtifact'>>, flags: SiteFlags = {}): Promise<string> {
  const started = Date.now();
  const { runs, partitions } = await warehouseFacts(options, artifacts);
  const site = generateSite({ targetDir: artifacts.targetDir, manifest: artifacts.manifestArtifact as ManifestV12 | undefined, stateDir: options.stateDir, singleFile: flags.singleFile, out: flags.out && path.resolve(flags.out), runs, partitions });
  const where = flags.singleFile ? site.out : path.join(site.out, 'index.html');
  return `Docs site: ${site.nodes} nodes, ${site.runs} runs, ${site.files} files (${(site.bytes / 1e6).toFixed(1)} MB) in ${Date.now() - started} ms: ${path.relative(process.cwd(), where) || where}`;
}

/** What a running site is rebuilt from: the target folder's artifacts and the runs the local pipeline keeps. */
function watched(options: CommonOptions, target: string): string[] {
  return [
    ...['manifest.json', 'catalog.json', 'sources.json', 'run_results.json'].map((f) => path.join(target, f)),
    path.join(options.stateDir, 's3', LOCAL_RUN_STATE_BUCKET, 'history', 'runs'),
  ];
}

/** The CLI's entry (`bin/landfall.js`): two folders up from src/cli and from the bundle in dist/cli alike. */
const CLI_ENTRY = path.resolve(__dirname, '..', '..', 'bin', 'landfall.js');

/**
 * Serves the site, kept current: built (and rebuilt when target/ or a run changes) by `landfall docs build-site` in
 * a child process (src/docs-site/site-builder.ts), so the caller's event loop — `landfall serve`'s local stack —
 * never waits for a build. Resolves once the first build is served.
 */
export async function startDocsSite(
  options: CommonOptions, port = 0, onError?: (error: Error) => void, onRebuilt?: (ms: number) => void,
): Promise<SiteServer> {
  const target = targetDir(options.projectDir);
  const builder = siteBuilderProcess([
    CLI_ENTRY, 'docs', 'build-site', '--project-dir', options.projectDir, '--state-dir', options.stateDir,
    ...(options.targetSchema ? ['--target-schema', options.targetSchema] : []),
  ]);
  await builder.build();
  const server = await serveSite({
    dir: target, port, watch: watched(options, target), onError, pollMs: 2000,
    regenerate: async () => { onRebuilt?.(await builder.build()); },
  });
  return { url: server.url, close: async () => { builder.stop(); await server.close(); } };
}

/**
 * `landfall docs build-site`: the site from target/ (compiling first when it has no manifest.json) and the run history,
 * without reading the warehouse — what `serve` runs after each run. `docs generate` also fetches failing rows and
 * partition months; rebuilds keep the ones it fetched.
 */
export async function docsBuildSiteCommand(args: string[]): Promise<number> {
  const { values } = parseFlags(args, {});
  const options = commonOptions(values);
  const target = targetDir(options.projectDir);
  if (!fs.existsSync(path.join(target, 'manifest.json'))) {
    writeTargetArtifacts({ projectDir: options.projectDir, manifest: compileFrom(options), invocationId: `docs-${Date.now()}`, startedAt: new Date() });
  }
  const site = generateSite({ targetDir: target, stateDir: options.stateDir });
  process.stdout.write(`Docs site: ${site.nodes} nodes, ${site.runs} runs, ${site.files} files: ${path.join(site.out, 'index.html')}\n`);
  return 0;
}

/**
 * `landfall docs publish --bucket NAME [--prefix site/]`: docs generate (catalog from the configured warehouse), then
 * the static site uploaded to the docs bucket (the stack output DocsSiteBucketName), run files left to the pipeline.
 */
export async function docsPublishCommand(args: string[]): Promise<number> {
  const { values } = parseFlags(args, { bucket: { type: 'string' }, prefix: { type: 'string' }, 'empty-catalog': { type: 'boolean' }, vars: { type: 'string' } });
  const options = commonOptions(values);
  if (!values.bucket) throw new UsageError('docs publish needs --bucket NAME: the stack output DocsSiteBucketName (docs/deploying.md)');
  const { S3Client } = require('@aws-sdk/client-s3') as typeof import('@aws-sdk/client-s3');
  const { uploadSite } = require('../docs-site/publish/upload-site') as typeof import('../docs-site/publish/upload-site');
  const artifacts = await generateDocsArtifacts(options, { emptyCatalog: Boolean(values['empty-catalog']) });
  const dir = fs.mkdtempSync(path.join(require('node:os').tmpdir() as string, 'landfall-docs-publish-'));
  try {
    generateSite({ targetDir: artifacts.targetDir, out: dir });
    const prefix = String(values.prefix ?? 'site/').replace(/^\/+/, '').replace(/\/?$/, '/');
    const files = await uploadSite({ client: new S3Client({}), bucket: String(values.bucket), prefix }, dir);
    process.stdout.write(`Uploaded ${files.length} files to s3://${String(values.bucket)}/${prefix} (run pages are written by the pipeline after each run).\n`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return 0;
}

export async function docsServeCommand(args: string[]): Promise<number> {
  const { values } = parseFlags(args, { port: { type: 'string' }, vars: { type: 'string' } });
  const options = commonOptions(values);
  const port = values.port === undefined ? 8080 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be a port number (0–65535); got '${String(values.port)}'`);
  if (!fs.existsSync(path.join(targetDir(options.projectDir), 'manifest.json'))) await generateDocsArtifacts(options);
  const server = await startDocsSite(options, port, (error) => process.stderr.write(`docs site: could not rebuild: ${error.message}\n`));
  process.stdout.write(`Serving the docs site at ${server.url} (rebuilt when target/ or a run changes; Ctrl-C to stop)\n`);
  await new Promise<void>((resolve) => { process.once('SIGINT', resolve); process.once('SIGTERM', resolve); });
  await server.close();
  return 0;
}
