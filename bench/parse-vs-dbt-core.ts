/**
 * Parse/compile of a generated project: landfall (in this process) vs `dbt parse` (dbt-core in .venv-dbt),
 * measured in the same run on the same machine. The project has the shape of dbt-core's
 * `01_2000_simple_models` performance project: each model selects from a ref to an earlier one, with a
 * config() call and a schema.yml entry with two tests.
 *
 * Measures:
 * - cold: the first compile in this process, from reading the files to the finished manifest, no parse cache
 *   (like `dbt parse --no-partial-parse`);
 * - warm: the same again in the same process (median);
 * - recompile: after a real edit of one model file, `compileProject` with the partial-parse cache, as
 *   `landfall compile` runs it (in-process, the cache kept in memory; median of `--runs` edits);
 * - recompile, cross-process: the same in a new process that loads the cache from disk (time inside that
 *   process, and the whole process with Node and tsx start-up);
 * - dbt: `dbt parse --no-partial-parse` (median), and `dbt parse` with its partial parsing after one edit.
 *
 * Usage: npx tsx bench/parse-vs-dbt-core.ts [--models 1000] [--runs 3] [--skip-dbt] [--json figures.json] [--out results.md]
 * Writes the table to --out, else to bench/RESULTS-dbt-parse.md (1,000 models) or bench/RESULTS-dbt-parse-<models>.md
 * unless --skip-dbt; --json writes the figures (see Figures). `--models 50 --skip-dbt` is the CI smoke run.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { compileManifest } from '../src/engine/project/compile-manifest';
import { compileProject } from '../src/engine/project/compile-project';
import { PARTIAL_PARSE_FILE, PartialParseCache } from '../src/engine/project/partial-parse';
import { readProjectFiles } from '../src/engine/project/project-files';
import type { Target } from '../src/engine/target';
import { generateSimpleModelsProject, modelName } from './support/simple-models-project';

const args = process.argv.slice(2);
const option = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const modelCount = Number(option('models') ?? 1000);
const runs = Number(option('runs') ?? 3);
const recompileRuns = Math.max(runs, 10);
const skipDbt = args.includes('--skip-dbt');
const jsonFile = option('json');
const markdownFile = option('out') ?? (skipDbt ? undefined : path.join(__dirname, modelCount === 1000 ? 'RESULTS-dbt-parse.md' : `RESULTS-dbt-parse-${modelCount}.md`));
const repoRoot = path.resolve(__dirname, '..');
const dbtBin = path.join(repoRoot, '.venv-dbt/bin/dbt');
const target: Target = { name: 'local', type: 'postgres', schema: 'bench', database: 'landfall' };

/** What a run reports with `--json`. Times in milliseconds; dbt's are whole processes. */
interface Figures {
  models: number;
  tests: number;
  runs: number;
  landfallColdMs: number;
  /** CPU time of this process during the cold compile (all threads): less sensitive than wall time to other load. */
  landfallColdCpuMs: number;
  landfallWarmMs: number;
  /** The first `compileProject` with an empty parse cache (it parses everything and saves the cache). */
  landfallColdWithCacheMs: number;
  /** Median of `recompileRuns` edits. */
  recompileMs: number;
  recompileCpuMs: number;
  recompileRuns: number;
  recompileCrossProcessMs?: number;
  recompileCrossProcessWholeMs?: number;
  dbtParseMs?: number;
  dbtRecompileMs?: number;
  dbtVersion: string;
  machine: string;
  /** The 1-minute load average before and after the run: other work on the machine slows every figure. */
  loadAverage: [number, number];
  date: string;
}



