/**
 * The differential harness: build one dbt project with real dbt-core (`.venv-dbt/bin/dbt build`) and with
 * landfall (`node bin/landfall.js build`) on the same PostgreSQL server, each in its own schemas, then
 * compare what they produced — every relation's columns, types, sorted rows and grants, every model's status,
 * and every test's status and failure count.
 *
 * A project is a folder under tests/compat/projects/<feature>/ holding a dbt project (`profile: compat`)
 * and optionally:
 *   setup.sql   run before the first build; `{{raw}}` is replaced by the project's raw schema
 *   step2.sql   run before a second build of both tools (incremental behaviour); same placeholder
 *   step3.sql   run before a third build (snapshots over three loads); same placeholder
 *   compat.json { "vars": {...}, "env": {...}, "ls": ["selector", ...], "knownDifferences": ["substring", ...] }
 *               extra inputs for both tools, and the gaps landfall is known to have (reported, not failed on; an entry
 *               {"diff", "dbtCore": "<range>"} only on those dbt-core versions: known-differences.ts);
 *               "volatileColumns": {"relation": ["column"]} compares those columns by null-ness only (an md5 of now())
 * Timestamps later than the suite's start are each tool's own now() (a snapshot closing a deleted row): compared as
 * '<now>', so they match whatever the second they were taken.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import type { KnownDifferenceEntry } from './known-differences';

const run = promisify(execFile);

export const REPO_ROOT = path.resolve(__dirname, '../../..');
export const PROJECTS_DIR = path.join(REPO_ROOT, 'tests/compat/projects');
/** dbt-core's CLI: `.venv-dbt` (the pinned 1.10), or `LANDFALL_DBT_BIN` (e.g. `.venv-dbt-latest/bin/dbt`, the newest 1.x). */
export const DBT_BIN = process.env.LANDFALL_DBT_BIN ? path.resolve(process.env.LANDFALL_DBT_BIN) : path.join(REPO_ROOT, '.venv-dbt/bin/dbt');
export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:54329/landfall';

export interface CompatProject {
  name: string;
  dir: string;
  vars: Record<string, unknown>;
  env: Record<string, string>;
  /** Selectors whose `ls` output is compared. */
  ls: string[];
  /** Whether `source freshness` statuses are compared. */
  freshness: boolean;
  /**
   * Differences landfall is known to have (substrings of diff lines): reported in RESULTS.md, not failed on; a
   * versioned entry only on the dbt-core versions it names (applicableKnownDifferences).
   */
  knownDifferences: KnownDifferenceEntry[];
  setupSql?: string;
  step2Sql?: string;
  step3Sql?: string;
  /** Columns compared by null-ness only, by relation name. */
  volatileColumns?: Record<string, string[]>;
  /** The profile name the project asks for (default `compat`). */
  profile?: string;
  /** How long one tool's build may take (default {@link COMMAND_TIMEOUT_MS}). */
  timeoutMs?: number;
}

/** Outcome of one node in one tool's build. */
export interface NodeOutcome {
  status: string;
  failures?: number;
}

/** A relation as stored: kind, ordered `name type` columns, and rows as sorted text lines. */
export interface RelationSnapshot {
  kind: string;
  columns: string[];
  rows: string[];
  /** `grantee privilege` for the grants others hold on it, sorted. */
  grants: string[];
}

export interface BuildResult {
  tool: 'dbt' | 'landfall';
  exitCode: number;
  /** By node name (tests, models, seeds). */
  outcomes: Record<string, NodeOutcome>;
  /** By `<schema suffix>.<relation>`, schema suffix relative to the tool's base schema. */
  relations: Record<string, RelationSnapshot>;
  log: string;
}

export function listProjects(): CompatProject[] {
  return fs.readdirSync(PROJECTS_DIR, { withFileTypes: true })
    .filter((e) => e.isDirectory() && fs.existsSync(path.join(PROJECTS_DIR, e.name, 'dbt_project.yml')))
    .map((e) => loadProject(e.name))
    .sort((a, b) => a.name.localeCompare(b.name));
}

export function loadProject(name: string): CompatProject {
  const dir = path.join(PROJECTS_DIR, name);
  const read = (file: string) => (fs.existsSync(path.join(dir, file)) ? fs.readFileSync(path.join(dir, file), 'utf8') : undefined);
  const extra = JSON.parse(read('compat.json') ?? '{}') as { vars?: Record<string, unknown>; env?: Record<string, string>; ls?: string[]; freshness?: boolean; knownDifferences?: KnownDifferenceEntry[]; volatileColumns?: Record<string, string[]> };
  return { name, dir, vars: extra.vars ?? {}, env: extra.env ?? {}, ls: extra.ls ?? [], freshness: extra.freshness === true, knownDifferences: extra.knownDifferences ?? [], setupSql: read('setup.sql'), step2Sql: read('step2.sql'), step3Sql: read('step3.sql'), volatileColumns: extra.volatileColumns ?? {} };
}

