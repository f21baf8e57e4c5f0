/**
 * The dbt project of the load simulator (bench/freshness-lag.ts): what a data team with 40 Fivetran connectors, a
 * Firehose stream and 3 DMS tasks runs, 500 models in all.
 *
 * - 44 sources, one table each: `app_00`…`app_39` (Fivetran, connector `conn_00`…), `stream.clicks` (S3/Firehose,
 *   `firehose/clicks/` in bucket `landfall-landing`, JSON), `erp_0`…`erp_2` (DMS full-load tasks by ARN).
 * - 44 staging views, one per source.
 * - 8 domains of 57 models (456): each reads the staging models of 5 Fivetran connectors (domain 0–2 also a DMS
 *   task, domain 7 the click stream) through three layers: 20 `int` models (1–2 staging parents), 20 `agg` models
 *   (2 `int` parents), 17 `mart` models (3 `agg` parents); every third one a table, the rest views.
 * Domains share no model, so the DAG has 8 disjoint parts; `--models` scales the domain size for small runs.
 */
import fs from 'node:fs';
import path from 'node:path';

export const FIVETRAN_CONNECTORS = 40;
export const DMS_TASKS = 3;
export const DOMAINS = 8;
export const LANDING_BUCKET = 'landfall-landing';
export const CLICKS_PREFIX = 'firehose/clicks/';

export const connectorId = (i: number) => `conn_${String(i).padStart(2, '0')}`;
export const dmsTaskArn = (i: number) => `arn:aws:dms:us-east-1:000000000000:task:ERPTASK${i}`;

export interface GeneratedLagProject {
  models: number;
  /** Raw tables to create before the first build: `schema.table`. */
  rawTables: string[];
}

/** Writes the project; `perDomain` models per domain (57 gives 500 models in all). */
export function generateFreshnessLagProject(dir: string, perDomain = 57): GeneratedLagProject {
  fs.mkdirSync(path.join(dir, 'models', 'staging'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'dbt_project.yml'), 'name: lagsim\nversion: "1.0.0"\nprofile: lagsim\nmodels:\n  lagsim:\n    +materialized: view\n');
  const sources: string[] = ['version: 2', 'sources:'];
  const staging: { name: string; domain: number }[] = [];
  const rawTables: string[] = [];
  const addSource = (name: string, table: string, meta: string, domain: number) => {
    sources.push(`  - name: ${name}`, `    schema: raw_${name}`, `    tables:`, `      - name: ${table}`, `        meta: { landfall: ${meta} }`);
    rawTables.push(`raw_${name}.${table}`);
    const model = `stg_${name}`;
    fs.writeFileSync(path.join(dir, 'models', 'staging', `${model}.sql`), `select id, updated_at from {{ source('${name}', '${table}') }}\n`);
    staging.push({ name: model, domain });
  };
  for (let i = 0; i < FIVETRAN_CONNECTORS; i++) addSource(`app_${String(i).padStart(2, '0')}`, 'records', `{ fivetran: { connector_id: ${connectorId(i)} } }`, i % DOMAINS);
  addSource('stream', 'clicks', `{ s3: { bucket: ${LANDING_BUCKET}, prefix: "${CLICKS_PREFIX}", format: json } }`, DOMAINS - 1);
  for (let i = 0; i < DMS_TASKS; i++) addSource(`erp_${i}`, 'orders', `{ dms: { task_arn: "${dmsTaskArn(i)}" } }`, i);
  fs.writeFileSync(path.join(dir, 'models', 'staging', 'sources.yml'), `${sources.join('\n')}\n`);

  let models = staging.length;
  const body = (parents: string[]) => parents.length === 1
    ? `select id, updated_at from {{ ref('${parents[0]}') }}\n`
    : `select id, max(updated_at) as updated_at from (\n${parents.map((p) => `  select id, updated_at from {{ ref('${p}') }}`).join('\n  union all\n')}\n) u group by id\n`;
  for (let d = 0; d < DOMAINS; d++) {
    const folder = path.join(dir, 'models', `domain_${d}`);
    fs.mkdirSync(folder, { recursive: true });
    const stg = staging.filter((s) => s.domain === d).map((s) => s.name);
    const layer = (prefix: string, count: number, upstream: string[], fanIn: number): string[] => {
      const names: string[] = [];
      for (let i = 0; i < count; i++) {
        const name = `${prefix}_d${d}_${String(i).padStart(2, '0')}`;
        const parents = [...new Set(Array.from({ length: Math.min(fanIn, upstream.length) }, (_, k) => upstream[(i + k * 3) % upstream.length]!))];
        const config = i % 3 === 2 ? "{{ config(materialized='table') }}\n" : '';
        fs.writeFileSync(path.join(folder, `${name}.sql`), config + body(parents));
        names.push(name);
      }
      models += count;
      return names;
    };
    const ints = Math.max(1, Math.round(perDomain * 20 / 57));
    const aggs = Math.max(1, Math.round(perDomain * 20 / 57));
    const marts = Math.max(1, perDomain - ints - aggs);
    const int = layer('int', ints, stg, 2);
    const agg = layer('agg', aggs, int, 2);
    layer('mart', marts, agg, 3);
  }
  const anHourAgo = new Date(Date.now() - 3_600_000);
  const touch = (p: string) => {
    for (const entry of fs.readdirSync(p, { withFileTypes: true })) {
      const full = path.join(p, entry.name);
      if (entry.isDirectory()) touch(full);
      fs.utimesSync(full, anHourAgo, anHourAgo);
    }
  };
  touch(dir);
  return { models, rawTables };
}
