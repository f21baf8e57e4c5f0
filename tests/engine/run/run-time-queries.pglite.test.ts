/**
 * run_query, statement/load_result and `execute` end to end: a small project built on PGlite through the
 * same path a run takes (plan, prepare, advance; the Redshift Data API client on the local endpoint).
 */
import { compileManifest } from '../../../src/engine/compile';
import { dialects, summarizeRun, type RunState } from '../../../src/engine';
import type { ProjectFiles } from '../../../src/engine/project/project-files';
import { runToCompletion } from '../../../src/cli/local-build';
import { connectLocalWarehouse, type LocalWarehouse } from '../../../src/local/local-warehouse';
import { openPGliteEngine, prepareTemplate, sharedTemplateDir } from '../../../src/local/sql-engine/pglite-engine';
import type { SqlEngine } from '../../../src/local/sql-engine/sql-engine';

const model = (name: string, text: string) => ({ file: `models/${name}.sql`, relative: `${name}.sql`, text });

const project: ProjectFiles = {
  root: '/nowhere',
  // An on-run-end hook that writes through run_query and renders to nothing.
  project: { name: 'shop', 'on-run-end': ["{% do run_query(\"insert into raw.audit values ('on-run-end')\") %}"] },
  models: [
    model('stg_payments', 'select order_id, payment_method, amount from raw.payments'),
    // dbt's pivot recipe: the payment methods come from the warehouse at run time.
    model('order_payments', `{{ config(materialized='table') }}
{% set methods_query %}select distinct payment_method from {{ ref('stg_payments') }} order by 1{% endset %}
{% set results = run_query(methods_query) %}
{% if execute %}{% set methods = results.columns[0].values() %}{% else %}{% set methods = [] %}{% endif %}
select order_id{% for m in methods %},
  sum(case when payment_method = '{{ m }}' then amount else 0 end) as {{ m }}_amount{% endfor %}
from {{ ref('stg_payments') }}
group by 1`),
    // A macro with {% call statement %} and load_result, and a count through run_query(...).columns[0].values()[0].
    model('payment_stats', `{{ config(materialized='table', pre_hook="{% do run_query(\\"insert into raw.audit values ('payment_stats')\\") %}") }}
{% set biggest = largest_amount(ref('stg_payments')) %}
{% if execute %}{% set n = run_query('select count(*) from ' ~ ref('stg_payments')).columns[0].values()[0] %}{% else %}{% set n = 0 %}{% endif %}
select {{ n }} as payments, {{ biggest }} as largest_amount, {{ 'true' if execute else 'false' }} as executed`),
  ],
  macros: [{
    file: 'macros/largest_amount.sql',
    relative: 'largest_amount.sql',
    text: `{% macro largest_amount(relation) %}
  {% call statement('largest', fetch_result=True, auto_begin=False) %}
    select max(amount) as largest from {{ relation }}
  {% endcall %}
  {% if execute %}{{ return(load_result('largest')['data'][0][0]) }}{% else %}{{ return(0) }}{% endif %}
{% endmacro %}`,
  }],
  singularTests: [],
  seeds: [],
  properties: [],
};

let engine: SqlEngine;
let local: LocalWarehouse;

beforeAll(async () => {
  engine = await openPGliteEngine({ inMemory: true, template: await prepareTemplate(sharedTemplateDir()) });
  local = await connectLocalWarehouse(engine);
  await engine.query(`create schema raw;
    create table raw.payments (order_id int, payment_method text, amount int);
    insert into raw.payments values (1, 'card', 10), (1, 'cash', 5), (2, 'card', 7), (3, 'gift', 20);
    create table raw.audit (model text)`);
}, 60_000);

afterAll(async () => {
  await local?.close();
  await engine?.close();
});

/** Rows as text, as the engine returns them. */
const rows = async (sql: string) => (await engine.query(sql)).rows;

