/**
 * Snapshots and unit tests end to end on PGlite, in the PostgreSQL dialect and in the Redshift dialect on the strict
 * local engine: a snapshot's history over three loads (update, delete, a deleted row coming back); a failing unit test
 * fails and skips its model and what reads it; configs that cannot run are refused at parse with file and line.
 * (tests/compat/projects/snapshots and unit_tests compare the same with dbt-core.)
 */
import yaml from 'js-yaml';
import { compileManifest } from '../../../src/engine/compile';
import { dialects, type DialectName, type RunState } from '../../../src/engine';
import { planRun } from '../../../src/engine/run/plan-run';
import type { ProjectFiles, PropertiesFile } from '../../../src/engine/project/project-files';
import { runToCompletion } from '../../../src/cli/local-build';
import { StatementStore } from '../../../src/local/data-api/statement-store';
import { InProcessWarehouse } from '../../../src/local/in-process-warehouse';
import { openPGliteEngine, prepareTemplate, sharedTemplateDir } from '../../../src/local/sql-engine/pglite-engine';
import { installRedshiftCompat } from '../../../src/local/sql-engine/install-redshift-compat';
import type { SqlEngine } from '../../../src/local/sql-engine/sql-engine';

const SNAPSHOTS = `
{% snapshot snap_orders %}
{{ config(unique_key='id', strategy='timestamp', updated_at='updated_at', hard_deletes='invalidate') }}
select * from {{ source('raw', 'orders') }}
{% endsnapshot %}

{% snapshot snap_status %}
{{ config(unique_key=['id', 'shop'], strategy='check', check_cols=['status'], hard_deletes='new_record') }}
select id, shop, status from {{ source('raw', 'orders') }}
{% endsnapshot %}
`;

const PROPERTIES = `
sources:
  - name: raw
    tables: [{name: orders}]
unit_tests:
  - name: keeps_open_orders
    model: open_orders
    given:
      - input: ref('snap_orders')
        rows:
          - {id: 1, status: open}
          - {id: 2, status: open, dbt_valid_to: '2024-01-01'}
    expect:
      rows: [{id: 1}]
  - name: counts_wrong
    model: order_counts
    given:
      - input: ref('open_orders')
        format: csv
        rows: |
          id
          1
          2
    expect:
      rows: [{n: 3}]
  - name: a_duplicate_row_is_a_difference
    model: copied_ids
    given:
      - input: ref('open_orders')
        rows: [{id: 7}, {id: 7}]
    expect:
      rows: [{id: 7}]
`;

function project(properties = PROPERTIES, snapshots = SNAPSHOTS): ProjectFiles {
  const model = (name: string, text: string) => ({ file: `models/${name}.sql`, relative: `${name}.sql`, text });
  return {
    root: '/nowhere',
    project: { name: 'shop' },
    models: [
      model('open_orders', "{{ config(materialized='table') }} select id from {{ ref('snap_orders') }} where dbt_valid_to is null"),
      model('order_counts', "{{ config(materialized='table') }} select count(*) as n from {{ ref('open_orders') }}"),
      model('after_counts', 'select n from {{ ref(\'order_counts\') }}'),
      model('copied_ids', 'select id from {{ ref(\'open_orders\') }}'),
    ],
    snapshots: [{ file: 'snapshots/orders.sql', relative: 'orders.sql', text: snapshots }],
    seeds: [], macros: [], singularTests: [],
    properties: [{ file: 'models/schema.yml', content: yaml.load(properties) as PropertiesFile, text: properties }],
  };
}

const LOADS = [
  "create schema raw; create table raw.orders (id int, shop varchar(10), status varchar(20), updated_at timestamp); insert into raw.orders values (1, 'a', 'open', '2024-01-01'), (2, 'a', 'open', '2024-01-01'), (3, 'b', 'open', '2024-01-01')",
  "update raw.orders set status = 'paid', updated_at = '2024-01-02' where id = 1; delete from raw.orders where id = 2",
  "insert into raw.orders values (2, 'a', 'back', '2024-01-03')",
];

