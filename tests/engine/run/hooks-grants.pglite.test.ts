/**
 * grants, project hooks and seed hooks end to end on PGlite, through the path a run takes (plan, prepare,
 * advance; the Redshift Data API client on the local endpoint).
 */
import { compileManifest } from '../../../src/engine/compile';
import { dialects, type RunState } from '../../../src/engine';
import type { ProjectFiles } from '../../../src/engine/project/project-files';
import { runToCompletion } from '../../../src/cli/local-build';
import { connectLocalWarehouse, type LocalWarehouse } from '../../../src/local/local-warehouse';
import { openPGliteEngine, prepareTemplate, sharedTemplateDir } from '../../../src/local/sql-engine/pglite-engine';
import type { SqlEngine } from '../../../src/local/sql-engine/sql-engine';

const model = (name: string, text: string) => ({ file: `models/${name}.sql`, relative: `${name}.sql`, text });
const target = { name: 'local', type: 'postgres' as const, schema: 'shop', database: 'dev' };

function project(grants: { orders: string; customers: string }): ProjectFiles {
  return {
    root: '/nowhere',
    project: {
      name: 'shop',
      'on-run-start': [
        'create table if not exists {{ target.schema }}.run_log (event text, at timestamp default clock_timestamp())',
        "insert into {{ target.schema }}.run_log (event) values ('start')",
      ],
      'on-run-end': "insert into {{ target.schema }}.run_log (event) values ('end {{ schemas | join(\",\") }} {{ results | length }}')",
      models: { shop: { '+grants': { select: ['lf_reporter'] } } },
      seeds: { shop: { '+post-hook': "insert into {{ target.schema }}.run_log (event) values ('seeded {{ this }}')" } },
    },
    models: [
      // Reads the table an on-run-start hook created.
      model('starts', "{{ config(materialized='table') }} select count(*) as n from {{ target.schema }}.run_log where event = 'start'"),
      model('orders', `{{ config(materialized='incremental', grants=${grants.orders}) }} select 1 as id`),
      model('customers', `{{ config(grants=${grants.customers}, pre_hook=[{'sql': "insert into {{ target.schema }}.run_log (event) values ('outside')", 'transaction': False}]) }} select id from {{ ref('orders') }}`),
      model('broken', "{{ config(materialized='table') }} select 1 / 0 as boom"),
      model('starts_view', "select n from {{ ref('starts') }}"),
    ],
    seeds: [{ file: 'seeds/prices.csv', relative: 'prices.csv', text: 'sku,price\na,1\n' }],
    macros: [], singularTests: [], properties: [],
  };
}

let engine: SqlEngine;
let local: LocalWarehouse;

beforeAll(async () => {
  engine = await openPGliteEngine({ inMemory: true, template: await prepareTemplate(sharedTemplateDir()) });
  local = await connectLocalWarehouse(engine);
  await engine.query('create role lf_reporter; create role lf_analyst; create role lf_loader');
}, 60_000);

afterAll(async () => {
  await local?.close();
  await engine?.close();
});

const rows = async (sql: string) => (await engine.query(sql)).rows;
const grantsOn = (table: string) => rows(`select grantee, lower(privilege_type) from information_schema.role_table_grants
  where table_schema = 'shop' and table_name = '${table}' and grantee <> current_role order by 1, 2`);
const build = (files: ProjectFiles, runId: string) =>
  runToCompletion(compileManifest(files, { target }), { runId, command: 'build' }, { dialect: dialects.postgres, warehouse: local.warehouse });

describe('grants and hooks on PGlite', () => {
  let first: RunState;

  beforeAll(async () => {
    first = await build(project({ orders: "{'+select': ['lf_analyst'], 'insert': ['lf_loader']}", customers: "{'select': ['lf_analyst']}" }), 'run-1');
  }, 60_000);

  it('runs on-run-start before the models that use its table, and on-run-end after a failed model', async () => {
    const byName = Object.fromEntries(first.nodes.map((n) => [n.name, n.status]));
    expect(byName).toMatchObject({ 'shop-on-run-start-0': 'success', 'shop-on-run-start-1': 'success', starts: 'success', broken: 'error', 'shop-on-run-end-0': 'success' });
    expect(await rows('select n from shop.starts')).toEqual([['1']]);
    const events = (await rows('select event from shop.run_log order by at')).map((r) => r[0]);
    expect(events[0]).toBe('start');
    expect(events).toContain('seeded "dev"."shop"."prices"');
    expect(events).toContain('outside');
    // Six results (the seed and five models); only the schema of the successful relations.
    expect(events[events.length - 1]).toBe('end shop 6');
  });

  it('applies the configured grants, merged over the project level', async () => {
    expect(await grantsOn('orders')).toEqual([['lf_analyst', 'select'], ['lf_loader', 'insert'], ['lf_reporter', 'select']]);
    expect(await grantsOn('customers')).toEqual([['lf_analyst', 'select']]);
    expect(await grantsOn('starts')).toEqual([['lf_reporter', 'select']]);
    expect(await grantsOn('prices')).toEqual([]);
  });

  it('revokes what is no longer configured on relations kept in place (an incremental merge, a view)', async () => {
    const second = await build(project({ orders: "{'select': ['lf_reporter']}", customers: "{'update': ['lf_loader']}" }), 'run-2');
    expect(second.nodes.find((n) => n.name === 'orders')!.status).toBe('success');
    expect(await rows('select count(*) from shop.orders')).toEqual([['2']]);
    expect(await grantsOn('orders')).toEqual([['lf_reporter', 'select']]);
    // A config() key replaces only the privilege it names: the project's select stays, the old select to lf_analyst goes.
    expect(await grantsOn('customers')).toEqual([['lf_loader', 'update'], ['lf_reporter', 'select']]);
  }, 60_000);

  it('keeps the grants of a view downstream of a rebuilt table that the run does not build', async () => {
    const files = project({ orders: "{'select': ['lf_reporter']}", customers: "{'update': ['lf_loader']}" });
    const third = await runToCompletion(compileManifest(files, { target }), { runId: 'run-3', command: 'run', select: ['starts'] }, { dialect: dialects.postgres, warehouse: local.warehouse });
    expect(third.nodes.filter((n) => n.kind === 'model').map((n) => [n.name, n.status])).toEqual([['starts', 'success']]);
    expect(await rows('select n from shop.starts_view')).toEqual([['3']]);
    expect(await grantsOn('starts_view')).toEqual([['lf_reporter', 'select']]);
  }, 60_000);
});
