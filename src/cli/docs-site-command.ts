/**
 * The docs site's CLI glue (src/docs-site builds it): the site step of `landfall docs generate`, `landfall docs serve`,
 * and the site `landfall serve` starts beside the local stack.
 */
import path from 'node:path';
import fs from 'node:fs';
import { generateSite, LOCAL_RUN_STATE_BUCKET } from '../docs-site/generate-site';
import { serveSite, type SiteServer } from '../docs-site/serve-site';
import { targetDir, writeTargetArtifacts } from '../artifacts/target-files';
import { commonOptions, compileFrom, type CommonOptions } from './command-context';
import { generateDocsArtifacts, type DocsArtifacts } from './docs-command';
import { parseFlags, UsageError } from './options';

export interface SiteFlags {
  singleFile?: boolean;
  out?: string;
}

/** Builds the site from the target folder `docs generate` just wrote; returns the line to print. */
export function writeDocsSite(options: CommonOptions, artifacts: Pick<DocsArtifacts, 'targetDir'>, flags: SiteFlags = {}): string {
  const started = Date.now();
  const site = generateSite({ targetDir: artifacts.targetDir, stateDir: options.stateDir, singleFile: flags.singleFile, out: flags.out && path.resolve(flags.out) });
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

/** Generates the site (from the target folder, compiling first if it has no manifest) and serves it, kept current. */
export async function startDocsSite(options: CommonOptions, port = 0, onError?: (error: Error) => void): Promise<SiteServer> {
  const target = targetDir(options.projectDir);
  if (!fs.existsSync(path.join(target, 'manifest.json'))) {
    writeTargetArtifacts({ projectDir: options.projectDir, manifest: compileFrom(options), invocationId: `docs-${Date.now()}`, startedAt: new Date() });
  }
  const build = () => generateSite({ targetDir: target, stateDir: options.stateDir });
  build();
  return serveSite({ dir: target, port, watch: watched(options, target), regenerate: build, onError });
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