describe.each(['postgres', 'redshift'] as DialectName[])('snapshots and unit tests in the %s dialect', (dialect) => {
  let engine: SqlEngine;
  const states: RunState[] = [];
  const rows = async (sql: string) => (await engine.query(sql)).rows.map((r) => r.map((v) => (v === null ? null : String(v))));

  beforeAll(async () => {
    engine = await openPGliteEngine({ inMemory: true, template: await prepareTemplate(sharedTemplateDir()) });
    await installRedshiftCompat(engine);
    const warehouse = new InProcessWarehouse(new StatementStore({ engine, start: 'at-once', redshiftStrict: dialect === 'redshift' }));
    const manifest = compileManifest(project(), { target: { name: 'local', type: dialect, schema: 'shop', database: 'dev' } });
    for (const [i, load] of LOADS.entries()) {
      await engine.query(load);
      states.push(await runToCompletion(manifest, { runId: `${dialect}-${i}`, command: 'build' }, { dialect: dialects[dialect], warehouse }));
    }
  }, 120_000);

  afterAll(async () => {
    await engine?.close();
  });

  it('keeps each version of a row, closes updated and deleted ones, and reopens a returning key', async () => {
    for (const state of states) expect(state.nodes.filter((n) => n.name.startsWith('snap_')).map((n) => [n.name, n.status, n.error])).toEqual([['snap_orders', 'success', undefined], ['snap_status', 'success', undefined]]);
    expect(await rows(`select id, status, cast(dbt_valid_from as varchar), cast(dbt_valid_to as varchar) from shop.snap_orders
      where dbt_valid_to is null or dbt_valid_to < '2025-01-01' order by id, dbt_valid_from`)).toEqual([
      ['1', 'open', '2024-01-01 00:00:00', '2024-01-02 00:00:00'],
      ['1', 'paid', '2024-01-02 00:00:00', null],
      ['2', 'back', '2024-01-03 00:00:00', null],
      ['3', 'open', '2024-01-01 00:00:00', null],
    ]);
    // id 2's first version was closed by the delete (at the run's time), not left open.
    expect(await rows("select count(*) from shop.snap_orders where id = 2 and status = 'open' and dbt_valid_to is not null")).toEqual([['1']]);
  });

  it('records a delete as a new row with dbt_is_deleted (hard_deletes: new_record) and closes it when the key returns', async () => {
    expect(await rows(`select id, status, dbt_is_deleted, case when dbt_valid_to is null then 'open' else 'closed' end from shop.snap_status order by id, dbt_valid_from`)).toEqual([
      ['1', 'open', 'False', 'closed'], ['1', 'paid', 'False', 'open'],
      ['2', 'open', 'False', 'closed'], ['2', 'open', 'True', 'closed'], ['2', 'back', 'False', 'open'],
      ['3', 'open', 'False', 'open'],
    ]);
  });

  it('runs unit tests before their model: a passing one lets it build, a failing one skips it and its dependents', () => {
    const last = states[2]!;
    const node = (id: string) => last.nodes.find((n) => n.id === id)!;
    expect(node('unit_tests:model.shop.open_orders').status).toBe('pass');
    expect(node('model.shop.open_orders').status).toBe('success');
    expect(node('unit_tests:model.shop.order_counts').status).toBe('fail');
    expect(node('model.shop.order_counts').status).toBe('skipped');
    expect(node('model.shop.after_counts').status).toBe('skipped');
    // Rows compare as multisets: the model returns id 7 twice, the expectation once.
    expect(node('unit_tests:model.shop.copied_ids').status).toBe('fail');
    expect(node('unit_tests:model.shop.copied_ids').tests?.map((t) => [t.id, t.failures])).toEqual([['unit_test.shop.copied_ids.a_duplicate_row_is_a_difference', 1]]);
  });
});

