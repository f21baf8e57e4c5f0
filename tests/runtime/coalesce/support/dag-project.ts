/**
 * A small dbt project with parts of the DAG that do and do not overlap, compiled in memory:
 * six Fivetran connectors `c0`…`c5`, each landing `raw.t<i>` read by `stg_<i>`; `m01` reads stg_0 and stg_1,
 * `m23` reads stg_2 and stg_3; stg_4 and stg_5 feed nothing else. So {c0, c1} share m01, {c2, c3} share m23,
 * and c4, c5 are disjoint from everything.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { compileManifest, readProjectFiles } from '../../../../src/engine/compile';
import type { Manifest } from '../../../../src/engine';
import type { DataArrivedEvent } from '../../../../src/events/arrival';

export const CONNECTORS = ['c0', 'c1', 'c2', 'c3', 'c4', 'c5'] as const;

/** The project's files; `dir` receives them, with `landfallYml` as its landfall.yml when given. */
export function writeDagProject(dir: string, landfallYml?: string): void {
  const write = (file: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  };
  write('dbt_project.yml', "name: parts\nversion: '1.0'\nprofile: parts\nmodels:\n  parts:\n    +materialized: view\n");
  write('models/sources.yml', `version: 2\nsources:\n${CONNECTORS.map((c, i) => `  - name: src${i}\n    schema: raw\n    meta: { landfall: { fivetran: { connector_id: ${c} } } }\n    tables:\n      - name: t${i}\n`).join('')}`);
  CONNECTORS.forEach((_, i) => write(`models/stg_${i}.sql`, `select id from {{ source('src${i}', 't${i}') }}`));
  write('models/m01.sql', "select id from {{ ref('stg_0') }} union all select id from {{ ref('stg_1') }}");
  write('models/m23.sql', "select id from {{ ref('stg_2') }} union all select id from {{ ref('stg_3') }}");
  if (landfallYml !== undefined) write('landfall.yml', landfallYml);
}

let compiled: Manifest | undefined;

export function dagProjectManifest(): Manifest {
  if (compiled) return compiled;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'landfall-dag-project-'));
  try {
    writeDagProject(dir);
    compiled = compileManifest(readProjectFiles(dir), { target: { name: 'dev', type: 'postgres', schema: 'analytics', database: 'dev' } } as never);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return compiled;
}

export const syncOf = (connectorId: string, syncId: string): DataArrivedEvent => ({
  source: 'landfall',
  'detail-type': 'Data Arrived',
  detail: { loader: 'fivetran', arrivalId: `fivetran:${syncId}`, arrivedAt: '2026-12-05T01:00:00Z', connector: { connectorId, groupId: 'g', syncId } },
});