/** Whether the suite can run here: the dbt-core venv exists and the PostgreSQL server answers. */
export async function compatAvailability(databaseUrl = DEFAULT_DATABASE_URL): Promise<{ ok: true } | { ok: false; reason: string }> {
  if (!fs.existsSync(DBT_BIN)) return { ok: false, reason: `${DBT_BIN} not found (run scripts/setup-dbt-core.sh or scripts/run-compat.sh)` };
  const client = new Client({ connectionString: databaseUrl, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('select 1');
    return { ok: true };
  } catch (error) {
    return { ok: false, reason: `PostgreSQL at ${databaseUrl} does not answer (${(error as Error).message}); run scripts/start-postgres.sh` };
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Schema names of one project run. Short, lower-case, and unique per tool. */
export function schemasFor(project: string) {
  const base = project.toLowerCase().replace(/[^a-z0-9_]/g, '_').slice(0, 30);
  return { raw: `compat_raw_${base}`, dbt: `compat_dbt_${base}`, landfall: `compat_lf_${base}` };
}

function databaseParts(databaseUrl: string) {
  const url = new URL(databaseUrl);
  return { host: url.hostname, port: Number(url.port || 5432), user: decodeURIComponent(url.username || 'postgres'), password: decodeURIComponent(url.password), dbname: url.pathname.slice(1) };
}

/** Drop every schema of a previous run of `project` and create the raw schema from setup.sql. */
export async function resetProject(project: CompatProject, databaseUrl: string): Promise<void> {
  const schemas = schemasFor(project.name);
  await withClient(databaseUrl, async (client) => {
    const existing = await client.query<{ nspname: string }>(
      `select nspname from pg_namespace where nspname = any($1) or nspname like $2 or nspname like $3`,
      [[schemas.raw, schemas.dbt, schemas.landfall], `${schemas.dbt}\\_%`, `${schemas.landfall}\\_%`],
    );
    for (const { nspname } of existing.rows) await client.query(`drop schema "${nspname}" cascade`);
    await client.query(`create schema "${schemas.raw}"`);
    if (project.setupSql) await client.query(project.setupSql.split('{{raw}}').join(`"${schemas.raw}"`));
  });
}

export async function runStep2(project: CompatProject, databaseUrl: string, sql = project.step2Sql): Promise<void> {
  if (!sql) return;
  const schemas = schemasFor(project.name);
  await withClient(databaseUrl, (client) => client.query(sql.split('{{raw}}').join(`"${schemas.raw}"`)).then(() => undefined));
}

async function withClient<T>(databaseUrl: string, body: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return await body(client);
  } finally {
    await client.end();
  }
}

function projectVars(project: CompatProject): Record<string, unknown> {
  return { raw_schema: schemasFor(project.name).raw, ...project.vars };
}

/** The profile both tools build with (the project's own profiles.yml is not read: its default output may be another warehouse). */
function writeProfile(dir: string, project: CompatProject, databaseUrl: string, schema: string): void {
  const db = databaseParts(databaseUrl);
  fs.writeFileSync(path.join(dir, 'profiles.yml'), [
    `${project.profile ?? 'compat'}:`,
    '  target: local',
    '  outputs:',
    '    local:',
    '      type: postgres',
    `      host: ${db.host}`,
    `      port: ${db.port}`,
    `      user: ${db.user}`,
    `      password: "${db.password}"`,
    `      dbname: ${db.dbname}`,
    `      schema: ${schema}`,
    '      threads: 4',
    '',
  ].join('\n'));
}

/** `dbt build` with a generated profile; outcomes from target/run_results.json. */
export async function buildWithDbt(project: CompatProject, databaseUrl: string, args: string[] = []): Promise<BuildResult> {
  const schema = schemasFor(project.name).dbt;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), `compat-dbt-${project.name}-`));
  writeProfile(work, project, databaseUrl, schema);
  const targetPath = path.join(work, 'target');
  const result = await exec(DBT_BIN, [
    'build', '--project-dir', project.dir, '--profiles-dir', work, '--target-path', targetPath, '--log-path', path.join(work, 'logs'),
    '--no-use-colors', '--no-partial-parse', '--vars', JSON.stringify(projectVars(project)), ...args,
  ], { ...project.env, DBT_SEND_ANONYMOUS_USAGE_STATS: 'false' }, project.timeoutMs);
  const outcomes: Record<string, NodeOutcome> = {};
  const resultsFile = path.join(targetPath, 'run_results.json');
  if (fs.existsSync(resultsFile)) {
    const results = JSON.parse(fs.readFileSync(resultsFile, 'utf8')) as { results: { unique_id: string; status: string; failures: number | null }[] };
    for (const r of results.results) {
      // `unit_test.<package>.<model>.<name>`: a unit test's status only (dbt counts no failures for them).
      const [type, , name, unitName] = r.unique_id.split('.');
      outcomes[type === 'unit_test' ? unitName! : name!] = type === 'test' ? { status: r.status, failures: r.failures ?? 0 } : { status: r.status };
    }
  }
  fs.rmSync(work, { recursive: true, force: true });
  return { tool: 'dbt', exitCode: result.code, outcomes, relations: await snapshotSchemas(databaseUrl, schema, project.volatileColumns), log: result.output };
}

