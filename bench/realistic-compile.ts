/**
 * Compile of a realistic generated project (bench/support/realistic-project.ts: staging views over sources, marts with
 * macro calls, `{% for %}` loops, `is_incremental()`, YAML docs, 3 tests per model, dbt_utils as a local package):
 * `landfall compile` vs `dbt parse`, both measured as **whole processes** (the number a user feels), in paired runs
 * (landfall then dbt, alternating which goes first) on one machine, with each process's CPU time (user + sys, from
 * /usr/bin/time) beside its wall time: on a loaded machine CPU time is the steadier figure.
 *
 * Measures, per size:
 * - cold: `landfall compile --no-partial-parse` vs `dbt parse --no-partial-parse` (paired, median of --runs);
 * - recompile after touching one model: `landfall compile` (partial-parse cache on disk) vs `dbt parse` (its partial
 *   parsing), whole process, median of --runs edits;
 * - in-process: compileManifest on the files already read, first call in this process and warm (median).
 *
 * The CLI runs as users run it: `node bin/landfall.js`, which loads the esbuild bundle with its V8 code cache; the
 * bundle is rebuilt first (`node scripts/build-cli.js`) whenever it is older than src/, so tsx never runs here.
 *
 * Usage: npx tsx bench/realistic-compile.ts [--models 1000,2000,10000] [--runs 3] [--skip-dbt] [--skip-warmup] [--json FILE] [--out FILE]
 * Writes bench/RESULTS-realistic-compile.md unless --skip-dbt or --out; `--models 20 --runs 1 --skip-dbt` is the CI smoke.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { compileManifest } from '../src/engine/project/compile-manifest';
import { readProjectFiles } from '../src/engine/project/project-files';
import type { Target } from '../src/engine/target';
import { rebuildCliBundleIfStale } from './support/cli-bundle';
import { generateRealisticProject, realisticModelFile, realisticProjectShape } from './support/realistic-project';
import { median, stringFlag } from './support/simple-models-project';

const args = process.argv.slice(2);
const sizes = (stringFlag(args, 'models') ?? '1000,2000').split(',').map(Number);
const runs = Number(stringFlag(args, 'runs') ?? 3);
const skipDbt = args.includes('--skip-dbt');
const jsonFile = stringFlag(args, 'json');
const outFile = stringFlag(args, 'out') ?? (skipDbt ? undefined : path.join(__dirname, 'RESULTS-realistic-compile.md'));
const repo = path.resolve(__dirname, '..');
const dbtBin = path.join(repo, '.venv-dbt/bin/dbt');
const haveDbt = !skipDbt && fs.existsSync(dbtBin);
const target: Target = { name: 'local', type: 'postgres', schema: 'bench', database: 'landfall' };

interface ProcessTime { wallMs: number; cpuMs: number }
interface SizeFigures {
  models: number;
  tests: number;
  landfallCold: ProcessTime;
  landfallRecompile: ProcessTime;
  inProcessFirstMs: number;
  inProcessWarmMs: number;
  dbtParse?: ProcessTime;
  dbtRecompile?: ProcessTime;
  pairs: { landfall: ProcessTime; dbt?: ProcessTime }[];
}

/** Runs a whole process under /usr/bin/time: wall time measured here, CPU time (user + sys) as the kernel counted it. */
function timeProcess(command: string, commandArgs: string[], env: NodeJS.ProcessEnv = process.env): ProcessTime {
  const timeFile = path.join(os.tmpdir(), `landfall-bench-time-${process.pid}`);
  const started = performance.now();
  execFileSync('/usr/bin/time', ['-f', '%U %S', '-o', timeFile, command, ...commandArgs], { stdio: 'ignore', env });
  const wallMs = performance.now() - started;
  const [user, sys] = fs.readFileSync(timeFile, 'utf8').trim().split('\n').pop()!.split(' ').map(Number);
  return { wallMs, cpuMs: (user! + sys!) * 1000 };
}

