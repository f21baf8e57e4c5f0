/**
 * Orchestration overhead per model: `landfall run` vs `dbt run` (dbt-core + dbt-postgres in .venv-dbt) on the
 * same PostgreSQL server, for N trivial view models. Overhead = the command's wall time minus the time of the
 * same view DDL replayed in a tight loop on one connection (the baseline, measured in the same run).
 *
 * landfall is measured twice: as `landfall run --database-url …` starts by default (the CLI bundle, SQL straight
 * to the engine in-process on one connection per thread), and with `--via-data-api` (the AWS SDK client against
 * the local Data API endpoint over HTTP, as the pipeline runs). The CLI bundle is used as `npm ci` leaves it (rebuilt,
 * untimed, when src/ changed); a command that may have run from the sources instead is flagged.
 *
 * Needs: `bash scripts/start-postgres.sh` (127.0.0.1:54329) and, unless --skip-dbt, `bash scripts/setup-dbt-core.sh`.
 * Usage: npx tsx bench/run-overhead-vs-dbt-core.ts [--models 200] [--runs 3] [--skip-dbt] [--jinja] [--json results.json]
 *        → bench/RESULTS-run-overhead.md (only when dbt is measured, on plain-SQL models), or --out FILE
 * CI smoke: npx tsx bench/run-overhead-vs-dbt-core.ts --models 10 --runs 1 --skip-dbt
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { cliBundleIsFresh, rebuildCliBundleIfStale } from './support/cli-bundle';

const args = process.argv.slice(2);
const option = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const models = Number(option('models') ?? 200);
const runs = Number(option('runs') ?? 3);
const skipDbt = args.includes('--skip-dbt');
/** Models with Jinja (`select {{ var('base', 0) }} + <n> as id`) instead of plain SQL: the renderer's share. */
const jinja = args.includes('--jinja');
const jsonFile = option('json');
const repo = path.resolve(__dirname, '..');
const dbt = path.join(repo, '.venv-dbt', 'bin', 'dbt');
const landfallBin = path.join(repo, 'bin', 'landfall.js');
const url = process.env.LANDFALL_BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:54329/landfall';
const THREADS = 4;
const SCHEMAS = { replay: 'bench_overhead_replay', dbt: 'bench_overhead_dbt', landfall: 'bench_overhead_lf', landfallDataApi: 'bench_overhead_lf_api' };

function generate(dir: string): void {
  fs.mkdirSync(path.join(dir, 'models'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'dbt_project.yml'), 'name: overhead\nversion: "1.0.0"\nprofile: overhead\nmodels:\n  overhead:\n    +materialized: view\n');
  const u = new URL(url);
  fs.writeFileSync(path.join(dir, 'profiles.yml'), `overhead:\n  target: local\n  outputs:\n    local:\n      type: postgres\n      host: ${u.hostname}\n      port: ${u.port}\n      user: ${u.username}\n      password: "${u.password}"\n      dbname: ${u.pathname.slice(1)}\n      schema: ${SCHEMAS.dbt}\n      threads: ${THREADS}\n`);
  for (let i = 0; i < models; i++) fs.writeFileSync(path.join(dir, 'models', `m_${i}.sql`), jinja ? `select {{ var('base', 0) }} + ${i} as id\n` : `select ${i} as id\n`);
}

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
}

function wall(command: string, argv: string[], env: NodeJS.ProcessEnv = {}): number {
  return timed(command, argv, env).wallMs;
}

/** GNU time, for the CPU (user + sys) of a landfall command: steadier than its wall time on a shared machine. */
const GNU_TIME = fs.existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

/** Wall time of a command, and its CPU time (user + sys, all threads) when /usr/bin/time is there. */
function timed(command: string, argv: string[], env: NodeJS.ProcessEnv = {}): { wallMs: number; cpuMs: number | null } {
  const started = performance.now();
  const run = GNU_TIME
    ? spawnSync(GNU_TIME, ['-f', 'cpu %U %S', command, ...argv], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', env: { ...process.env, ...env } })
    : spawnSync(command, argv, { stdio: 'ignore', env: { ...process.env, ...env } });
  const wallMs = performance.now() - started;
  if (run.status !== 0) throw new Error(`${command} ${argv.join(' ')} failed (exit ${run.status}): ${String(run.stderr ?? '').slice(-2000)}`);
  const cpu = /^cpu ([\d.]+) ([\d.]+)$/m.exec(String(run.stderr ?? ''));
  return { wallMs, cpuMs: cpu ? (Number(cpu[1]) + Number(cpu[2])) * 1000 : null };
}

let ranFromSources = 0;

/**
 * One timed `landfall run` from the CLI bundle, as `npm ci` leaves it (built, V8 code cache warm); rebuilt
 * untimed first when src/ changed since it was built.
 */
function landfallRun(dir: string, schema: string, extra: string[]): { wallMs: number; cpuMs: number | null } {
  rebuildCliBundleIfStale();
  const times = timed(process.execPath, [landfallBin, 'run', '--project-dir', dir, '--database-url', url, '--target-schema', schema, '--threads', String(THREADS), '--state-dir', path.join(dir, '.landfall'), ...extra]);
  // Someone edited src/ meanwhile: bin/landfall.js may have started from the sources through tsx.
  if (!cliBundleIsFresh()) ranFromSources++;
  return times;
}

async function replayBaseline(): Promise<number> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`create schema if not exists ${SCHEMAS.replay}`);
    const started = performance.now();
    for (let i = 0; i < models; i++) await client.query(`create or replace view ${SCHEMAS.replay}.m_${i} as (select ${i} as id)`);
    return performance.now() - started;
  } finally {
    await client.query(`drop schema if exists ${SCHEMAS.replay} cascade`);
    await client.end();
  }
}