/** `landfall build --json` on the same server. */
export async function buildWithLandfall(project: CompatProject, databaseUrl: string, args: string[] = []): Promise<BuildResult> {
  const schema = schemasFor(project.name).landfall;
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), `compat-lf-${project.name}-`));
  writeProfile(stateDir, project, databaseUrl, schema);
  const result = await exec(process.execPath, [
    path.join(REPO_ROOT, 'bin/landfall.js'), 'build', '--project-dir', project.dir, '--state-dir', stateDir, '--profiles-dir', stateDir,
    '--database-url', databaseUrl, '--target-schema', schema, '--json', '--vars', JSON.stringify(projectVars(project)), ...args,
  ], project.env, project.timeoutMs);
  fs.rmSync(stateDir, { recursive: true, force: true });
  const outcomes: Record<string, NodeOutcome> = {};
  const json = /^\{[\s\S]*\}\s*$/m.exec(result.stdout)?.[0];
  if (json) {
    const parsed = JSON.parse(json) as { results: { unique_id?: string; resource_type: string; name: string; status: string; failures?: number }[] };
    for (const r of parsed.results) {
      const isUnitTest = r.unique_id?.startsWith('unit_test.') === true;
      outcomes[r.name] = r.resource_type === 'test' && !isUnitTest ? { status: r.status, failures: r.failures ?? 0 } : { status: r.status };
    }
  }
  return { tool: 'landfall', exitCode: result.code, outcomes, relations: await snapshotSchemas(databaseUrl, schema, project.volatileColumns), log: result.output };
}

/** A tool run that takes longer than this is killed and reported, so a hang fails the suite instead of stalling CI. */
const COMMAND_TIMEOUT_MS = 120_000;

async function exec(file: string, args: string[], env: Record<string, string>, timeoutMs = COMMAND_TIMEOUT_MS): Promise<{ code: number; stdout: string; output: string }> {
  try {
    const { stdout, stderr } = await run(file, args, { cwd: REPO_ROOT, env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024, timeout: timeoutMs, killSignal: 'SIGKILL' });
    return { code: 0, stdout, output: `${stdout}\n${stderr}` };
  } catch (error) {
    const e = error as { code?: number; killed?: boolean; stdout?: string; stderr?: string };
    const killed = e.killed ? `\n${path.basename(file)} ${args[0]} was killed after ${timeoutMs / 1000} s` : '';
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', output: `${e.stdout ?? ''}\n${e.stderr ?? ''}${killed}` };
  }
}

/**
 * Every table and view in `base` and `base_*`, keyed by `<suffix>.<name>` (suffix '' for the base
 * schema), with columns and types from the catalog and all rows as sorted text.
 */
