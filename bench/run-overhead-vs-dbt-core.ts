/**
 * Orchestration overhead per model: `landfall run` vs `dbt run` (dbt-core + dbt-postgres in .venv-dbt) on the
 * same PostgreSQL server, for N trivial view models. Overhead = the command's wall time minus the time of the
 * same view DDL replayed in a tight loop on one connection (the baseline, measured in the same run).
 *
 * Needs: `bash scripts/start-postgres.sh` (127.0.0.1:54329) and `bash scripts/setup-dbt-core.sh`.
 * Usage: npx tsx bench/run-overhead-vs-dbt-core.ts [--models 200] [--runs 3]  → bench/RESULTS-run-overhead.md
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';

const args = process.argv.slice(2);
const flag = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const models = flag('models', 200);
const runs = flag('runs', 3);
const repo = path.resolve(__dirname, '..');
const dbt = path.join(repo, '.venv-dbt', 'bin', 'dbt');
const url = process.env.LANDFALL_BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:54329/landfall';

function generate(dir: string): void {
  fs.mkdirSync(path.join(dir, 'models'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'dbt_project.yml'), 'name: overhead\nversion: "1.0.0"\nprofile: overhead\nmodels:\n  overhead:\n    +materialized: view\n');
  const u = new URL(url);
  fs.writeFileSync(path.join(dir, 'profiles.yml'), `overhead:\n  target: local\n  outputs:\n    local:\n      type: postgres\n      host: ${u.hostname}\n      port: ${u.port}\n      user: ${u.username}\n      password: "${u.password}"\n      dbname: ${u.pathname.slice(1)}\n      schema: dbt_overhead\n      threads: 4\n`);
  for (let i = 0; i < models; i++) fs.writeFileSync(path.join(dir, 'models', `m_${i}.sql`), `select ${i} as id\n`);
}

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
}

function wall(command: string, argv: string[], env: NodeJS.ProcessEnv = {}): number {
  const started = performance.now();
  execFileSync(command, argv, { stdio: 'ignore', env: { ...process.env, ...env } });
  return performance.now() - started;
}

async function replayBaseline(schema: string): Promise<number> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`create schema if not exists ${schema}`);
    const started = performance.now();
    for (let i = 0; i < models; i++) await client.query(`create or replace view ${schema}.m_${i} as (select ${i} as id)`);
    return performance.now() - started;
  } finally {
    await client.query(`drop schema if exists ${schema} cascade`);
    await client.end();
  }
}

async function main(): Promise<void> {
  if (!fs.existsSync(dbt)) throw new Error('dbt-core is not installed: run bash scripts/setup-dbt-core.sh');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'landfall-overhead-'));
  generate(dir);
  const baseline: number[] = [];
  const dbtTimes: number[] = [];
  const landfallTimes: number[] = [];
  for (let r = 0; r < runs; r++) {
    baseline.push(await replayBaseline('replay_overhead'));
    dbtTimes.push(wall(dbt, ['run', '--project-dir', dir, '--profiles-dir', dir, '--threads', '4'], { DBT_SEND_ANONYMOUS_USAGE_STATS: 'false' }));
    landfallTimes.push(wall(process.execPath, [path.join(repo, 'bin', 'landfall.js'), 'run', '--project-dir', dir, '--database-url', url, '--target-schema', 'lf_overhead', '--threads', '4', '--state-dir', path.join(dir, '.landfall')]));
  }
  const sql = median(baseline);
  const dbtMs = median(dbtTimes);
  const lfMs = median(landfallTimes);
  const per = (total: number) => (total - sql) / models;
  const version = execFileSync(dbt, ['--version'], { encoding: 'utf8' }).split('\n').find((l) => l.includes('installed'))?.trim() ?? '';
  const lines = [
    '# Orchestration overhead per model: landfall vs dbt-core',
    '',
    `Measured by \`npx tsx bench/run-overhead-vs-dbt-core.ts --models ${models} --runs ${runs}\` on ${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} cores (${os.cpus()[0]?.model.trim()}), Node ${process.version}, dbt-core ${version}, PostgreSQL at ${new URL(url).host}.`,
    `${models} trivial view models, \`--threads 4\` for both. Wall time of the whole command (process start, parse/compile, run), median of ${runs}.`,
    'Baseline: the same `create or replace view` statements replayed in a tight loop on one connection, in the same run.',
    '',
    '| | wall time | minus the SQL baseline | overhead per model |',
    '| --- | ---: | ---: | ---: |',
    `| SQL replay (baseline) | ${sql.toFixed(0)} ms | — | — |`,
    `| \`dbt run\` (dbt-core) | ${dbtMs.toFixed(0)} ms | ${(dbtMs - sql).toFixed(0)} ms | ${per(dbtMs).toFixed(2)} ms |`,
    `| \`landfall run\` | ${lfMs.toFixed(0)} ms | ${(lfMs - sql).toFixed(0)} ms | ${per(lfMs).toFixed(2)} ms |`,
    '',
    `**dbt-core overhead / landfall overhead: ${(per(dbtMs) / per(lfMs)).toFixed(1)}×** (goal ≥ 20×; goal < 2 ms per model for landfall: ${per(lfMs) < 2 ? 'met' : 'not met'}).`,
    '',
    'landfall\'s figure includes Node and tsx start-up (~1 s) and the local Data API hop (HTTP + JSON per statement); a rebuilt',
    'view is one `create or replace` through a helper that falls back to a staged swap when columns change.',
    '',
  ];
  fs.writeFileSync(path.join(repo, 'bench', 'RESULTS-run-overhead.md'), lines.join('\n'));
  process.stdout.write(lines.join('\n'));
  fs.rmSync(dir, { recursive: true, force: true });
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
