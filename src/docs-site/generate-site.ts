/**
 * `landfall docs generate`'s site step: reads dbt's artifacts from the project's target folder (manifest.json,
 * catalog.json, sources.json, run_results.json) and the run history, builds the site data and writes the site
 * (a folder, by default the target folder as dbt does, or one self-contained HTML file).
 *
 * Run history read here: every `run_results.json` the pipeline keeps (`history/runs/<execution>/run_results.json`
 * in the run-state bucket, which locally is a folder of the local S3 endpoint — src/artifacts/README.md), and each
 * CLI build's `target/run_results.json`, copied into `<state dir>/docs-runs/` the first time the site sees it so
 * older builds stay in the history.
 */
import fs from 'node:fs';
import path from 'node:path';
import { buildSiteData, type CatalogV1, type ManifestV12, type SiteData, type SourcesV3 } from './build-site-data';
import { runRecordFromRunResults, type RunResultsV6 } from './run-records';
import type { PartitionSummary, RunRecord } from './site-data';
import { writeSiteFile, writeSiteFolder } from './write-site';

export const LOCAL_RUN_STATE_BUCKET = 'landfall-local-run-state';

export interface GenerateSiteOptions {
  /** The folder with manifest.json (and catalog.json, sources.json, run_results.json when present). */
  targetDir: string;
  /** targetDir's manifest.json when the caller has it in memory (`docs generate` just wrote it). */
  manifest?: ManifestV12;
  /** landfall's state folder: local S3 (`s3/`) and the CLI runs kept for the history. */
  stateDir?: string;
  /** Site folder (default: targetDir), or the HTML file in single-file mode (default: targetDir/landfall-docs.html). */
  out?: string;
  singleFile?: boolean;
  partitions?: PartitionSummary[];
  /** Extra runs (e.g. with failing rows fetched by the caller). */
  runs?: RunRecord[];
}

export interface GeneratedSite {
  out: string;
  files: number;
  bytes: number;
  nodes: number;
  runs: number;
  site: SiteData;
}

function readJson<T>(file: string): T | undefined {
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as T) : undefined;
}

/** Run results of pipeline runs (local S3 history) and of CLI builds, oldest first. */
export function collectRunResults(targetDir: string, stateDir?: string): RunResultsV6[] {
  const found: RunResultsV6[] = [];
  if (stateDir) {
    const history = path.join(stateDir, 's3', LOCAL_RUN_STATE_BUCKET, 'history', 'runs');
    if (fs.existsSync(history)) {
      for (const execution of fs.readdirSync(history)) {
        const results = readJson<RunResultsV6>(path.join(history, execution, 'run_results.json'));
        if (results) found.push(results);
      }
    }
    const kept = path.join(stateDir, 'docs-runs');
    const latest = path.join(targetDir, 'run_results.json');
    const current = readJson<RunResultsV6>(latest);
    if (current?.metadata?.invocation_id) {
      fs.mkdirSync(kept, { recursive: true });
      const copy = path.join(kept, `${current.metadata.invocation_id.replace(/[^\w.-]/g, '_')}.json`);
      if (!fs.existsSync(copy)) fs.copyFileSync(latest, copy);
    }
    if (fs.existsSync(kept)) for (const file of fs.readdirSync(kept)) if (file.endsWith('.json') && !file.endsWith('.record.json') && file !== 'partitions.json') found.push(readJson<RunResultsV6>(path.join(kept, file))!);
  } else {
    const current = readJson<RunResultsV6>(path.join(targetDir, 'run_results.json'));
    if (current) found.push(current);
  }
  return found;
}

export function generateSite(options: GenerateSiteOptions): GeneratedSite {
  const manifestFile = path.join(options.targetDir, 'manifest.json');
  const manifest = options.manifest ?? readJson<ManifestV12>(manifestFile);
  if (!manifest) throw new Error(`no ${manifestFile}: run 'landfall docs generate' (or compile) first`);
  const byId = new Map<string, RunRecord>();
  for (const results of collectRunResults(options.targetDir, options.stateDir)) {
    const record = runRecordFromRunResults(results);
    byId.set(record.id, record);
  }
  // Records a caller completed (failing rows) are kept beside the CLI runs, so a rebuild by `serve` keeps them.
  const kept = options.stateDir && path.join(options.stateDir, 'docs-runs');
  for (const run of options.runs ?? []) {
    if (kept) {
      fs.mkdirSync(kept, { recursive: true });
      fs.writeFileSync(path.join(kept, `${run.id.replace(/[^\w.-]/g, '_')}.record.json`), JSON.stringify(run));
    } else byId.set(run.id, run);
  }
  if (kept && fs.existsSync(kept)) {
    for (const file of fs.readdirSync(kept)) if (file.endsWith('.record.json')) { const run = readJson<RunRecord>(path.join(kept, file))!; byId.set(run.id, run); }
  }
  // Partition months need the warehouse: kept from the last `docs generate` for rebuilds by `serve`.
  const partitionsFile = options.stateDir && path.join(options.stateDir, 'docs-runs', 'partitions.json');
  if (partitionsFile && options.partitions) {
    fs.mkdirSync(path.dirname(partitionsFile), { recursive: true });
    fs.writeFileSync(partitionsFile, JSON.stringify(options.partitions));
  }
  const partitions = options.partitions ?? (partitionsFile ? readJson<PartitionSummary[]>(partitionsFile) : undefined);
  const site = buildSiteData({
    manifest,
    catalog: readJson<CatalogV1>(path.join(options.targetDir, 'catalog.json')),
    sources: readJson<SourcesV3>(path.join(options.targetDir, 'sources.json')),
    partitions,
    runs: [...byId.values()],
  });
  const out = options.out ?? (options.singleFile ? path.join(options.targetDir, 'landfall-docs.html') : options.targetDir);
  const written = options.singleFile ? writeSiteFile(site, out) : writeSiteFolder(site, out);
  const nodes = (JSON.parse(site.files.get('data/index.json')!) as { ids: string[] }).ids.length;
  return { out, ...written, nodes, runs: byId.size, site };
}
