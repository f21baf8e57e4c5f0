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
 *
 * Each model's SQL carries its modelled warehouse time as `/* landfall-sim-ms: N *\/` ({@link modelledBuildMs}),
 * which the local Data API honours in the simulation (redshift-latency.ts `markedStatementScale`).
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

/** The modelled build time ranges, simulated ms, by layer and materialization (log-uniform between the two). */
export const BUILD_MS_RANGES: Record<'stg' | 'int' | 'agg' | 'mart', { view: [number, number]; table: [number, number] }> = {
  stg: { view: [1_000, 3_000], table: [1_000, 3_000] },
  int: { view: [1_000, 3_000], table: [20_000, 50_000] },
  agg: { view: [2_000, 4_000], table: [40_000, 80_000] },
  mart: { view: [2_000, 5_000], table: [60_000, 140_000] },
};

/**
 * A model's modelled build time on the warehouse (simulated ms, before the 1 s commit): staging views are DDL only,
 * views a little more, tables scale with the layer (marts aggregate the largest tables). Log-uniform within the
 * layer's range, the same for a name in every run (FNV-1a hash). The ranges are an ASSUMPTION calibrated so that a
 * full build of the 500 models at 16 statements in flight takes ~20 simulated minutes, the issue's figure for a
 * serial run under its load (bench/RESULTS-freshness-lag.md, "Calibration", states what the initial build measured).
 *
 * @example
 * modelledBuildMs('mart', 'table', 'mart_d0_02') // between 60,000 and 140,000
 */
export function modelledBuildMs(layer: keyof typeof BUILD_MS_RANGES, materialized: 'view' | 'table', name: string): number {
  let hash = 0x811c9dc5;
  for (const ch of name) hash = Math.imul(hash ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  const [low, high] = BUILD_MS_RANGES[layer][materialized];
  return Math.round(low * (high / low) ** (hash / 2 ** 32));
}

const marker = (ms: number) => `/* landfall-sim-ms: ${ms} */\n`;

/** A model of the generated project as the floor computation sees it (freshness-lag-floor.ts). */
export interface ModelledModel {
  parents: string[];
  /** Its modelled warehouse time, simulated ms ({@link modelledBuildMs}, before the commit). */
  buildMs: number;
}

export interface GeneratedLagProject {
  models: number;
  /** Raw tables to create before the first build: `schema.table`. */
  rawTables: string[];
  /** Every model by name: its parents and modelled build time. */
  dag: Record<string, ModelledModel>;
}

/** Writes the project; `perDomain` models per domain (57 gives 500 models in all). */
export function generateFreshnessLagProject(dir: string, perDomain = 57): GeneratedLagProject {
  fs.mkdirSync(path.join(dir, 'models', 'staging'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'dbt_project.yml'), 'name: lagsim\nversion: "1.0.0"\nprofile: lagsim\nmodels:\n  lagsim:\n    +materialized: view\n');
  const sources: string[] = ['version: 2', 'sources:'];
  const staging: { name: string; domain: number }[] = [];
  const rawTables: string[] = [];
  const dag: Record<string, ModelledModel> = {};
  const addSource = (name: string, table: string, meta: string, domain: number) => {
    sources.push(`  - name: ${name}`, `    schema: raw_${name}`, `    tables:`, `      - name: ${table}`, `        meta: { landfall: ${meta} }`);
    rawTables.push(`raw_${name}.${table}`);
    const model = `stg_${name}`;
    const buildMs = modelledBuildMs('stg', 'view', model);
    dag[model] = { parents: [], buildMs };
    fs.writeFileSync(path.join(dir, 'models', 'staging', `${model}.sql`), `${marker(buildMs)}select id, updated_at from {{ source('${name}', '${table}') }}\n`);
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
    const layer = (prefix: 'int' | 'agg' | 'mart', count: number, upstream: string[], fanIn: number): string[] => {
      const names: string[] = [];
      for (let i = 0; i < count; i++) {
        const name = `${prefix}_d${d}_${String(i).padStart(2, '0')}`;
        const parents = [...new Set(Array.from({ length: Math.min(fanIn, upstream.length) }, (_, k) => upstream[(i + k * 3) % upstream.length]!))];
        const table = i % 3 === 2;
        const config = table ? "{{ config(materialized='table') }}\n" : '';
        const buildMs = modelledBuildMs(prefix, table ? 'table' : 'view', name);
        dag[name] = { parents, buildMs };
        fs.writeFileSync(path.join(folder, `${name}.sql`), config + marker(buildMs) + body(parents));
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
  return { models, rawTables, dag };
}