let bundleBuilt = false;
function landfallCompile(dir: string, partialParse: boolean): ProcessTime {
  // The bundle of src/ as it is when the benchmark starts: LANDFALL_CLI_BUNDLE keeps bin/landfall.js on it even when
  // another engineer edits src/ meanwhile (it would otherwise fall back to tsx, which is not what users run).
  if (!bundleBuilt) rebuildCliBundleIfStale();
  bundleBuilt = true;
  return timeProcess(process.execPath, [path.join(repo, 'bin/landfall.js'), 'compile', '--project-dir', dir, '--profiles-dir', dir,
    '--state-dir', path.join(dir, '.landfall'), ...(partialParse ? [] : ['--no-partial-parse'])], { ...process.env, LANDFALL_CLI_BUNDLE: '1' });
}

function dbtParse(dir: string, partialParse: boolean): ProcessTime {
  return timeProcess(dbtBin, ['parse', ...(partialParse ? [] : ['--no-partial-parse']), '--project-dir', dir, '--profiles-dir', dir,
    '--target-path', path.join(dir, 'target'), '--log-path', path.join(dir, 'logs')], { ...process.env, DBT_SEND_ANONYMOUS_USAGE_STATS: 'false' });
}

let edits = 0;
/** A real edit of one mart: a new comment line, so its content hash changes. */
function touchOneModel(dir: string): void {
  fs.appendFileSync(path.join(dir, realisticModelFile(5)), `-- edit ${edits++}\n`);
}

const medianOf = (times: ProcessTime[]): ProcessTime => ({ wallMs: median(times.map((t) => t.wallMs)), cpuMs: median(times.map((t) => t.cpuMs)) });

function measureSize(models: number): SizeFigures {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `landfall-realistic-${models}-`));
  generateRealisticProject(dir, models);
  process.stderr.write(`realistic project: ${models} models in ${dir}\n`);

  // In-process, before any child runs: the first compile in this process (Jinja runtime loads, JIT cold), then warm.
  const files = readProjectFiles(dir);
  const compileOnce = () => {
    const started = performance.now();
    const manifest = compileManifest(files, { target });
    if (Object.keys(manifest.models).length !== models) throw new Error(`landfall compiled ${Object.keys(manifest.models).length} models, expected ${models}`);
    return performance.now() - started;
  };
  const inProcessFirstMs = compileOnce();
  const inProcessWarmMs = median(Array.from({ length: Math.max(runs, 3) }, compileOnce));

  // One unmeasured run of each: the file cache, the CLI's V8 code cache and dbt's .pyc files are then warm for both.
  // (--skip-warmup: when dbt takes minutes a run on a busy machine; landfall's cold run then pays its code cache.)
  if (!args.includes('--skip-warmup')) {
    landfallCompile(dir, false);
    if (haveDbt) dbtParse(dir, false);
  }
  const pairs = Array.from({ length: runs }, (_, r) => {
    if (r % 2 === 1 && haveDbt) {
      const dbt = dbtParse(dir, false);
      return { landfall: landfallCompile(dir, false), dbt };
    }
    const landfall = landfallCompile(dir, false);
    return { landfall, ...(haveDbt ? { dbt: dbtParse(dir, false) } : {}) };
  });

  // Recompiles: landfall's cache on disk comes from a compile with partial parsing on; dbt's from the runs above.
  landfallCompile(dir, true);
  const landfallRecompiles = Array.from({ length: Math.max(runs, 3) }, () => {
    touchOneModel(dir);
    return landfallCompile(dir, true);
  });
  const dbtRecompiles = haveDbt ? Array.from({ length: runs }, () => {
    touchOneModel(dir);
    return dbtParse(dir, true);
  }) : [];
  fs.rmSync(dir, { recursive: true, force: true });

  const shape = realisticProjectShape(models);
  return {
    models,
    tests: shape.tests + shape.sourceTests,
    landfallCold: medianOf(pairs.map((p) => p.landfall)),
    landfallRecompile: medianOf(landfallRecompiles),
    inProcessFirstMs,
    inProcessWarmMs,
    ...(haveDbt ? { dbtParse: medianOf(pairs.map((p) => p.dbt!)), dbtRecompile: medianOf(dbtRecompiles) } : {}),
    pairs,
  };
}