async function postgresVersion(): Promise<string> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return String((await client.query('show server_version')).rows[0].server_version);
  } finally {
    await client.end();
  }
}

async function dropBenchSchemas(): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    for (const schema of [SCHEMAS.dbt, SCHEMAS.landfall, SCHEMAS.landfallDataApi]) await client.query(`drop schema if exists ${schema} cascade`);
  } finally {
    await client.end();
  }
}

async function main(): Promise<void> {
  if (!skipDbt && !fs.existsSync(dbt)) throw new Error('dbt-core is not installed: run bash scripts/setup-dbt-core.sh (or pass --skip-dbt)');
  const loadBefore = os.loadavg()[0]!;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'landfall-overhead-'));
  generate(dir);
  const baseline: number[] = [];
  const dbtTimes: number[] = [];
  const landfallTimes: number[] = [];
  const dataApiTimes: number[] = [];
  const landfallCpu: (number | null)[] = [];
  const dataApiCpu: (number | null)[] = [];
  try {
    for (let r = 0; r < runs; r++) {
      baseline.push(await replayBaseline());
      if (!skipDbt) dbtTimes.push(wall(dbt, ['run', '--project-dir', dir, '--profiles-dir', dir, '--threads', String(THREADS)], { DBT_SEND_ANONYMOUS_USAGE_STATS: 'false' }));
      const inProcess = landfallRun(dir, SCHEMAS.landfall, []);
      landfallTimes.push(inProcess.wallMs);
      landfallCpu.push(inProcess.cpuMs);
      const viaDataApi = landfallRun(dir, SCHEMAS.landfallDataApi, ['--via-data-api']);
      dataApiTimes.push(viaDataApi.wallMs);
      dataApiCpu.push(viaDataApi.cpuMs);
    }
  } finally {
    await dropBenchSchemas();
    fs.rmSync(dir, { recursive: true, force: true });
  }

  const sqlReplayMs = median(baseline);
  const dbtMs = skipDbt ? null : median(dbtTimes);
  const landfallMs = median(landfallTimes);
  const landfallDataApiMs = median(dataApiTimes);
  const per = (total: number) => (total - sqlReplayMs) / models;
  const perModel = { dbt: dbtMs === null ? null : per(dbtMs), landfall: per(landfallMs), landfallDataApi: per(landfallDataApiMs) };
  // Issue 16 item 5's figure: what the SDK path (AWS SDK client → local Data API over HTTP) adds per model over the
  // in-process run, in wall time (the goal: ≤ 2 ms) and in CPU time (user + sys of the two commands, medians).
  const cpuMedian = (values: (number | null)[]) => (values.every((v): v is number => v !== null) && values.length > 0 ? median(values) : null);
  const cpuMs = { landfall: cpuMedian(landfallCpu), landfallDataApi: cpuMedian(dataApiCpu) };
  const sdkPathPerModel = {
    wallMs: (landfallDataApiMs - landfallMs) / models,
    cpuMs: cpuMs.landfall === null || cpuMs.landfallDataApi === null ? null : (cpuMs.landfallDataApi - cpuMs.landfall) / models,
  };
  const ratio = { landfall: perModel.dbt === null ? null : perModel.dbt / perModel.landfall, landfallDataApi: perModel.dbt === null ? null : perModel.dbt / perModel.landfallDataApi };
  const versions = {
    node: process.version,
    dbtCore: skipDbt ? null : (execFileSync(dbt, ['--version'], { encoding: 'utf8' }).split('\n').find((l) => l.includes('installed'))?.replace(/.*installed:\s*/, '').trim() ?? null),
    postgres: await postgresVersion(),
    landfall: (JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf8')) as { version: string }).version,
  };
  // Other work on the machine stretches every wall time here (the 1-minute load average, before and after).
  const loadAverage = [loadBefore, os.loadavg()[0]!].map((load) => Number(load.toFixed(2)));
  const result = { models, jinja, runs, threads: THREADS, loadAverage, sqlReplayMs, dbtMs, landfallMs, landfallDataApiMs, perModel, sdkPathPerModel, cpuMs, ratio, ranFromSources, versions, runsMs: { sqlReplay: baseline, dbt: dbtTimes, landfall: landfallTimes, landfallDataApi: dataApiTimes }, runsCpuMs: { landfall: landfallCpu, landfallDataApi: dataApiCpu } };
  if (jsonFile) fs.writeFileSync(jsonFile, `${JSON.stringify(result, null, 2)}\n`);

  const row = (label: string, ms: number) => `| ${label} | ${ms.toFixed(0)} ms | ${(ms - sqlReplayMs).toFixed(0)} ms | ${per(ms).toFixed(2)} ms |`;
  const lines = [
    '# Orchestration overhead per model: landfall vs dbt-core',
    '',
    `Measured by \`npx tsx bench/run-overhead-vs-dbt-core.ts --models ${models} --runs ${runs}${jinja ? ' --jinja' : ''}\` on ${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} cores (${os.cpus()[0]?.model.trim()}), Node ${process.version}, dbt-core ${versions.dbtCore ?? '(skipped)'}, PostgreSQL ${versions.postgres} at ${new URL(url).host}.`,
    `${models} trivial view models (\`${jinja ? "select {{ var('base', 0) }} + <n> as id" : 'select <n> as id'}\`), \`--threads ${THREADS}\` for all. Wall time of the whole command (process start, parse/compile, run), median of ${runs}; load average ${loadAverage.join(' → ')}.`,
    'Baseline: the same `create or replace view` statements replayed in a tight loop on one connection, in the same run.',
    '',
    '| | wall time | minus the SQL baseline | overhead per model |',
    '| --- | ---: | ---: | ---: |',
    `| SQL replay (baseline) | ${sqlReplayMs.toFixed(0)} ms | — | — |`,
    ...(dbtMs === null ? [] : [row('`dbt run` (dbt-core)', dbtMs)]),
    row('`landfall run` (default: CLI bundle, SQL in-process on 4 connections)', landfallMs),
    row('`landfall run --via-data-api` (AWS SDK client → local Data API over HTTP)', landfallDataApiMs),
    '',
    `The SDK path adds **${sdkPathPerModel.wallMs.toFixed(2)} ms per model** of wall time over the in-process run (issue 16 goal: ≤ 2 ms)${sdkPathPerModel.cpuMs === null ? '' : `, ${sdkPathPerModel.cpuMs.toFixed(2)} ms of CPU (user + sys: ${cpuMs.landfall!.toFixed(0)} → ${cpuMs.landfallDataApi!.toFixed(0)} ms per command, medians)`}.`,
    '',
    ...(ratio.landfall === null ? [] : [
      `**dbt-core overhead / landfall overhead: ${ratio.landfall.toFixed(1)}×** (goal ≥ 20×); landfall ${perModel.landfall.toFixed(2)} ms per model (goal < 2 ms: ${perModel.landfall < 2 ? 'met' : 'not met'}).`,
      `Through the Data API endpoint: ${ratio.landfallDataApi!.toFixed(1)}×, ${perModel.landfallDataApi.toFixed(2)} ms per model.`,
      '',
    ]),
    'landfall\'s figures include Node\'s start and loading the CLI bundle (dist/cli/landfall.cjs and its V8 code cache, built by',
    '`npm ci`; without it, or when src/ is newer, the CLI runs through tsx and starts ~1 s slower). By default `landfall run` sends SQL straight to the',
    'statement store behind the local Data API (same limits, Redshift rewrites and statement lifecycle) on one PostgreSQL',
    'connection per thread, and wakes when a statement ends; `--via-data-api` adds the SDK client and an HTTP round trip per',
    'submit and describe (one DescribeStatement long poll per statement). Plain-SQL models (as here) skip the Jinja renderer; `--jinja` puts a `{{ var() }}` in every',
    'model to measure the renderer\'s share (parse-time and run-time rendering: several ms per model on this machine).',
    ...(ranFromSources ? ['', `Warning: ${ranFromSources} landfall command(s) may have run from the sources (src/ changed during the benchmark).`] : []),
    '',
  ];
  const out = option('out') ?? (!skipDbt && !jinja ? path.join(repo, 'bench', 'RESULTS-run-overhead.md') : undefined);
  if (out) fs.writeFileSync(out, lines.join('\n'));
  process.stdout.write(lines.join('\n'));
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