describe('run-time queries on PGlite', () => {
  let state: RunState;

  beforeAll(async () => {
    const manifest = compileManifest(project, { target: { name: 'local', type: 'postgres', schema: 'analytics', database: 'dev' } });
    state = await runToCompletion(manifest, { runId: 'run-1', command: 'run' }, { dialect: dialects.postgres, warehouse: local.warehouse });
  }, 60_000);

  it('builds every model', () => {
    expect(state.nodes.map((n) => [n.name, n.status, n.error])).toEqual([
      ['stg_payments', 'success', undefined], ['order_payments', 'success', undefined], ['payment_stats', 'success', undefined],
      ['shop-on-run-end-0', 'success', undefined],
    ]);
    expect(summarizeRun(state).failed).toBe(false);
    // Results are dropped from the run state once a node succeeds.
    expect(state.nodes.every((n) => n.queryResults === undefined)).toBe(true);
  });

  it('pivots on the values run_query read from the warehouse', async () => {
    expect(await rows('select order_id, card_amount, cash_amount, gift_amount from analytics.order_payments order by 1')).toEqual([
      ['1', '10', '5', '0'], ['2', '7', '0', '0'], ['3', '0', '0', '20'],
    ]);
  });

  it('reads results through statement/load_result and run_query(...).columns[0].values()[0], with execute true', async () => {
    expect(await rows('select payments, largest_amount, executed::text from analytics.payment_stats')).toEqual([['4', '20', 'true']]);
  });

  it('runs a statement with side effects once, however many times the node renders', async () => {
    expect(await rows('select model from raw.audit')).toEqual([['payment_stats'], ['on-run-end']]);
  });

  it('fails only the model whose query fails, naming the file and the database error', async () => {
    const broken: ProjectFiles = {
      ...project,
      project: { name: 'shop' },
      models: [model('broken', "{% set r = run_query('select * from raw.missing') %}select 1 as id"), model('fine', 'select 1 as id')],
      macros: [],
    };
    const manifest = compileManifest(broken, { target: { name: 'local', type: 'postgres', schema: 'analytics', database: 'dev' } });
    const result = await runToCompletion(manifest, { runId: 'run-2', command: 'run' }, { dialect: dialects.postgres, warehouse: local.warehouse });
    const byName = Object.fromEntries(result.nodes.map((n) => [n.name, n]));
    expect(byName.fine!.status).toBe('success');
    expect(byName.broken!.status).toBe('error');
    expect(byName.broken!.error).toMatch(/^models\/broken.sql: run_query\/statement failed: .*raw\.missing.* does not exist/);
  }, 60_000);

  it("runs a post-hook's queries after the build, as dbt does (they read the relation just built)", async () => {
    await engine.query('create table raw.post_counts (model text, n int)');
    // Counts `this` through run_query in each post-hook: before the build the relation does not exist (first model)
    // or still has yesterday's rows (second, built over an older table); a seed counts its own rows too.
    const counting = "{% set n = run_query('select count(*) from ' ~ this).columns[0].values()[0] if execute else 0 %}insert into raw.post_counts values ('{{ this.identifier }}', {{ n }})";
    await engine.query('create table analytics.rebuilt as select 1 as id');
    const hooked: ProjectFiles = {
      ...project,
      project: { name: 'shop' },
      models: [
        model('fresh', `{{ config(materialized='table', post_hook=${JSON.stringify(counting)}) }}select generate_series(1, 3) as id`),
        model('rebuilt', `{{ config(materialized='table', post_hook=[${JSON.stringify(counting)}, {'sql': "insert into raw.post_counts values ('outside', 0)", 'transaction': false}]) }}select generate_series(1, 5) as id`),
        model('plain_hook', "{{ config(post_hook=\"insert into raw.post_counts values ('plain', 0)\") }}select 1 as id"),
      ],
      macros: [],
    };
    const manifest = compileManifest(hooked, { target: { name: 'local', type: 'postgres', schema: 'analytics', database: 'dev' } });
    const result = await runToCompletion(manifest, { runId: 'run-3', command: 'run' }, { dialect: dialects.postgres, warehouse: local.warehouse });
    expect(result.nodes.map((n) => [n.name, n.status, n.error]).sort()).toEqual([
      ['fresh', 'success', undefined], ['plain_hook', 'success', undefined], ['rebuilt', 'success', undefined],
    ]);
    expect(await rows('select model, n from raw.post_counts order by model')).toEqual([
      ['fresh', '3'], ['outside', '0'], ['plain', '0'], ['rebuilt', '5'],
    ]);
  }, 60_000);
});
