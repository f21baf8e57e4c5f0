/**
 * landfall vs dbt-core, every figure of the comparison in one run on one machine: runs the parse, run-overhead
 * and artifact benchmarks (each measures its dbt-core baseline in the same run) and writes bench/RESULTS.md
 * with a chart (bench/results-vs-dbt-core.svg).
 *
 * Needs real dbt-core (`bash scripts/setup-dbt-core.sh`) and PostgreSQL (`bash scripts/start-postgres.sh`).
 * Usage: npx tsx bench/compare-with-dbt-core.ts            full sizes (1,000 and 10,000 models; ~15 minutes)
 *        npx tsx bench/compare-with-dbt-core.ts --tiny     tiny sizes, results in a temp folder (CI keeps the scripts working)
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { renderChart, type ChartGroup } from './support/bar-chart';

const tiny = process.argv.includes('--tiny');
const repo = path.resolve(__dirname, '..');
const outDir = tiny ? fs.mkdtempSync(path.join(os.tmpdir(), 'landfall-bench-')) : __dirname;
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'landfall-bench-json-'));
const sizes = tiny ? { small: 20, large: 50, views: 10, runs: 1 } : { small: 1000, large: 10000, views: 200, runs: 3 };

type Figures = Record<string, unknown>;

function run(script: string, flags: (string | number)[]): Figures {
  const json = path.join(work, `${path.basename(script, '.ts')}-${flags.join('_').replace(/[^\w]+/g, '')}.json`);
  process.stderr.write(`→ ${script} ${flags.join(' ')}\n`);
  execFileSync(process.execPath, [path.join(repo, 'node_modules/tsx/dist/cli.mjs'), path.join(__dirname, script), ...flags.map(String), '--json', json, ...(tiny ? ['--out', path.join(outDir, `${path.basename(script, '.ts')}.md`)] : [])], {
    stdio: ['ignore', 'ignore', 'inherit'], cwd: repo,
  });
  return JSON.parse(fs.readFileSync(json, 'utf8')) as Figures;
}

/** A figure by its (dotted) key, e.g. `perModel.landfall`. */
const num = (f: Figures, key: string): number => {
  const value = key.split('.').reduce<unknown>((at, part) => (at as Record<string, unknown> | undefined)?.[part], f);
  if (typeof value !== 'number' || Number.isNaN(value)) throw new Error(`benchmark output has no number '${key}': ${JSON.stringify(f)}`);
  return value;
};
const ms = (value: number) => (value >= 100 ? `${Math.round(value).toLocaleString('en-US')} ms` : `${value.toFixed(value >= 10 ? 1 : 2)} ms`);
const kib = (bytes: number) => `${Math.round(bytes / 1024).toLocaleString('en-US')} KiB`;
const ratio = (baseline: number, ours: number) => `${(baseline / ours).toFixed(1)}×`;
const met = (ok: boolean) => (ok ? 'met' : '**not met**');