export async function snapshotSchemas(databaseUrl: string, base: string, volatileColumns: Record<string, string[]> = {}): Promise<Record<string, RelationSnapshot>> {
  return withClient(databaseUrl, async (client) => {
    const relations = await client.query<{ schema: string; name: string; kind: string }>(
      `select n.nspname as schema, c.relname as name, case c.relkind when 'v' then 'view' else 'table' end as kind
         from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where c.relkind in ('r', 'v', 'p') and (n.nspname = $1 or n.nspname like $2)
        order by 1, 2`,
      [base, `${base}\\_%`],
    );
    const snapshot: Record<string, RelationSnapshot> = {};
    for (const r of relations.rows) {
      const columns = await client.query<{ name: string; type: string }>(
        `select a.attname as name, format_type(a.atttypid, a.atttypmod) as type from pg_attribute a
          where a.attrelid = format('%I.%I', $1::text, $2::text)::regclass and a.attnum > 0 and not a.attisdropped order by a.attnum`,
        [r.schema, r.name],
      );
      const rows = await client.query({ text: `select * from "${r.schema}"."${r.name}"`, rowMode: 'array' });
      const grants = await client.query<{ grant: string }>(
        `select grantee || ' ' || lower(privilege_type) as grant from information_schema.role_table_grants
          where table_schema = $1 and table_name = $2 and grantee <> current_role order by 1`,
        [r.schema, r.name],
      );
      const suffix = r.schema === base ? '' : r.schema.slice(base.length + 1);
      const volatile = new Set(volatileColumns[r.name] ?? []);
      const isVolatile = columns.rows.map((c) => volatile.has(c.name));
      snapshot[`${suffix}.${r.name}`] = {
        kind: r.kind,
        columns: columns.rows.map((c) => `${c.name} ${c.type}`),
        rows: (rows.rows as unknown[][]).map((row) => JSON.stringify(row.map((v, i) => (isVolatile[i] ? (v === null ? null : '<volatile>') : normalizeValue(v))))).sort(),
        grants: grants.rows.map((g) => g.grant),
      };
    }
    return snapshot;
  });
}

/** Values of the tools' own now() are later than this (see the header). */
const SUITE_STARTED_MS = Date.now() - 60_000;

function normalizeValue(value: unknown): unknown {
  if (value instanceof Date) return value.getTime() >= SUITE_STARTED_MS ? '<now>' : value.toISOString();
  return value;
}

/** Human-readable differences between two builds; empty when they agree. */
export function diffBuilds(dbt: BuildResult, landfall: BuildResult, label = ''): string[] {
  const diffs: string[] = [];
  const at = label ? `[${label}] ` : '';
  if ((dbt.exitCode === 0) !== (landfall.exitCode === 0)) diffs.push(`${at}exit code: dbt ${dbt.exitCode}, landfall ${landfall.exitCode}`);
  for (const name of union(Object.keys(dbt.outcomes), Object.keys(landfall.outcomes))) {
    const d = dbt.outcomes[name];
    const l = landfall.outcomes[name];
    const show = (o: NodeOutcome | undefined) => (o ? `${o.status}${o.failures !== undefined ? ` (${o.failures} failures)` : ''}` : 'absent');
    if (!d || !l || normalizeStatus(d.status) !== normalizeStatus(l.status) || (d.failures ?? 0) !== (l.failures ?? 0)) {
      diffs.push(`${at}node ${name}: dbt ${show(d)}, landfall ${show(l)}`);
    }
  }
  for (const key of union(Object.keys(dbt.relations), Object.keys(landfall.relations))) {
    const d = dbt.relations[key];
    const l = landfall.relations[key];
    if (!d || !l) {
      diffs.push(`${at}relation ${key}: ${d ? 'only dbt built it' : 'only landfall built it'}`);
      continue;
    }
    if (d.kind !== l.kind) diffs.push(`${at}relation ${key}: dbt ${d.kind}, landfall ${l.kind}`);
    if (d.grants.join(', ') !== l.grants.join(', ')) diffs.push(`${at}relation ${key} grants:\n    dbt      ${d.grants.join(', ')}\n    landfall ${l.grants.join(', ')}`);
    if (d.columns.join(', ') !== l.columns.join(', ')) diffs.push(`${at}relation ${key} columns:\n    dbt      ${d.columns.join(', ')}\n    landfall ${l.columns.join(', ')}`);
    if (d.rows.join('\n') !== l.rows.join('\n')) {
      const onlyDbt = d.rows.filter((r) => !l.rows.includes(r)).slice(0, 5);
      const onlyLf = l.rows.filter((r) => !d.rows.includes(r)).slice(0, 5);
      diffs.push(`${at}relation ${key} rows (${d.rows.length} vs ${l.rows.length}):\n    only dbt      ${onlyDbt.join(' ')}\n    only landfall ${onlyLf.join(' ')}`);
    }
  }
  return diffs;
}

/** dbt says `success` for models and seeds; landfall too. dbt's `error` on a test equals landfall's `error`. */
function normalizeStatus(status: string): string {
  return status === 'runtime error' ? 'error' : status;
}

function union(a: string[], b: string[]): string[] {
  return [...new Set([...a, ...b])].sort();
}

/**
 * `dbt ls --select X` vs `landfall ls --select X` for each selector, as sorted unique ids. Generic test
 * ids lose dbt's hash suffix so they compare by name.
 */
