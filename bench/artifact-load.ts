/**
 * Artifact size and load time of the compiled project in a Lambda-like cold process.
 *
 * For a generated project of N models (bench/support/simple-models-project.ts) it measures:
 * - landfall: the manifest (`landfall compile`), raw and gzipped; the PlanRun function bundled the way
 *   `npm run package` bundles it (esbuild, minified, manifest embedded as Brotli-compressed JSON text); and, in a fresh Node
 *   process per sample, the time to require the bundle and to get the parsed manifest (what a cold start pays);
 * - dbt-core: `target/manifest.json` from `dbt parse`, raw and gzipped, and the time a fresh Python process takes
 *   to load it (`json.load`, the least dbt needs before it can plan a run).
 *
 * Usage: npx tsx bench/artifact-load.ts [--models 1000] [--runs 5] [--skip-dbt] [--json out.json]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import zlib from 'node:zlib';
import { buildSync } from 'esbuild';
import { compileManifest } from '../src/engine/project/compile-manifest';
import { readProjectFiles } from '../src/engine/project/project-files';
import { generateSimpleModelsProject, median, numberFlag, stringFlag } from './support/simple-models-project';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { embeddedManifest } = require('../esbuild.config.js') as { embeddedManifest: (manifestJson: string) => string };

const args = process.argv.slice(2);
const models = numberFlag(args, 'models', 1000);
const runs = numberFlag(args, 'runs', 5);
const skipDbt = args.includes('--skip-dbt');
const jsonOut = stringFlag(args, 'json');
const repo = path.resolve(__dirname, '..');
const dbtBin = path.join(repo, '.venv-dbt', 'bin', 'dbt');
const dbtPython = path.join(repo, '.venv-dbt', 'bin', 'python');

export interface ArtifactFigures {
  models: number;
  landfallManifestBytes: number;
  landfallManifestGzipBytes: number;
  landfallBundleBytes: number;
  /** Fresh Node process: require the bundle, then parse the embedded manifest (median of `runs`). */
  landfallRequireMs: number;
  landfallManifestParseMs: number;
  landfallProcessMs: number;
  dbtManifestBytes?: number;
  dbtManifestGzipBytes?: number;
  /** Fresh Python process: json.load of target/manifest.json (median of `runs`). */
  dbtManifestLoadMs?: number;
  dbtProcessMs?: number;
}

function timed<T>(fn: () => T): { value: T; ms: number } {
  const started = performance.now();
  const value = fn();
  return { value, ms: performance.now() - started };
}

function coldNodeLoad(bundle: string): { requireMs: number; parseMs: number; processMs: number } {
  const script = `const {performance}=require('perf_hooks');const a=performance.now();const m=require(${JSON.stringify(bundle)});const b=performance.now();` +
    `const manifest=m.loadCompiledManifest();const c=performance.now();if(!manifest.models)process.exit(3);console.log(JSON.stringify({requireMs:b-a,parseMs:c-b}))`;
  const { value, ms } = timed(() => spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', LANDFALL_MANIFEST_PATH: '' } }));
  if (value.status !== 0) throw new Error(`loading the bundle failed: ${value.stderr}`);
  return { ...(JSON.parse(value.stdout) as { requireMs: number; parseMs: number }), processMs: ms };
}

function coldPythonLoad(manifestFile: string): { loadMs: number; processMs: number } {
  const script = `import json,time;t=time.perf_counter();m=json.load(open(${JSON.stringify(manifestFile)}));print((time.perf_counter()-t)*1000)`;
  const { value, ms } = timed(() => execFileSync(dbtPython, ['-c', script], { encoding: 'utf8' }));
  return { loadMs: Number(value.trim()), processMs: ms };
}

export function measureArtifacts(): ArtifactFigures {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'landfall-artifact-'));
  try {
    generateSimpleModelsProject(dir, models);
    const manifest = compileManifest(readProjectFiles(dir), { target: { name: 'local', type: 'postgres', schema: 'bench', database: 'landfall' } });
    const manifestText = JSON.stringify(manifest);
    const entry = path.join(dir, 'plan-run-entry.ts');
    fs.writeFileSync(entry, `export { handler } from ${JSON.stringify(path.join(repo, 'functions/plan-run'))};\nexport { loadCompiledManifest } from ${JSON.stringify(path.join(repo, 'src/runtime/compiled-project'))};\n`);
    const bundle = path.join(dir, 'plan-run.js');
    buildSync({
      entryPoints: [entry], outfile: bundle, bundle: true, minify: true, platform: 'node', target: 'node20', logLevel: 'error',
      define: { LANDFALL_BUNDLED_MANIFEST_BROTLI: JSON.stringify(embeddedManifest(manifestText)) },
    });
    const loads = Array.from({ length: runs }, () => coldNodeLoad(bundle));
    const figures: ArtifactFigures = {
      models,
      landfallManifestBytes: Buffer.byteLength(manifestText),
      landfallManifestGzipBytes: zlib.gzipSync(manifestText).length,
      landfallBundleBytes: fs.statSync(bundle).size,
      landfallRequireMs: median(loads.map((l) => l.requireMs)),
      landfallManifestParseMs: median(loads.map((l) => l.parseMs)),
      landfallProcessMs: median(loads.map((l) => l.processMs)),
    };
    if (!skipDbt && fs.existsSync(dbtBin)) {
      execFileSync(dbtBin, ['parse', '--project-dir', dir, '--profiles-dir', dir, '--target-path', path.join(dir, 'target'), '--log-path', path.join(dir, 'logs')], {
        stdio: 'ignore', env: { ...process.env, DBT_SEND_ANONYMOUS_USAGE_STATS: 'false' },
      });
      const dbtManifest = path.join(dir, 'target', 'manifest.json');
      const text = fs.readFileSync(dbtManifest);
      const pyLoads = Array.from({ length: runs }, () => coldPythonLoad(dbtManifest));
      Object.assign(figures, {
        dbtManifestBytes: text.length,
        dbtManifestGzipBytes: zlib.gzipSync(text).length,
        dbtManifestLoadMs: median(pyLoads.map((l) => l.loadMs)),
        dbtProcessMs: median(pyLoads.map((l) => l.processMs)),
      });
    }
    return figures;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const figures = measureArtifacts();
  if (jsonOut) fs.writeFileSync(jsonOut, `${JSON.stringify(figures, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
}
