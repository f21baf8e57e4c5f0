/**
 * Both tools' dbt artifacts for one compat project on the same PostgreSQL server: `build`, `docs generate` and (for a
 * project with freshness) `source freshness`, each writing into a target folder of its own. Then the two readers:
 * dbt-core's artifact classes (scripts/check-dbt-artifacts.py in .venv-dbt) and the PyPI consumers
 * (scripts/check-artifact-consumers.py in .venv-artifact-consumers).
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { DBT_BIN, REPO_ROOT, schemasFor, type CompatProject } from './differential';

const run = promisify(execFile);

export const DBT_PYTHON = path.join(path.dirname(DBT_BIN), 'python');
export const CONSUMERS_PYTHON = path.join(REPO_ROOT, '.venv-artifact-consumers', 'bin', 'python');

async function exec(file: string, args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; output: string }> {
  try {
    const { stdout, stderr } = await run(file, args, { cwd: REPO_ROOT, env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024, timeout: 180_000, killSignal: 'SIGKILL' });
    return { code: 0, stdout, output: `${stdout}\n${stderr}` };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', output: `${e.stdout ?? ''}\n${e.stderr ?? ''}` };
  }
}

function vars(project: CompatProject): string {
  return JSON.stringify({ raw_schema: schemasFor(project.name).raw, ...project.vars });
}

/** dbt-core: build, docs generate, source freshness into `<work>/dbt-target`. Returns the target folder. */
export async function dbtArtifacts(project: CompatProject, databaseUrl: string, work: string): Promise<string> {
  const url = new URL(databaseUrl);
  fs.writeFileSync(path.join(work, 'profiles.yml'), [
    `${project.profile ?? 'compat'}:`, '  target: local', '  outputs:', '    local:', '      type: postgres',
    `      host: ${url.hostname}`, `      port: ${Number(url.port || 5432)}`, `      user: ${decodeURIComponent(url.username || 'postgres')}`,
    `      password: "${decodeURIComponent(url.password)}"`, `      dbname: ${url.pathname.slice(1)}`, `      schema: ${schemasFor(project.name).dbt}`, '      threads: 4', '',
  ].join('\n'));
  const target = path.join(work, 'dbt-target');
  const common = ['--project-dir', project.dir, '--profiles-dir', work, '--target-path', target, '--log-path', path.join(work, 'logs'), '--no-use-colors', '--no-partial-parse', '--vars', vars(project)];
  const env = { ...project.env, DBT_SEND_ANONYMOUS_USAGE_STATS: 'false' };
  const build = await exec(DBT_BIN, ['build', ...common], env);
  const results = path.join(target, 'run_results.json');
  if (!fs.existsSync(results)) throw new Error(`dbt build wrote no run_results.json:\n${build.output.slice(-2000)}`);
  // docs generate rewrites run_results.json with its compile results: keep the build's, as landfall's target does.
  const buildResults = fs.readFileSync(results);
  await exec(DBT_BIN, ['docs', 'generate', ...common], env);
  if (project.freshness) await exec(DBT_BIN, ['source', 'freshness', ...common], env);
  fs.writeFileSync(results, buildResults);
  return target;
}

/** landfall: the same three commands, with DBT_TARGET_PATH pointing at `<work>/landfall-target`. */
export async function landfallArtifacts(project: CompatProject, databaseUrl: string, work: string): Promise<string> {
  const target = path.join(work, 'landfall-target');
  const stateDir = path.join(work, 'landfall-state');
  const common = ['--project-dir', project.dir, '--state-dir', stateDir, '--database-url', databaseUrl, '--target-schema', schemasFor(project.name).landfall, '--vars', vars(project)];
  const env = { ...project.env, DBT_TARGET_PATH: target };
  const cli = path.join(REPO_ROOT, 'bin/landfall.js');
  const build = await exec(process.execPath, [cli, 'build', ...common], env);
  const docs = await exec(process.execPath, [cli, 'docs', 'generate', ...common], env);
  if (project.freshness) await exec(process.execPath, [cli, 'source', 'freshness', ...common], env);
  for (const file of ['manifest.json', 'run_results.json', 'catalog.json']) {
    if (!fs.existsSync(path.join(target, file))) throw new Error(`landfall wrote no ${file}:\n${build.output.slice(-1500)}\n${docs.output.slice(-1500)}`);
  }
  return target;
}

export function workDir(project: CompatProject): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `compat-artifacts-${project.name}-`));
}

/** What dbt-core's artifact classes read from a target folder (scripts/check-dbt-artifacts.py). */
export interface DbtCoreReading {
  manifest: { nodes: Record<string, { resource_type: string; depends_on: string[]; name: string }>; sources: string[]; unit_tests: string[]; parent_map: Record<string, string[]> };
  run_results: Record<string, { status: string; failures: number | null }>;
  sources?: Record<string, string>;
  catalog: Record<string, { columns: string[]; types: Record<string, string> }>;
}

export async function readWithDbtCore(target: string): Promise<DbtCoreReading> {
  const result = await exec(DBT_PYTHON, [path.join(REPO_ROOT, 'scripts/check-dbt-artifacts.py'), target]);
  if (result.code !== 0) throw new Error(`dbt-core's artifact classes refused ${target}:\n${result.output.slice(-3000)}`);
  return JSON.parse(result.stdout) as DbtCoreReading;
}

export interface ConsumerAnswers {
  parser: { nodes: Record<string, string[]>; sources: string[]; statuses: Record<string, string>; catalog_columns: Record<string, string[]>; freshness?: Record<string, string> };
  dbt_score: { project_score: number; evaluables: Record<string, { score: number; badge: string; results: Record<string, string> }> };
  dbt_coverage: Record<'doc' | 'test', { covered: number; total: number; tables: Record<string, [number, number]> }>;
}

/** The consumers' answers for each target folder (one Python process for all of them). */
export async function consumerAnswers(targets: { target: string; projectDir: string }[]): Promise<ConsumerAnswers[]> {
  const result = await exec(CONSUMERS_PYTHON, [path.join(REPO_ROOT, 'scripts/check-artifact-consumers.py'), ...targets.flatMap((t) => [t.target, t.projectDir])]);
  if (result.code !== 0) throw new Error(`a PyPI consumer failed on ${targets.map((t) => t.target).join(', ')}:\n${result.output.slice(-3000)}`);
  return JSON.parse(result.stdout) as ConsumerAnswers[];
}