export async function listWithBoth(project: CompatProject, databaseUrl: string, selectorList: string[]): Promise<Record<string, { dbt: string[]; landfall: string[] }>> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), `compat-ls-${project.name}-`));
  const db = databaseParts(databaseUrl);
  fs.writeFileSync(path.join(work, 'profiles.yml'), `compat:\n  target: local\n  outputs:\n    local:\n      type: postgres\n      host: ${db.host}\n      port: ${db.port}\n      user: ${db.user}\n      password: "${db.password}"\n      dbname: ${db.dbname}\n      schema: ls\n      threads: 1\n`);
  const dbtResult = await exec(path.join(path.dirname(DBT_BIN), 'python'), [
    path.join(REPO_ROOT, 'tests/compat/support/dbt_ls.py'), project.dir, work, path.join(work, 'target'), JSON.stringify(projectVars(project)), ...selectorList,
  ], { ...project.env, DBT_SEND_ANONYMOUS_USAGE_STATS: 'false' });
  fs.rmSync(work, { recursive: true, force: true });
  const byName = (id: string) => (id.startsWith('test.') ? id.split('.').slice(0, 3).join('.') : id);
  const fromDbt = JSON.parse(/^DBT_LS_RESULT (.*)$/m.exec(dbtResult.stdout)?.[1] ?? '{}') as Record<string, string[]>;
  const out: Record<string, { dbt: string[]; landfall: string[] }> = {};
  for (const selector of selectorList) {
    const lf = await exec(process.execPath, [path.join(REPO_ROOT, 'bin/landfall.js'), 'ls', '--project-dir', project.dir, '--json', '--vars', JSON.stringify(projectVars(project)), ...(selector.startsWith('--selector ') ? ['--selector', selector.slice('--selector '.length)] : ['--select', selector])], project.env);
    const landfall = lf.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => byName((JSON.parse(l) as { unique_id: string }).unique_id)).sort();
    out[selector] = { dbt: (fromDbt[selector] ?? [`dbt ls failed: ${dbtResult.output.slice(-300)}`]).map(byName).sort(), landfall };
  }
  return out;
}

/** `dbt source freshness` vs `landfall source freshness --json`: status by source unique id, and the exit codes. */
export async function freshnessWithBoth(project: CompatProject, databaseUrl: string): Promise<{ dbt: Record<string, string>; landfall: Record<string, string>; exitCodes: { dbt: number; landfall: number } }> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), `compat-fresh-${project.name}-`));
  const db = databaseParts(databaseUrl);
  fs.writeFileSync(path.join(work, 'profiles.yml'), `compat:\n  target: local\n  outputs:\n    local:\n      type: postgres\n      host: ${db.host}\n      port: ${db.port}\n      user: ${db.user}\n      password: "${db.password}"\n      dbname: ${db.dbname}\n      schema: ${schemasFor(project.name).dbt}\n      threads: 1\n`);
  const output = path.join(work, 'sources.json');
  const dbtResult = await exec(DBT_BIN, [
    'source', 'freshness', '--project-dir', project.dir, '--profiles-dir', work, '--target-path', path.join(work, 'target'),
    '--log-path', path.join(work, 'logs'), '--no-partial-parse', '--vars', JSON.stringify(projectVars(project)), '--output', output,
  ], { ...project.env, DBT_SEND_ANONYMOUS_USAGE_STATS: 'false' });
  const dbtStatuses: Record<string, string> = {};
  if (fs.existsSync(output)) {
    for (const r of (JSON.parse(fs.readFileSync(output, 'utf8')) as { results: { unique_id: string; status: string }[] }).results) dbtStatuses[r.unique_id] = r.status;
  }
  fs.rmSync(work, { recursive: true, force: true });
  const lf = await exec(process.execPath, [
    path.join(REPO_ROOT, 'bin/landfall.js'), 'source', 'freshness', '--project-dir', project.dir, '--database-url', databaseUrl,
    '--target-schema', schemasFor(project.name).landfall, '--json', '--vars', JSON.stringify(projectVars(project)),
  ], project.env);
  const landfallStatuses: Record<string, string> = {};
  const json = /^\{[\s\S]*\}\s*$/m.exec(lf.stdout)?.[0];
  if (json) for (const r of (JSON.parse(json) as { results: { unique_id: string; status: string }[] }).results) landfallStatuses[r.unique_id] = r.status;
  return { dbt: dbtStatuses, landfall: landfallStatuses, exitCodes: { dbt: dbtResult.code, landfall: lf.code } };
}
