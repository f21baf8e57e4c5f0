/**
 * Slim CI end to end on PGlite: production builds everything into `prod`; a CI run of a project where one model
 * changed selects `state:modified+` against production's manifest and, with `--defer`, builds only that model and
 * its children into `ci`, reading the unchanged parents from production's relations. Then `result:` selection and
 * `retry` from the run_results.json a build writes.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { compileManifest } from '../../../src/engine/compile';
import { dialects, planRun, type Manifest } from '../../../src/engine';
import type { ProjectFiles } from '../../../src/engine/project/project-files';
import { deferredManifest, loadSelectionState, resourceTypeExcludes, retrySelection, runResultsOf, writeRunResults, readRunResults } from '../../../src/cli/state-flags';
import { runToCompletion } from '../../../src/cli/local-build';
import { connectLocalWarehouse, type LocalWarehouse } from '../../../src/local/local-warehouse';
import { openPGliteEngine, prepareTemplate, sharedTemplateDir } from '../../../src/local/sql-engine/pglite-engine';
import type { SqlEngine } from '../../../src/local/sql-engine/sql-engine';

const model = (name: string, text: string) => ({ file: `models/${name}.sql`, relative: `${name}.sql`, text });
const targetFor = (schema: string) => ({ name: schema, type: 'postgres' as const, schema, database: 'dev' });

function project(changes: { orders?: string; customersTags?: string; macro?: string } = {}): ProjectFiles {
  return {
    root: '/nowhere',
    project: { name: 'shop', models: { shop: { '+materialized': 'table' } } },
    models: [
      model('base', 'select 1 as id union all select 2'),
      model('orders', changes.orders ?? "select id, {{ cents('10') }} as amount from {{ ref('base') }}"),
      model('customers', `{{ config(tags=[${changes.customersTags ?? "'a'"}]) }} select id from {{ ref('base') }}`),
      model('report', "{{ config(materialized='view') }} select id, amount from {{ ref('customers') }} join {{ ref('orders') }} using (id)"),
    ],
    macros: [{ file: 'macros/cents.sql', relative: 'cents.sql', text: changes.macro ?? '{% macro cents(x) %}({{ x }} * 100){% endmacro %}' }],
    seeds: [], singularTests: [], properties: [],
  };
}

let engine: SqlEngine;
let local: LocalWarehouse;
let production: Manifest;

beforeAll(async () => {
  engine = await openPGliteEngine({ inMemory: true, template: await prepareTemplate(sharedTemplateDir()) });
  local = await connectLocalWarehouse(engine);
  production = compileManifest(project(), { target: targetFor('prod') });
  const prod = await runToCompletion(production, { runId: 'prod-1', command: 'build' }, { dialect: dialects.postgres, warehouse: local.warehouse });
  expect(prod.nodes.every((n) => n.status === 'success')).toBe(true);
}, 60_000);

afterAll(async () => {
  await local?.close();
  await engine?.close();
});

const rows = async (sql: string) => (await engine.query(sql)).rows;
const selected = (manifest: Manifest, select: string[]) =>
  planRun(manifest, { runId: 'p', command: 'run', select, selectionState: { previous: production } }).nodes.map((n) => n.name).sort();

describe('state: selection', () => {
  it('finds nothing modified in an unchanged project, and every node of a changed model downstream', () => {
    const same = compileManifest(project(), { target: targetFor('prod') });
    expect(selected(same, ['state:modified'])).toEqual([]);
    const changed = compileManifest(project({ orders: "select id, 7 as amount from {{ ref('base') }}" }), { target: targetFor('prod') });
    expect(selected(changed, ['state:modified'])).toEqual(['orders']);
    expect(selected(changed, ['state:modified.body+'])).toEqual(['orders', 'report']);
    expect(selected(changed, ['state:modified.configs'])).toEqual([]);
  });

  it('tells configs, relations, macros and new nodes apart', () => {
    const tagged = compileManifest(project({ customersTags: "'b'" }), { target: targetFor('prod') });
    expect(selected(tagged, ['state:modified.configs'])).toEqual(['customers']);
    // A config() call is in the file, so its body changed too (dbt compares the file's checksum).
    expect(selected(tagged, ['state:modified.body'])).toEqual(['customers']);
    expect(selected(tagged, ['state:modified.contract'])).toEqual([]);
    // Another target schema: every relation moved.
    expect(selected(compileManifest(project(), { target: targetFor('ci') }), ['state:modified.relation'])).toEqual(['base', 'customers', 'orders', 'report']);
    const macro = compileManifest(project({ macro: '{% macro cents(x) %}({{ x }} * 1000){% endmacro %}' }), { target: targetFor('prod') });
    expect(selected(macro, ['state:modified.macros'])).toEqual(['orders']);
    const files = project();
    files.models.push(model('fresh', 'select 3 as id'));
    expect(selected(compileManifest(files, { target: targetFor('prod') }), ['state:new'])).toEqual(['fresh']);
    // As in dbt-core: a new node is modified by every sub-selector but .macros.
    expect(selected(compileManifest(files, { target: targetFor('prod') }), ['state:modified.body'])).toEqual(['fresh']);
    expect(selected(compileManifest(files, { target: targetFor('prod') }), ['state:modified.macros'])).toEqual([]);
  });

  it('refuses state: without a state manifest, and unknown sub-selectors, saying what to pass', () => {
    const manifest = compileManifest(project(), { target: targetFor('prod') });
    expect(() => planRun(manifest, { runId: 'p', command: 'run', select: ['state:modified'] })).toThrow(/pass --state DIR/);
    expect(() => selected(manifest, ['state:modified.bodies'])).toThrow(/unknown state selector 'state:modified.bodies'/);
  });
});

describe('state:modified+ --defer', () => {
  it('builds only the changed model and its children in the CI schema, reading unchanged parents from production', async () => {
    const ci = compileManifest(project({ orders: "select id, 7 as amount from {{ ref('base') }}" }), { target: targetFor('ci') });
    const request = { runId: 'ci-1', command: 'build' as const, select: ['state:modified.body+'], selectionState: { previous: production } };
    const deferred = deferredManifest(ci, request.selectionState, request);
    expect(deferred.models['model.shop.base']!.relation.schema).toBe('prod');
    expect(deferred.models['model.shop.orders']!.relation.schema).toBe('ci');
    const state = await runToCompletion(deferred, request, { dialect: dialects.postgres, warehouse: local.warehouse });
    expect(state.nodes.map((n) => [n.name, n.status])).toEqual(expect.arrayContaining([['orders', 'success'], ['report', 'success']]));
    expect(state.nodes.map((n) => n.name).sort()).toEqual(['orders', 'report']);
    expect(await rows("select table_name from information_schema.tables where table_schema = 'ci' order by 1")).toEqual([['orders'], ['report']]);
    // report joins production's customers with CI's orders.
    expect(await rows('select id, amount from ci.report order by id')).toEqual([[1, 7], [2, 7]].map((r) => r.map(String)));
    expect(await rows('select amount from prod.orders limit 1')).toEqual([['1000']]);
  }, 60_000);

  it('without --defer, the same selection fails on the missing parents', async () => {
    const ci = compileManifest(project({ orders: "select id, 7 as amount from {{ ref('base') }}" }), { target: targetFor('ci2') });
    const state = await runToCompletion(ci, { runId: 'ci-2', command: 'build', select: ['state:modified.body+'], selectionState: { previous: production } }, { dialect: dialects.postgres, warehouse: local.warehouse });
    expect(state.nodes.find((n) => n.name === 'orders')!.error).toMatch(/ci2.*base.*does not exist|relation "ci2.base" does not exist/);
  }, 60_000);
});

describe('run results, result: and retry', () => {
  it('writes dbt-shaped run_results.json; retry selects what errored or was skipped; --state reads both files', async () => {
    const broken = compileManifest(project({ orders: 'select id, 1 / 0 as amount from {{ ref(\'base\') }}' }), { target: targetFor('r') });
    const args = { which: 'build' as const, select: [], exclude: [], full_refresh: false, vars: {}, threads: 2, resource_types: [] };
    const first = await runToCompletion(broken, { runId: 'r-1', command: 'build' }, { dialect: dialects.postgres, warehouse: local.warehouse });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'landfall-state-'));
    writeRunResults(dir, runResultsOf(first, args, 100));
    const results = readRunResults(dir);
    expect(Object.fromEntries(results.results.map((r) => [r.unique_id, r.status]))).toEqual({
      'model.shop.base': 'success', 'model.shop.customers': 'success', 'model.shop.orders': 'error', 'model.shop.report': 'skipped',
    });
    const retry = retrySelection(results);
    expect(retry.count).toBe(2);
    const fixed = compileManifest(project(), { target: targetFor('r') });
    const again = await runToCompletion(fixed, { runId: 'r-2', command: 'build', select: retry.select, selectionState: loadSelectionState(dir) }, { dialect: dialects.postgres, warehouse: local.warehouse });
    expect(again.nodes.map((n) => [n.name, n.status]).sort()).toEqual([['orders', 'success'], ['report', 'success']]);
    fs.writeFileSync(path.join(dir, 'landfall-manifest.json'), JSON.stringify(production));
    expect(loadSelectionState(dir).previous?.projectName).toBe('shop');
    fs.rmSync(dir, { recursive: true });
  }, 60_000);

  it('--empty builds every model from zero rows of its refs, with the same columns', async () => {
    const manifest = compileManifest(project(), { target: targetFor('e') });
    const state = await runToCompletion(manifest, { runId: 'e-1', command: 'run', empty: true }, { dialect: dialects.postgres, warehouse: local.warehouse });
    expect(state.nodes.filter((n) => n.status !== 'success').map((n) => [n.name, n.error])).toEqual([]);
    expect(await rows('select count(*) from e.orders')).toEqual([['0']]);
    expect(await rows('select count(*) from e.report')).toEqual([['0']]);
    // base has no refs: its own rows stay, as in dbt.
    expect(await rows('select count(*) from e.base')).toEqual([['2']]);
    expect(await rows("select column_name from information_schema.columns where table_schema = 'e' and table_name = 'orders' order by ordinal_position")).toEqual([['id'], ['amount']]);
  }, 60_000);

  it('--resource-type keeps only the listed types', () => {
    const manifest = compileManifest(project(), { target: targetFor('prod') });
    expect(resourceTypeExcludes(['model'])).toContain('resource_type:seed');
    expect(planRun(manifest, { runId: 'p', command: 'build', exclude: resourceTypeExcludes(['seed']) }).nodes).toEqual([]);
    expect(() => resourceTypeExcludes(['modle'])).toThrow(/--resource-type must be one of/);
  });
});