function report(figures: SizeFigures[], loadAverage: [number, number]): string {
  const ms = (v: number | undefined) => (v === undefined ? 'n/a' : `${Math.round(v).toLocaleString('en-US')} ms`);
  const ratio = (dbt: number | undefined, ours: number) => (dbt === undefined ? 'n/a' : `${(dbt / ours).toFixed(1)}×`);
  const dbtVersion = haveDbt ? execFileSync(dbtBin, ['--version'], { encoding: 'utf8' }).split('\n').find((l) => l.includes('installed'))?.replace(/^.*installed:\s*/, '').trim() : 'not measured';
  const lines = [
    '# Realistic project: `landfall compile` vs `dbt parse`, whole process',
    '',
    `Generated by \`npx tsx bench/realistic-compile.ts --models ${sizes.join(',')} --runs ${runs}\` on ${new Date().toISOString().slice(0, 16)}Z.`,
    `Machine: ${os.cpus()[0]?.model ?? 'unknown CPU'} × ${os.cpus().length}, Node ${process.version}, dbt-core ${dbtVersion}; 1-min load average ${loadAverage.map((l) => l.toFixed(1)).join(' → ')} (other engineers share the machine: wall times are inflated, CPU times much less so).`,
    '',
    'Project (bench/support/realistic-project.ts): ¼ staging views (`{% for %}` over a `{% set %}` dict, `source()`), ¾ marts (view/table/incremental,',
    'project macro in a loop, `dbt_utils.generate_surrogate_key`, `dbt_utils.safe_divide`, `is_incremental()`), YAML docs with `doc()`,',
    '`unique` + `not_null` + `accepted_values` per model, a `not_null` per source table; dbt_utils as a `local:` package.',
    '',
    '| models (tests) | measure | landfall wall (CPU) | dbt-core wall (CPU) | ratio wall (CPU) |',
    '|---|---|---|---|---|',
  ];
  for (const f of figures) {
    lines.push(
      `| ${f.models.toLocaleString('en-US')} (${f.tests.toLocaleString('en-US')}) | cold, no partial parse, whole process (median of ${runs} pairs) | ${ms(f.landfallCold.wallMs)} (${ms(f.landfallCold.cpuMs)}) | ${ms(f.dbtParse?.wallMs)} (${ms(f.dbtParse?.cpuMs)}) | ${ratio(f.dbtParse?.wallMs, f.landfallCold.wallMs)} (${ratio(f.dbtParse?.cpuMs, f.landfallCold.cpuMs)}) |`,
      `| | recompile after touching one model, whole process | ${ms(f.landfallRecompile.wallMs)} (${ms(f.landfallRecompile.cpuMs)}) | ${ms(f.dbtRecompile?.wallMs)} (${ms(f.dbtRecompile?.cpuMs)}) | ${ratio(f.dbtRecompile?.wallMs, f.landfallRecompile.wallMs)} (${ratio(f.dbtRecompile?.cpuMs, f.landfallRecompile.cpuMs)}) |`,
      `| | in-process compileManifest: first in process / warm | ${ms(f.inProcessFirstMs)} / ${ms(f.inProcessWarmMs)} | — | ${ratio(f.dbtParse?.wallMs, f.inProcessWarmMs)} vs dbt whole process |`,
    );
  }
  lines.push('', 'Every pair (wall ms, landfall / dbt):', '');
  for (const f of figures) lines.push(`- ${f.models}: ${f.pairs.map((p) => `${Math.round(p.landfall.wallMs)} / ${p.dbt ? Math.round(p.dbt.wallMs) : '—'}`).join(', ')}`);
  return `${lines.join('\n')}\n`;
}

function main(): void {
  const loadBefore = os.loadavg()[0]!;
  const figures = sizes.map(measureSize);
  const text = report(figures, [loadBefore, os.loadavg()[0]!]);
  process.stdout.write(text);
  if (outFile) fs.writeFileSync(outFile, text);
  if (jsonFile) fs.writeFileSync(jsonFile, JSON.stringify({ figures, loadAverage: [loadBefore, os.loadavg()[0]] }, null, 2));
}

main();
