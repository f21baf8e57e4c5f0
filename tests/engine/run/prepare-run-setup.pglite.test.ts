/**
 * prepareRun commits the setup (schemas, helper functions) only when something is missing: every run after the
 * first reads what exists beside the catalog snapshot and commits nothing (a commit is ~1 s on Redshift, issue 16).
 * On PGlite through the real Data API client and the local endpoint.
 */
import { compileManifest } from '../../../src/engine/compile';
import { dialects, planRun, prepareRun, type Manifest } from '../../../src/engine';
import { helperBody } from '../../../src/engine/dialects/setup-check';
import { SWAP_FUNCTION_SQL } from '../../../src/engine/dialects/postgres';
import type { ProjectFiles } from '../../../src/engine/project/project-files';
import type { Warehouse } from '../../../src/engine/warehouse/warehouse';
import { connectLocalWarehouse, type LocalWarehouse } from '../../../src/local/local-warehouse';
import { openPGliteEngine, prepareTemplate, sharedTemplateDir } from '../../../src/local/sql-engine/pglite-engine';
import type { SqlEngine } from '../../../src/local/sql-engine/sql-engine';

const model = (name: string, text: string) => ({ file: `models/${name}.sql`, relative: `${name}.sql`, text });
const project: ProjectFiles = {
  root: '/nowhere',
  project: { name: 'shop' },
  models: [model('orders', "{{ config(materialized='table') }} select 1 as id"), model('orders_view', "{{ config(schema='marts') }} select id from {{ ref('orders') }}")],
  macros: [],
  singularTests: [],
  seeds: [],
  properties: [],
};

let engine: SqlEngine;
let local: LocalWarehouse;
let manifest: Manifest;

beforeAll(async () => {
  engine = await openPGliteEngine({ inMemory: true, template: await prepareTemplate(sharedTemplateDir()) });
  local = await connectLocalWarehouse(engine);
  manifest = compileManifest(project, { target: { name: 'local', type: 'postgres', schema: 'analytics', database: 'dev' } });
}, 60_000);

afterAll(async () => {
  await local?.close();
  await engine?.close();
});

/** The warehouse, recording each submitted statement (a batch as its statements). */
function recording(warehouse: Warehouse): { warehouse: Warehouse; submitted: string[][] } {
  const submitted: string[][] = [];
  const wrapped = Object.create(warehouse) as Warehouse;
  wrapped.submit = (sqls, options) => {
    submitted.push(Array.isArray(sqls) ? sqls : [sqls]);
    return warehouse.submit(sqls, options);
  };
  return { warehouse: wrapped, submitted };
}

const prepare = async (runId: string) => {
  const { warehouse, submitted } = recording(local.warehouse);
  const state = await prepareRun(planRun(manifest, { runId, command: 'run' }), { manifest, dialect: dialects.postgres, warehouse });
  return { state, writes: submitted.filter((sqls) => !/^\s*select\b/i.test(sqls[0]!)) };
};

describe('prepareRun: the setup only when something is missing', () => {
  it('creates the schemas and helpers on the first run, and commits nothing on the next', async () => {
    const first = await prepare('run-1');
    expect(first.writes).toHaveLength(1);
    expect(first.writes[0]!.filter((sql) => sql.startsWith('create schema'))).toEqual([
      'create schema if not exists "analytics"',
      'create schema if not exists "analytics_marts"',
    ]);
    expect(first.writes[0]!.some((sql) => sql.includes('landfall_swap_relation'))).toBe(true);
    expect((await engine.query("select nspname from pg_namespace where nspname like 'analytics%' order by 1")).rows).toEqual([['analytics'], ['analytics_marts']]);

    const second = await prepare('run-2');
    expect(second.writes).toEqual([]);
    expect(second.state.existing).toEqual(first.state.existing);
  }, 60_000);

  it('creates again only what went missing: a dropped schema, a helper whose body changed', async () => {
    await engine.query('drop schema analytics_marts cascade');
    await engine.query(SWAP_FUNCTION_SQL.replace(helperBody(SWAP_FUNCTION_SQL), '\nbegin\n  raise notice \'an older landfall\';\nend\n'));
    const { writes } = await prepare('run-3');
    expect(writes).toHaveLength(1);
    expect(writes[0]!.map((sql) => sql.slice(0, 60).split('(')[0])).toEqual([
      'create schema if not exists "analytics_marts"',
      'create or replace function public.landfall_swap_relation',
    ]);
    expect((await prepare('run-4')).writes).toEqual([]);
  }, 60_000);

  it('reads schemas only in the Redshift dialect (it installs no helpers)', () => {
    const check = dialects.redshift.setupCheck!;
    expect(check.query(['a', 'b'])).not.toMatch(/pg_proc/);
    expect(check.missing(['a', 'b'], [['schema', 'b', null]])).toEqual(['create schema if not exists "a"']);
  });
});