describe('parse time', () => {
  const target = { name: 'local', type: 'postgres' as const, schema: 'shop', database: 'dev' };
  const compile = (properties?: string, snapshots?: string) => compileManifest(project(properties, snapshots), { target });

  it('gives snapshots dbt ids and resource type, and unit tests their own run node before the model', () => {
    const manifest = compile();
    expect(manifest.models['snapshot.shop.snap_orders']?.config.materialized).toBe('snapshot');
    expect(manifest.tests['unit_test.shop.order_counts.counts_wrong']?.unitTest).toEqual({ model: 'model.shop.order_counts' });
    const state = planRun(manifest, { runId: 'r', command: 'build', select: ['order_counts'] });
    expect(state.nodes.map((n) => [n.id, n.dependsOn])).toEqual([
      ['unit_tests:model.shop.order_counts', []],
      ['model.shop.order_counts', ['unit_tests:model.shop.order_counts']],
    ]);
    expect(planRun(manifest, { runId: 'r', command: 'test', select: ['test_type:unit'] }).nodes.flatMap((n) => n.testIds ?? []).sort())
      .toEqual(['unit_test.shop.copied_ids.a_duplicate_row_is_a_difference', 'unit_test.shop.open_orders.keeps_open_orders', 'unit_test.shop.order_counts.counts_wrong']);
    expect(planRun(manifest, { runId: 'r', command: 'snapshot' }).nodes.map((n) => n.id).sort()).toEqual(['snapshot.shop.snap_orders', 'snapshot.shop.snap_status']);
    expect(planRun(manifest, { runId: 'r', command: 'run' }).nodes.map((n) => n.id)).not.toContain('snapshot.shop.snap_orders');
  });

  it.each([
    ["{% snapshot s %}{{ config(unique_key='id') }} select 1 as id {% endsnapshot %}", /snapshots\/orders\.sql.*no strategy/],
    ["{% snapshot s %}{{ config(unique_key='id', strategy='timestamp') }} select 1 as id {% endsnapshot %}", /'timestamp' strategy needs updated_at/],
    ["{% snapshot s %}{{ config(unique_key='id', strategy='check', check_cols='status') }} select 1 as id {% endsnapshot %}", /check_cols: 'all' or a list/],
    ["{% snapshot s %}{{ config(unique_key='id', strategy='check', check_cols='all', hard_deletes='purge') }} select 1 as id {% endsnapshot %}", /hard_deletes must be/],
    ["{% snapshot s %}{{ config(strategy='check', check_cols='all') }} select 1 as id {% endsnapshot %}", /unique_key is required/],
    ['select 1 as id', /must hold `\{% snapshot name %\}/],
  ])('refuses a snapshot that cannot run: %s', (snapshots, message) => {
    expect(() => compile(PROPERTIES.replace(/unit_tests:[\s\S]*/, ''), snapshots)).toThrow(message);
  });

  it.each([
    ['unit_tests:\n  - {name: t, model: nowhere, given: [], expect: {rows: [{id: 1}]}}', /unit test 't': model 'nowhere' is not a model/],
    ["unit_tests:\n  - {name: t, model: open_orders, given: [{input: \"ref('ghost')\", rows: []}], expect: {rows: [{id: 1}]}}", /ref\('ghost'\) matches no model/],
    ['unit_tests:\n  - {name: t, model: open_orders, overrides: {env_vars: {A: 1}}, expect: {rows: [{id: 1}]}}', /overrides.env_vars is not supported/],
    ['unit_tests:\n  - {name: t, model: open_orders, expect: {format: csv, fixture: absent}}', /fixture 'absent.csv' not found/],
    ['unit_tests:\n  - {name: t, model: open_orders, expect: {format: json, rows: []}}', /format 'json' is not one of dict, csv, sql/],
  ])('refuses a unit test it cannot run: %s', (unitTests, message) => {
    expect(() => compile(PROPERTIES.replace(/unit_tests:[\s\S]*/, unitTests))).toThrow(message);
  });
});
