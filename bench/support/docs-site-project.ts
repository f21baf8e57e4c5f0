/**
 * The docs-site benchmark's project: N view models and 2N tests (unique + not_null on every model's `id`), with a
 * description and two documented columns per model, in 20 folders. Model i refs model floor(i/2) (a binary tree, as
 * bench/support/simple-models-project.ts), and models 1–500 also ref `model_00000`: the most referenced model has
 * ~500 children, the node whose lineage the benchmark focuses.
 */
import fs from 'node:fs';
import path from 'node:path';
import { modelName } from './simple-models-project';

export const HUB_CHILDREN = 500;

function profile(databaseUrl: string): string {
  const u = new URL(databaseUrl);
  return ['bench:', '  target: local', '  outputs:', '    local:', '      type: postgres', `      host: ${u.hostname}`, `      port: ${u.port || 5432}`,
    `      user: ${u.username}`, `      password: "${u.password}"`, `      dbname: ${u.pathname.slice(1)}`, '      schema: bench', '      threads: 4', ''].join('\n');
}

export function generateDocsSiteProject(dir: string, count: number, databaseUrl: string): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'dbt_project.yml'), 'name: bench\nversion: "1.0.0"\nprofile: bench\nmodels:\n  bench:\n    +materialized: view\n');
  fs.writeFileSync(path.join(dir, 'profiles.yml'), profile(databaseUrl));
  const ymlByFolder = new Map<string, string[]>();
  for (let i = 0; i < count; i++) {
    const folder = `area_${String(i % 20).padStart(2, '0')}`;
    const refs = i === 0 ? [] : [modelName(Math.floor(i / 2)), ...(i <= HUB_CHILDREN && Math.floor(i / 2) !== 0 ? [modelName(0)] : [])];
    const sql = refs.length === 0 ? 'select 1 as id, 1.0 as amount_usd'
      : refs.map((r) => `select id, amount_usd from {{ ref('${r}') }}`).join('\nunion all\n');
    fs.mkdirSync(path.join(dir, 'models', folder), { recursive: true });
    fs.writeFileSync(path.join(dir, 'models', folder, `${modelName(i)}.sql`), `{{ config(tags=['t${i % 10}']) }}\n${sql}\n`);
    const yml = ymlByFolder.get(folder) ?? ['version: 2', 'models:'];
    yml.push(`  - name: ${modelName(i)}`, `    description: Model ${i} of the benchmark, aggregating revenue for segment ${i % 97}.`, '    columns:',
      '      - name: id', '        description: The key.', '        data_tests: [unique, not_null]', `      - name: amount_usd`, `        description: Amount in US dollars (segment ${i % 97}).`);
    ymlByFolder.set(folder, yml);
  }
  for (const [folder, yml] of ymlByFolder) fs.writeFileSync(path.join(dir, 'models', folder, 'schema.yml'), `${yml.join('\n')}\n`);
}