function main(): void {
  const parseSmall = run('parse-vs-dbt-core.ts', ['--models', sizes.small, '--runs', sizes.runs]);
  const parseLarge = run('parse-vs-dbt-core.ts', ['--models', sizes.large, '--runs', 1]);
  const realisticModels = tiny ? 20 : 2000;
  const realistic = run('realistic-compile.ts', ['--models', realisticModels, '--runs', sizes.runs]);
  const realisticCold = num(realistic, 'figures.0.landfallCold.wallMs');
  const realisticDbt = num(realistic, 'figures.0.dbtParse.wallMs');
  const realisticRecompile = num(realistic, 'figures.0.landfallRecompile.wallMs');
  const overhead = run('run-overhead-vs-dbt-core.ts', ['--models', sizes.views, '--runs', sizes.runs]);
  const latencyRun = run('run-latency.ts', tiny ? ['--models', 10, '--fast'] : ['--models', 120]);
  const artifactSmall = run('artifact-load.ts', ['--models', sizes.small, '--runs', 5]);
  const artifactLarge = run('artifact-load.ts', ['--models', sizes.large, '--runs', 5, '--skip-dbt']);

  const cold = num(parseSmall, 'landfallColdMs');
  const dbtParse = num(parseSmall, 'dbtParseMs');
  const coldLarge = num(parseLarge, 'landfallColdMs');
  const dbtParseLarge = num(parseLarge, 'dbtParseMs');
  const recompile = num(parseSmall, 'recompileMs');
  const views = num(overhead, 'models');
  const lfPer = num(overhead, 'perModel.landfall');
  const dbtPer = num(overhead, 'perModel.dbt');
  const dataApiPer = num(overhead, 'perModel.landfallDataApi');

  const lines = [
    '# landfall vs dbt-core',
    '',
    `Written by \`npx tsx bench/compare-with-dbt-core.ts\` on ${new Date().toISOString().slice(0, 10)}: ${os.cpus().length} × ${os.cpus()[0]?.model.trim() ?? 'CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, dbt-core ${String(parseSmall.dbtVersion)} with dbt-postgres, PostgreSQL at 127.0.0.1:54329.`,
    'Every baseline is measured in the same run. Projects have the shape of dbt-core\'s `01_2000_simple_models` performance project',
    '(bench/support/simple-models-project.ts): each model a `config(tags=…)` and one `ref`, `unique` + `not_null` on every model.',
    '',
    '| measure | landfall | dbt-core | ratio | goal |',
    '|---|---:|---:|---:|---|',
    `| cold compile, ${sizes.small.toLocaleString('en-US')} models (vs \`dbt parse --no-partial-parse\`) | ${ms(cold)} | ${ms(dbtParse)} | ${ratio(dbtParse, cold)} | ≥ 50×: ${met(dbtParse / cold >= 50)} |`,
    `| cold compile, ${sizes.large.toLocaleString('en-US')} models | ${ms(coldLarge)} | ${ms(dbtParseLarge)} | ${ratio(dbtParseLarge, coldLarge)} | < 2 s: ${met(coldLarge < 2000)} |`,
    `| realistic project, ${realisticModels.toLocaleString('en-US')} models (macros, loops, dbt_utils, 3 tests/model): \`landfall compile\` vs \`dbt parse --no-partial-parse\`, both whole process | ${ms(realisticCold)} | ${ms(realisticDbt)} | ${ratio(realisticDbt, realisticCold)} | ≥ 50×: ${met(realisticDbt / realisticCold >= 50)} |`,
    `| … recompile after touching one model, whole process | ${ms(realisticRecompile)} | ${ms(num(realistic, 'figures.0.dbtRecompile.wallMs'))} | ${ratio(num(realistic, 'figures.0.dbtRecompile.wallMs'), realisticRecompile)} | ≤ 150 ms: ${met(realisticRecompile <= 150)} |`,
    `| re-compile after one model file changes, ${sizes.small.toLocaleString('en-US')} models | ${ms(recompile)} | — | | < 50 ms: ${met(recompile < 50)} |`,
    `| orchestration overhead per model, ${views} views (run wall time − the same SQL replayed) | ${ms(lfPer)} | ${ms(dbtPer)} | ${ratio(dbtPer, lfPer)} | ≥ 20× and < 2 ms: ${met(dbtPer / lfPer >= 20 && lfPer < 2)} |`,
    `| … the same through the AWS SDK client and the local Data API endpoint over HTTP (\`--via-data-api\`) | ${ms(dataApiPer)} | ${ms(dbtPer)} | ${ratio(dbtPer, dataApiPer)} | (the production code path) |`,
    `| transform run of ${num(latencyRun, 'models')} models through the state machine, local Data API with Redshift latencies (bench/run-latency.ts): wall vs 1.2 × Σ statement time ÷ concurrency | ${ms(num(latencyRun, 'wallMs'))} | bound ${ms(num(latencyRun, 'boundMs'))} | ${(num(latencyRun, 'wallMs') / num(latencyRun, 'boundMs')).toFixed(2)} of the bound | ≤ 1.0 + a few s: ${met(num(latencyRun, 'wallMs') <= num(latencyRun, 'boundMs') + 5000)}; ${num(latencyRun, 'transitionsPerModel').toFixed(2)} transitions, ${num(latencyRun, 'callsPerModel').toFixed(1)} Data API calls, ${num(latencyRun, 'commitsPerModel').toFixed(2)} commits per model |`,
    `| compiled artifact, ${sizes.small.toLocaleString('en-US')} models (raw / gzip) | ${kib(num(artifactSmall, 'landfallManifestBytes'))} / ${kib(num(artifactSmall, 'landfallManifestGzipBytes'))} | ${kib(num(artifactSmall, 'dbtManifestBytes'))} / ${kib(num(artifactSmall, 'dbtManifestGzipBytes'))} (manifest.json) | ${ratio(num(artifactSmall, 'dbtManifestBytes'), num(artifactSmall, 'landfallManifestBytes'))} smaller | |`,
    `| artifact load in a cold process, ${sizes.small.toLocaleString('en-US')} models (Node: parse the manifest embedded in the PlanRun bundle; Python: \`json.load\` of manifest.json) | ${ms(num(artifactSmall, 'landfallManifestParseMs'))} | ${ms(num(artifactSmall, 'dbtManifestLoadMs'))} | ${ratio(num(artifactSmall, 'dbtManifestLoadMs'), num(artifactSmall, 'landfallManifestParseMs'))} | |`,
    '',
    '## Lambda-like cold start (fresh Node process, PlanRun bundled as `npm run package` does, manifest embedded)',
    '',
    '| models | manifest raw / gzip | bundle | require the bundle | parse the manifest | whole process |',
    '|---:|---:|---:|---:|---:|---:|',
    ...[artifactSmall, artifactLarge].map((a) => `| ${num(a, 'models').toLocaleString('en-US')} | ${kib(num(a, 'landfallManifestBytes'))} / ${kib(num(a, 'landfallManifestGzipBytes'))} | ${kib(num(a, 'landfallBundleBytes'))} | ${ms(num(a, 'landfallRequireMs'))} | ${ms(num(a, 'landfallManifestParseMs'))} | ${ms(num(a, 'landfallProcessMs'))} |`),
    '',
    '## How each figure is measured',
    '',
    `- **Compile**: \`bench/parse-vs-dbt-core.ts\` — landfall in-process from reading the files to a finished manifest (first compile in the process: the Jinja runtime is cold); dbt-core is the whole \`dbt parse --no-partial-parse\` process, Python start-up included (it is part of every dbt invocation). Re-compile: one model file edited, then the same entry point \`landfall compile\` uses, with its parse cache.`,
    `- **Run overhead**: \`bench/run-overhead-vs-dbt-core.ts\` — ${views} trivial view models, \`--threads 4\` for both, whole-command wall time (process start, compile, run) minus the same DDL replayed in a tight loop on one connection; median of ${sizes.runs}.`,
    '- **Artifact**: `bench/artifact-load.ts` — landfall\'s manifest vs dbt-core\'s `target/manifest.json` for the same project; load times are medians of 5 fresh processes.',
    '',
    'Per-benchmark details: [RESULTS-dbt-parse.md](RESULTS-dbt-parse.md), [RESULTS-run-overhead.md](RESULTS-run-overhead.md).',
    '',
    '![landfall vs dbt-core](results-vs-dbt-core.svg)',
  ];
  const groups: ChartGroup[] = [
    { label: `cold compile, ${sizes.small} models`, landfall: cold, dbt: dbtParse },
    { label: `cold compile, ${sizes.large} models`, landfall: coldLarge, dbt: dbtParseLarge },
    { label: `realistic compile, ${realisticModels} models, whole process`, landfall: realisticCold, dbt: realisticDbt },
    { label: `overhead per model, ${views} views`, landfall: lfPer, dbt: dbtPer },
    { label: `artifact load, ${sizes.small} models`, landfall: num(artifactSmall, 'landfallManifestParseMs'), dbt: num(artifactSmall, 'dbtManifestLoadMs') },
  ];
  fs.writeFileSync(path.join(outDir, 'results-vs-dbt-core.svg'), renderChart(groups));
  fs.writeFileSync(path.join(outDir, 'RESULTS.md'), `${lines.join('\n')}\n`);
  process.stdout.write(`${lines.join('\n')}\n\nwritten to ${path.join(outDir, 'RESULTS.md')}\n`);
  fs.rmSync(work, { recursive: true, force: true });
}

main();