/** A real edit of one model: a new comment line each time, so its content hash changes. */
function editOneModel(dir: string, edit: number): void {
  fs.appendFileSync(path.join(dir, 'models', `${modelName(1)}.sql`), `-- edit ${edit}\n`);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function timed(run: () => void): number {
  return timedWithCpu(run).wall;
}

/** Wall time, and the CPU time of this process (every thread, so the garbage collector's too). */
function timedWithCpu(run: () => void): { wall: number; cpu: number } {
  const startedCpu = process.cpuUsage();
  const started = performance.now();
  run();
  const wall = performance.now() - started;
  const cpu = process.cpuUsage(startedCpu);
  return { wall, cpu: (cpu.user + cpu.system) / 1000 };
}

function compileWithoutCache(dir: string): void {
  const manifest = compileManifest(readProjectFiles(dir), { target });
  if (Object.keys(manifest.models).length !== modelCount) throw new Error('landfall compiled the wrong number of models');
}

/** `landfall compile`'s path: compile with the partial-parse cache and write the manifest. */
function compileWithCache(dir: string, cache: PartialParseCache): void {
  compileProject(dir, target, path.join(dir, '.landfall', 'landfall-manifest.json'), {}, cache);
}

function cacheFile(dir: string): string {
  return path.join(dir, '.landfall', PARTIAL_PARSE_FILE);
}

/** In a new process (`--child-recompile DIR`): load the cache from disk, compile, print the time. */
function childRecompile(dir: string): void {
  const elapsed = timed(() => compileWithCache(dir, PartialParseCache.open(cacheFile(dir))));
  process.stdout.write(JSON.stringify({ elapsed }));
}

function timeCrossProcessRecompile(dir: string): { inside: number; whole: number } {
  const started = performance.now();
  // process.execArgv carries tsx's loader, so the child runs this file the way this process does.
  const output = execFileSync(process.execPath, [...process.execArgv, __filename, '--child-recompile', dir], { encoding: 'utf8' });
  const whole = performance.now() - started;
  return { inside: (JSON.parse(output) as { elapsed: number }).elapsed, whole };
}

function timeDbt(dir: string, partialParse: boolean): number {
  return timed(() => execFileSync(dbtBin, ['parse', ...(partialParse ? [] : ['--no-partial-parse']), '--project-dir', dir, '--profiles-dir', dir, '--target-path', path.join(dir, 'target'), '--log-path', path.join(dir, 'logs')], {
    stdio: 'ignore', env: { ...process.env, DBT_SEND_ANONYMOUS_USAGE_STATS: 'false' },
  }));
}

function measure(dir: string): Figures {
  const loadBefore = os.loadavg()[0]!;
  // The first compile in a process also loads and compiles the Jinja runtime and warms the JIT: the cold figure.
  const cold = timedWithCpu(() => compileWithoutCache(dir));
  const warm = Array.from({ length: runs }, () => timed(() => compileWithoutCache(dir)));

  const cache = PartialParseCache.open(cacheFile(dir));
  const landfallColdWithCacheMs = timed(() => compileWithCache(dir, cache));
  // Re-compiles are quick: take more samples than --runs, so that other load on the machine weighs less in the median.
  const recompiles = Array.from({ length: recompileRuns }, (_, edit) => {
    editOneModel(dir, edit);
    const elapsed = timedWithCpu(() => compileWithCache(dir, cache));
    if (cache.stats.parsed !== 1) throw new Error(`the recompile parsed ${cache.stats.parsed} files, expected 1`);
    return elapsed;
  });
  const crossProcess = Array.from({ length: runs }, (_, edit) => {
    editOneModel(dir, recompileRuns + edit);
    return timeCrossProcessRecompile(dir);
  });

  const haveDbt = !skipDbt && fs.existsSync(dbtBin);
  const dbtParse = haveDbt ? Array.from({ length: runs }, () => timeDbt(dir, false)) : [];
  let dbtRecompileMs: number | undefined;
  if (haveDbt) {
    // `dbt parse --no-partial-parse` still writes target/partial_parse.msgpack, which this run reuses.
    editOneModel(dir, recompileRuns + runs);
    dbtRecompileMs = timeDbt(dir, true);
  }
  const dbtVersion = haveDbt ? execFileSync(dbtBin, ['--version'], { encoding: 'utf8' }).split('\n').find((l) => l.includes('installed'))?.replace(/^.*installed:\s*/, '').trim() ?? '' : 'not measured';

  return {
    models: modelCount,
    tests: 2 * modelCount,
    runs,
    landfallColdMs: cold.wall,
    landfallColdCpuMs: cold.cpu,
    landfallWarmMs: median(warm),
    landfallColdWithCacheMs,
    recompileMs: median(recompiles.map((r) => r.wall)),
    recompileCpuMs: median(recompiles.map((r) => r.cpu)),
    recompileRuns,
    recompileCrossProcessMs: median(crossProcess.map((c) => c.inside)),
    recompileCrossProcessWholeMs: median(crossProcess.map((c) => c.whole)),
    ...(haveDbt ? { dbtParseMs: median(dbtParse), dbtRecompileMs } : {}),
    dbtVersion,
    machine: `${os.cpus()[0]?.model ?? 'unknown CPU'} × ${os.cpus().length}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`,
    loadAverage: [loadBefore, os.loadavg()[0]!],
    date: new Date().toISOString().slice(0, 10),
  };
}

function report(f: Figures): string {
  const fmt = (ms: number | undefined) => (ms === undefined ? 'n/a' : `${ms.toFixed(0)} ms`);
  const ratio = (dbt: number | undefined, landfall: number) => (dbt === undefined ? 'n/a' : `${(dbt / landfall).toFixed(1)}×`);
  return [
    '# Parse/compile: landfall vs dbt-core',
    '',
    `Generated by \`npx tsx bench/parse-vs-dbt-core.ts --models ${f.models} --runs ${f.runs}\` on ${f.date}.`,
    `Machine: ${f.machine}; dbt-core ${f.dbtVersion}; load average ${f.loadAverage.map((l) => l.toFixed(1)).join(' → ')} during the run.`,
    '',
    `Project: ${f.models} view models, each \`config(tags=…)\` + one \`ref\`, and a schema.yml with \`unique\` + \`not_null\` on every model (${f.tests} tests).`,
    '',
    '| measure | landfall | dbt-core (whole process) | ratio |',
    '|---|---|---|---|',
    `| cold compile, no parse cache (first in process; CPU ${fmt(f.landfallColdCpuMs)}) | ${fmt(f.landfallColdMs)} | ${fmt(f.dbtParseMs)} (\`dbt parse --no-partial-parse\`, median of ${f.runs}) | ${ratio(f.dbtParseMs, f.landfallColdMs)} |`,
    `| warm compile, no parse cache, same process (median of ${f.runs}) | ${fmt(f.landfallWarmMs)} | — | ${ratio(f.dbtParseMs, f.landfallWarmMs)} |`,
    `| first \`landfall compile\` path with an empty parse cache (parses all, writes manifest + cache) | ${fmt(f.landfallColdWithCacheMs)} | — | |`,
    `| re-compile after one model changes, in-process cache (\`compileProject\`, median of ${f.recompileRuns}; CPU ${fmt(f.recompileCpuMs)}) | ${fmt(f.recompileMs)} | ${fmt(f.dbtRecompileMs)} (\`dbt parse\`, partial parsing) | ${ratio(f.dbtRecompileMs, f.recompileMs)} |`,
    `| re-compile after one model changes, new process, cache loaded from disk (inside the process) | ${fmt(f.recompileCrossProcessMs)} | | |`,
    `| the same, whole process (Node + tsx start-up included) | ${fmt(f.recompileCrossProcessWholeMs)} | ${fmt(f.dbtRecompileMs)} | ${ratio(f.dbtRecompileMs, f.recompileCrossProcessWholeMs ?? NaN)} |`,
    '',
    'landfall figures are in-process unless marked (CPU: this process\'s CPU time, every thread, which other load on',
    'the machine inflates less than wall time); dbt figures include the Python start-up (~2 s), which is part',
    'of every dbt invocation. The re-compiles go through `compileProject` with the partial-parse cache, as',
    '`landfall compile` does: every file is stat-ed, the edited one is read and parsed again, the graph, configs',
    'and tests are linked afresh, and the manifest and the cache are written.',
  ].join('\n');
}

function main(): void {
  const child = option('child-recompile');
  if (child) return childRecompile(child);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'landfall-bench-'));
  try {
    generateSimpleModelsProject(dir, modelCount);
    const figures = measure(dir);
    const markdown = `${report(figures)}\n`;
    if (markdownFile) fs.writeFileSync(markdownFile, markdown);
    if (jsonFile) fs.writeFileSync(jsonFile, `${JSON.stringify(figures, null, 2)}\n`);
    process.stdout.write(markdown);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main();
