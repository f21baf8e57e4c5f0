/**
 * Benchmark: the daily run of a monthly-partitioned fact table against an unpartitioned incremental
 * model and a full rebuild, with 1, 6, 12 and 24 months of history and the same daily arrival, on the
 * local engine (PGlite) through the same Data API client and scheduler the pipeline uses.
 *
 *   npx tsx bench/partitioned-daily-run.ts [--rows-per-day 1000] [--days 3] [--out bench/RESULTS-partitioned.md]
 *     [--database-url postgres://…]   (a PostgreSQL server instead of PGlite; its schemas raw, landfall and the
 *                                      models' schemas are dropped and recreated for each history size)
 *
 * Each history size gets a fresh in-memory PGlite. The source table has an index on created_at (standing
 * in for the landing table's sort key on Redshift), so reading a day of new rows costs the same at
 * every size and the numbers show what the materialization itself costs.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { compileManifest, readProjectFiles } from '../src/engine/compile';
import { dialects, summarizeRun, type Manifest } from '../src/engine';
import { runToCompletion } from '../src/cli/local-build';
import { connectLocalWarehouse } from '../src/local/local-warehouse';
import { openSqlEngine } from '../src/local/sql-engine/open-sql-engine';
import { openPGliteEngine, prepareTemplate, sharedTemplateDir } from '../src/local/sql-engine/pglite-engine';
import type { SqlEngine } from '../src/local/sql-engine/sql-engine';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const { values } = parseArgs({ options: { 'rows-per-day': { type: 'string' }, days: { type: 'string' }, out: { type: 'string' }, histories: { type: 'string' }, 'database-url': { type: 'string' } } });
const DATABASE_URL = values['database-url'];
const ROWS_PER_DAY = Number(values['rows-per-day'] ?? 1000);
const DAILY_RUNS = Number(values.days ?? 3);
const HISTORIES = (values.histories ?? '1,6,12,24').split(',').map(Number);
const OUT = values.out ?? path.join(__dirname, 'RESULTS-partitioned.md');
const TODAY = new Date('2026-11-10T00:00:00Z');
const DAY_MS = 86_400_000;

const PROJECT_FILES: Record<string, string> = {
  'dbt_project.yml': 'name: bench\nversion: "1.0.0"\nprofile: landfall\nmodel-paths: ["models"]\n',
  'models/_sources.yml': 'sources:\n  - name: app\n    schema: raw\n    tables:\n      - name: events\n',
  'models/fct_events_partitioned.sql': `{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='event_id',
    partition_by={'field': 'created_at', 'granularity': 'month'}, retention_months=36) }}
select event_id, user_id, amount, created_at from {{ source('app', 'events') }}
{% if is_incremental() %}where created_at >= '{{ var("window_start") }}' and created_at < '{{ var("window_end") }}'{% endif %}
`,
  'models/fct_events_unpartitioned.sql': `{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='event_id') }}
select event_id, user_id, amount, created_at from {{ source('app', 'events') }}
{% if is_incremental() %}where created_at > (select max(created_at) from {{ this }}){% endif %}
`,
  'models/_models.yml': ['fct_events_partitioned', 'fct_events_unpartitioned'].map((m) =>
    `  - name: ${m}\n    columns:\n      - name: event_id\n        data_tests: [unique, not_null]\n`).join('').replace(/^/, 'models:\n'),
};

function writeProject(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'landfall-bench-'));
  for (const [file, text] of Object.entries(PROJECT_FILES)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

interface Measure { ms: number; scanned: number; written: number }
interface Row { months: number; historyRows: number; partitioned: Measure; unpartitioned: Measure; rebuild: Measure; viewQueryMs: number; tableQueryMs: number }

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function tableStats(engine: SqlEngine): Promise<{ scanned: number; written: number }> {
  const { rows } = await engine.query(`select coalesce(sum(seq_tup_read + coalesce(idx_tup_fetch, 0)), 0), coalesce(sum(n_tup_ins + n_tup_del), 0) from pg_stat_all_tables where schemaname in ('raw', 'analytics') and relname not like '%lf_view%'`);
  return { scanned: Number(rows[0]![0]), written: Number(rows[0]![1]) };
}

async function measure(engine: SqlEngine, work: () => Promise<void>): Promise<Measure> {
  await engine.query('select pg_stat_clear_snapshot()');
  const before = await tableStats(engine);
  const started = performance.now();
  await work();
  const ms = performance.now() - started;
  await engine.query('select pg_stat_force_next_flush()').catch(() => undefined);
  await engine.query('select pg_stat_clear_snapshot()');
  const after = await tableStats(engine);
  return { ms, scanned: after.scanned - before.scanned, written: after.written - before.written };
}

async function insertDays(engine: SqlEngine, firstDay: Date, days: number, firstId: number): Promise<number> {
  const total = days * ROWS_PER_DAY;
  await engine.query(`insert into raw.events select ${firstId} + g, g % 5000, g % 100, timestamp '${firstDay.toISOString().slice(0, 10)}' + (g * (86400.0 * ${days} / ${total})) * interval '1 second' from generate_series(0, ${total - 1}) as g`);
  return firstId + total;
}

async function benchHistory(months: number, manifest: Manifest): Promise<Row> {
  const engine = DATABASE_URL
    ? await openSqlEngine({ url: DATABASE_URL })
    : await openPGliteEngine({ inMemory: true, template: await prepareTemplate(sharedTemplateDir()) });
  if (DATABASE_URL) {
    const schemas = new Set(['raw', 'landfall', ...Object.values(manifest.models).map((m) => m.relation.schema)]);
    for (const schema of schemas) await engine.query(`drop schema if exists "${schema}" cascade`);
  }
  const local = await connectLocalWarehouse(engine);
  const { warehouse } = local;
  const deps = { dialect: dialects.postgres, warehouse };
  let runs = 0;
  const run = async (select: string, startedAt: Date, extra: { vars?: Record<string, unknown>; fullRefresh?: boolean } = {}) => {
    const state = await runToCompletion(manifest, { runId: `bench-${months}-${++runs}`, command: 'build', select: [select], startedAt: startedAt.toISOString(), ...extra }, deps);
    if (summarizeRun(state).failed) throw new Error(`${select} failed: ${JSON.stringify(state.nodes.filter((n) => n.error).map((n) => n.error))}`);
  };
  try {
    await engine.query('create schema raw; create table raw.events (event_id bigint, user_id int, amount int, created_at timestamp); create index events_created_at on raw.events (created_at)');
    // History: `months` whole months before this one, plus this month up to today.
    const historyStart = new Date(Date.UTC(TODAY.getUTCFullYear(), TODAY.getUTCMonth() - months + 1, 1));
    const historyDays = Math.round((TODAY.getTime() - historyStart.getTime()) / DAY_MS);
    let nextId = await insertDays(engine, historyStart, historyDays, 0);
    await engine.query('analyze raw.events');
    const historyRows = nextId;
    await run('fct_events_partitioned', TODAY, { vars: { window_start: historyStart.toISOString(), window_end: TODAY.toISOString() } });
    await run('fct_events_unpartitioned', TODAY);

    const partitioned: Measure[] = [];
    const unpartitioned: Measure[] = [];
    // Day 0 warms up (module loading, JIT, the first PGlite queries) and is not counted.
    for (let day = 0; day <= DAILY_RUNS; day++) {
      const arrival = new Date(TODAY.getTime() + day * DAY_MS);
      nextId = await insertDays(engine, arrival, 1, nextId);
      const runAt = new Date(arrival.getTime() + DAY_MS);
      const p = await measure(engine, () => run('fct_events_partitioned', runAt));
      const u = await measure(engine, () => run('fct_events_unpartitioned', runAt));
      if (day > 0) {
        partitioned.push(p);
        unpartitioned.push(u);
      }
    }
    const rebuild = await measure(engine, () => run('fct_events_unpartitioned', new Date(TODAY.getTime() + (DAILY_RUNS + 2) * DAY_MS), { fullRefresh: true }));
    // CREATE TABLE AS is not counted as inserts, and the old table's counters go with it: count what it wrote.
    rebuild.written = Number((await engine.query('select count(*) from analytics.fct_events_unpartitioned')).rows[0]![0]);

    // One day's aggregate through the view (all branches) and on the single table.
    const day = new Date(TODAY.getTime() - 20 * DAY_MS).toISOString().slice(0, 10);
    const query = (relation: string) => `select count(*), sum(amount) from analytics.${relation} where created_at >= '${day}' and created_at < timestamp '${day}' + interval '1 day'`;
    const time = async (sql: string) => {
      const times: number[] = [];
      for (let i = 0; i < 7; i++) {
        const started = performance.now();
        await engine.query(sql);
        times.push(performance.now() - started);
      }
      return median(times);
    };
    const [viewResult, tableResult] = [await engine.query(query('fct_events_partitioned')), await engine.query(query('fct_events_unpartitioned'))];
    if (JSON.stringify(viewResult.rows) !== JSON.stringify(tableResult.rows)) throw new Error(`view and table disagree: ${JSON.stringify([viewResult.rows, tableResult.rows])}`);
    const viewQueryMs = await time(query('fct_events_partitioned'));
    const tableQueryMs = await time(query('fct_events_unpartitioned'));
    const pick = (ms: Measure[]) => ({ ms: median(ms.map((m) => m.ms)), scanned: median(ms.map((m) => m.scanned)), written: median(ms.map((m) => m.written)) });
    return { months, historyRows, partitioned: pick(partitioned), unpartitioned: pick(unpartitioned), rebuild, viewQueryMs, tableQueryMs };
  } finally {
    await local.close();
    await engine.close();
  }
}

function pgliteVersion(): string {
  const file = path.join(path.dirname(require.resolve('@electric-sql/pglite')), '..', 'package.json');
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string }).version;
}

function bar(value: number, max: number, width = 40): string {
  return '█'.repeat(Math.max(1, Math.round((value / max) * width)));
}

function report(rows: Row[], totalSeconds: number): string {
  const first = rows[0]!;
  const last = rows[rows.length - 1]!;
  const ratio = last.partitioned.ms / first.partitioned.ms;
  const fmt = (n: number) => n.toLocaleString('en-US');
  const lines = [
    '# Partitioned daily run: benchmark results',
    '',
    `Measured by \`npx tsx bench/partitioned-daily-run.ts${DATABASE_URL ? ' --database-url …' : ''}\` on ${new Date().toISOString().slice(0, 10)} (${DATABASE_URL ? 'PostgreSQL server' : `PGlite ${pgliteVersion()}`}, Node ${process.version}, ${os.cpus()[0]?.model ?? 'unknown CPU'}), in ${totalSeconds.toFixed(0)} s.`,
    `${fmt(ROWS_PER_DAY)} rows a day (~${fmt(ROWS_PER_DAY * 30)} a month); each daily arrival is one day of rows; daily times are the median of ${DAILY_RUNS} runs after one warm-up run.`,
    'Every run goes through the real pipeline: plan, prepare (catalog snapshot), the scheduler loop, the local Redshift Data API, the model\'s `unique` + `not_null` tests.',
    '"Scanned" and "written" come from PostgreSQL\'s counters (`pg_stat_all_tables`: rows read by sequential and index scans; rows inserted + deleted), which PGlite flushes lazily: read them as orders of magnitude. The full rebuild\'s "written" is the rows of the table it created.',
    '',
    '| history | rows | partitioned daily run | unpartitioned incremental | full rebuild | query via view (1 day) | query on one table |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map((r) => `| ${r.months} month${r.months > 1 ? 's' : ''} | ${fmt(r.historyRows)} | ${r.partitioned.ms.toFixed(0)} ms · scanned ${fmt(r.partitioned.scanned)} · written ${fmt(r.partitioned.written)} | ${r.unpartitioned.ms.toFixed(0)} ms · scanned ${fmt(r.unpartitioned.scanned)} · written ${fmt(r.unpartitioned.written)} | ${r.rebuild.ms.toFixed(0)} ms · written ${fmt(r.rebuild.written)} | ${r.viewQueryMs.toFixed(1)} ms | ${r.tableQueryMs.toFixed(1)} ms |`),
    '',
    `**t(${last.months} months) / t(${first.months} month) for the partitioned daily run: ${ratio.toFixed(2)}** (goal ≤ 1.25: ${ratio <= 1.25 ? 'met' : 'NOT met'}).`,
    `Unpartitioned incremental: ${(last.unpartitioned.ms / first.unpartitioned.ms).toFixed(2)}×; full rebuild: ${(last.rebuild.ms / first.rebuild.ms).toFixed(2)}×.`,
    `Query with a one-day filter through the ${last.months}-branch view vs the single table: ${last.viewQueryMs.toFixed(1)} ms vs ${last.tableQueryMs.toFixed(1)} ms (${((last.viewQueryMs / last.tableQueryMs - 1) * 100).toFixed(0)}%; goal within +10%).`,
    '',
    '```',
    'daily run time (ms)',
    ...rows.flatMap((r) => {
      const max = Math.max(...rows.map((x) => Math.max(x.partitioned.ms, x.unpartitioned.ms, x.rebuild.ms)));
      return [
        `${String(r.months).padStart(2)} mo  partitioned   ${bar(r.partitioned.ms, max)} ${r.partitioned.ms.toFixed(0)}`,
        `       unpartitioned ${bar(r.unpartitioned.ms, max)} ${r.unpartitioned.ms.toFixed(0)}`,
        `       full rebuild  ${bar(r.rebuild.ms, max)} ${r.rebuild.ms.toFixed(0)}`,
      ];
    }),
    '```',
    '',
  ];
  return lines.join('\n');
}

async function main(): Promise<void> {
  const started = performance.now();
  const dir = writeProject();
  const manifest = compileManifest(readProjectFiles(dir), { target: { name: 'bench', type: 'postgres', schema: 'analytics', database: 'dev' } });
  const rows: Row[] = [];
  for (const months of HISTORIES) {
    process.stdout.write(`history ${months} months … `);
    const row = await benchHistory(months, manifest);
    rows.push(row);
    process.stdout.write(`partitioned ${row.partitioned.ms.toFixed(0)} ms, unpartitioned ${row.unpartitioned.ms.toFixed(0)} ms, rebuild ${row.rebuild.ms.toFixed(0)} ms, view ${row.viewQueryMs.toFixed(1)} ms vs table ${row.tableQueryMs.toFixed(1)} ms\n`);
  }
  const text = report(rows, (performance.now() - started) / 1000);
  fs.writeFileSync(OUT, text);
  fs.rmSync(dir, { recursive: true, force: true });
  process.stdout.write(`\n${text}\nWrote ${path.relative(process.cwd(), OUT)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
