/**
 * Writes a generated dbt project with the shape of dbt-core's `01_2000_simple_models` performance project:
 * N view models, each a `config(tags=…)` plus one `ref` to an earlier model, and one schema.yml with
 * `unique` + `not_null` on every model (2N tests). Shared by the parse and artifact benchmarks.
 */
import fs from 'node:fs';
import path from 'node:path';

export const modelName = (i: number) => `model_${String(i).padStart(5, '0')}`;

/** A dbt profile for the project, pointing at `databaseUrl` (only read by dbt-core). */
function profile(databaseUrl: string): string {
  const u = new URL(databaseUrl);
  return ['bench:', '  target: local', '  outputs:', '    local:', '      type: postgres', `      host: ${u.hostname}`, `      port: ${u.port || 5432}`,
    `      user: ${u.username}`, `      password: "${u.password}"`, `      dbname: ${u.pathname.slice(1)}`, '      schema: bench', '      threads: 1', ''].join('\n');
}

/**
 * `mixed`: every tenth model pair is a table and an incremental model (60 % views, 20 % tables, 20 % incrementals),
 * the shape the transform-run scale test builds through the state machine (tests/support/scale-run.ts).
 */
export type GeneratedMaterializations = 'views' | 'mixed';

/** The materialization of model `i` in a `mixed` project. */
export function mixedMaterialization(i: number): 'view' | 'table' | 'incremental' {
  const slot = i % 10;
  return slot >= 8 ? 'incremental' : slot >= 6 ? 'table' : 'view';
}

function mixedModelSql(i: number, upstream: string): string {
  const materialized = mixedMaterialization(i);
  if (materialized !== 'incremental') return `{{ config(materialized='${materialized}', tags=['t${i % 10}']) }}\n${upstream}\n`;
  return `{{ config(materialized='incremental', unique_key='id', tags=['t${i % 10}']) }}\n${upstream}\n`
    + `{% if is_incremental() %}where id >= (select coalesce(max(id), 0) from {{ this }}){% endif %}\n`;
}

export function generateSimpleModelsProject(dir: string, count: number, databaseUrl = 'postgres://postgres@127.0.0.1:54329/landfall', materializations: GeneratedMaterializations = 'views'): void {
  fs.mkdirSync(path.join(dir, 'models'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'dbt_project.yml'), 'name: bench\nversion: "1.0.0"\nprofile: bench\nmodels:\n  bench:\n    +materialized: view\n');
  fs.writeFileSync(path.join(dir, 'profiles.yml'), profile(databaseUrl));
  const yml = ['version: 2', 'models:'];
  for (let i = 0; i < count; i++) {
    const upstream = i === 0 ? 'select 1 as id' : `select id from {{ ref('${modelName(Math.floor(i / 2))}') }}`;
    const sql = materializations === 'mixed' ? mixedModelSql(i, upstream) : `{{ config(tags=['t${i % 10}']) }}\n${upstream}\n`;
    fs.writeFileSync(path.join(dir, 'models', `${modelName(i)}.sql`), sql);
    yml.push(`  - name: ${modelName(i)}`, '    columns:', '      - name: id', '        data_tests: [unique, not_null]');
  }
  fs.writeFileSync(path.join(dir, 'models', 'schema.yml'), `${yml.join('\n')}\n`);
  // A project on disk was not written this very second: files modified within 2 s of a read are read again by
  // landfall's parse cache (git's "racily clean" rule), which would make every file look freshly edited.
  const anHourAgo = new Date(Date.now() - 3_600_000);
  for (const file of ['dbt_project.yml', 'profiles.yml', 'models/schema.yml', ...Array.from({ length: count }, (_, i) => `models/${modelName(i)}.sql`)]) {
    fs.utimesSync(path.join(dir, file), anHourAgo, anHourAgo);
  }
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** `--name value` flags of a benchmark script. */
export function numberFlag(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
}

export function stringFlag(args: string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
}
