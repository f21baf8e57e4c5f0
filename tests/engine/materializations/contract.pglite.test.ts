/**
 * Enforced model contracts end to end on PGlite (plan, prepare, advance; the Data API client on the local endpoint):
 * a violated contract refuses to build with dbt's mismatch table, a kept one builds the table from the contract with
 * PostgreSQL enforcing NOT NULL and the primary key; and the Redshift DDL keeps informational keys, drops checks.
 */
import yaml from 'js-yaml';
import { compileManifest } from '../../../src/engine/compile';
import { dialects, type RunState } from '../../../src/engine';
import type { ProjectFiles, PropertiesFile } from '../../../src/engine/project/project-files';
import { contractMismatches, contractTableSqls, typeFamily, unsupportedConstraintWarnings } from '../../../src/engine/materializations/contract';
import { runToCompletion } from '../../../src/cli/local-build';
import { usePGliteWarehouse } from '../../support/pglite-warehouse';

const model = (name: string, text: string) => ({ file: `models/${name}.sql`, relative: `${name}.sql`, text });
const target = { name: 'local', type: 'postgres' as const, schema: 'shop', database: 'dev' };

const PROPERTIES = `
models:
  - name: orders
    config: {contract: {enforced: true}}
    constraints:
      - type: check
        expression: "amount >= 0"
    columns:
      - name: id
        data_type: integer
        constraints: [{type: not_null}, {type: primary_key}]
      - name: amount
        data_type: numeric(10,2)
      - name: note
        data_type: varchar(20)
  - name: wrong_types
    config: {contract: {enforced: true}}
    columns:
      - {name: id, data_type: int}
      - {name: label, data_type: text}
      - {name: absent, data_type: date}
  - name: duplicate_keys
    config: {contract: {enforced: true}}
    columns:
      - {name: id, data_type: int, constraints: [{type: primary_key}]}
  - name: null_ids
    config: {contract: {enforced: true}}
    columns:
      - {name: id, data_type: int, constraints: [{type: not_null}]}
  - name: checked_view
    config: {contract: {enforced: true}, materialized: view}
    columns:
      - {name: id, data_type: bigint}
`;

function project(ordersSql: string): ProjectFiles {
  return {
    root: '/nowhere',
    project: { name: 'shop', models: { shop: { '+materialized': 'table' } } },
    models: [
      model('orders', ordersSql),
      model('wrong_types', "select 'x' as id, 'y' as label, 1 as extra"),
      model('duplicate_keys', 'select 1 as id union all select 1'),
      model('null_ids', 'select null::int as id'),
      model('checked_view', 'select 1 as id'),
      model('after_orders', "{{ config(materialized='view') }} select id from {{ ref('orders') }}"),
    ],
    seeds: [], macros: [], singularTests: [],
    properties: [{ file: 'models/schema.yml', content: yaml.load(PROPERTIES) as PropertiesFile, text: PROPERTIES }],
  };
}

const db = usePGliteWarehouse();

const rows = db.rows;
const build = (files: ProjectFiles, runId: string) =>
  runToCompletion(compileManifest(files, { target }), { runId, command: 'build' }, { dialect: dialects.postgres, warehouse: db.warehouse });
const nodeOf = (state: RunState, name: string) => state.nodes.find((n) => n.name === name)!;

describe('enforced contracts on PGlite', () => {
  let first: RunState;
  beforeAll(async () => {
    first = await build(project("select 1 as id, 2.5 as amount, 'a'::text as note"), 'run-1');
  }, 60_000);

  it('refuses a model whose columns break its contract, with the table of mismatches, and skips nothing it does not feed', () => {
    const wrong = nodeOf(first, 'wrong_types');
    expect(wrong.status).toBe('error');
    expect(wrong.error).toContain('Compilation Error in model wrong_types (models/wrong_types.sql)\nThis model has an enforced contract that failed.');
    // dbt-core 1.10.23 (dbt-postgres) prints the same rows, sorted by column name.
    expect(wrong.error!.split('\n').slice(-5)).toEqual([
      '| column_name | definition_type | contract_type | mismatch_reason       |',
      '| ----------- | --------------- | ------------- | --------------------- |',
      '| absent      |                 | DATE          | missing in definition |',
      '| extra       | INTEGER         |               | missing in contract   |',
      '| id          | TEXT            | INTEGER       | data type mismatch    |',
    ]);
    expect(wrong.error).not.toMatch(/\| label /);
    expect(nodeOf(first, 'after_orders').status).toBe('success');
  });

  it('builds a kept contract as a table with the declared types, NOT NULL and primary key', async () => {
    expect(nodeOf(first, 'orders').status).toBe('success');
    expect(await rows(`select column_name, data_type, is_nullable, character_maximum_length from information_schema.columns
      where table_schema = 'shop' and table_name = 'orders' order by ordinal_position`)).toEqual([
      ['id', 'integer', 'NO', null], ['amount', 'numeric', 'YES', null], ['note', 'character varying', 'YES', '20'],
    ]);
    expect(await rows(`select constraint_type from information_schema.table_constraints
      where table_schema = 'shop' and table_name = 'orders' and constraint_type in ('PRIMARY KEY', 'CHECK') order by 1`))
      .toEqual(expect.arrayContaining([['CHECK'], ['PRIMARY KEY']]));
    expect(await rows('select id, amount, note from shop.orders')).toEqual([['1', '2.50', 'a']]);
    // The probe tables of built and refused models are gone (a model whose insert failed keeps its probe until its next build).
    expect(await rows("select table_name from information_schema.tables where table_schema = 'shop' and table_name ~ '^(orders|wrong_types)__lf_'")).toEqual([]);
  });

  it('lets PostgreSQL enforce the primary key and NOT NULL', () => {
    expect(nodeOf(first, 'duplicate_keys').status).toBe('error');
    expect(nodeOf(first, 'duplicate_keys').error).toMatch(/duplicate key/);
    expect(nodeOf(first, 'null_ids').status).toBe('error');
    expect(nodeOf(first, 'null_ids').error).toMatch(/null value/);
  });

  it('refuses an integer where the contract says numeric (dbt compares type families)', async () => {
    const state = await build(project("select 9 as id, 3 as amount, 'z' as note"), 'run-int');
    expect(nodeOf(state, 'orders').error).toMatch(/\| amount +\| INTEGER +\| DECIMAL +\| data type mismatch/);
    expect(await rows('select id from shop.orders')).toEqual([['1']]);
  }, 60_000);

  it('checks a view (int against bigint is a mismatch, as in dbt-postgres)', () => {
    expect(nodeOf(first, 'checked_view').status).toBe('error');
    expect(nodeOf(first, 'checked_view').error).toMatch(/\| id +\| INTEGER +\| LONGINTEGER +\| data type mismatch/);
  });

  it('rebuilds an existing contracted table through the staged swap, and a check constraint refuses bad rows', async () => {
    const second = await build(project("select 2 as id, 3.0 as amount, 'b' as note"), 'run-2');
    expect(nodeOf(second, 'orders').error).toBeUndefined();
    expect(nodeOf(second, 'orders').status).toBe('success');
    expect(await rows('select id, amount from shop.orders')).toEqual([['2', '3.00']]);
    const third = await build(project("select 3 as id, -1.0 as amount, 'c' as note"), 'run-3');
    expect(nodeOf(third, 'orders').status).toBe('error');
    expect(nodeOf(third, 'orders').error).toMatch(/check constraint/);
    expect(await rows('select id from shop.orders')).toEqual([['2']]);
  }, 60_000);
});

describe('contract parse errors and DDL', () => {
  it('refuses a contracted column without data_type, naming the file', () => {
    const files = project('select 1 as id');
    const text = 'models:\n  - name: orders\n    config: {contract: {enforced: true}}\n    columns:\n      - name: id\n';
    files.properties = [{ file: 'models/schema.yml', content: yaml.load(text) as PropertiesFile, text }];
    expect(() => compileManifest(files, { target })).toThrow(/models\/schema\.yml:5: model 'orders' has an enforced contract: column 'id' needs a data_type/);
  });

  it("refuses an incremental contract whose on_schema_change is not append_new_columns or fail, in dbt-core's words", () => {
    const files = project('select 1 as id');
    const text = 'models:\n  - name: orders\n    config: {contract: {enforced: true}, materialized: incremental}\n    columns:\n      - {name: id, data_type: int}\n';
    files.properties = [{ file: 'models/schema.yml', content: yaml.load(text) as PropertiesFile, text }];
    expect(() => compileManifest(files, { target })).toThrow(/Invalid value for on_schema_change: ignore\. Models materialized as incremental with contracts enabled must set on_schema_change to 'append_new_columns' or 'fail'/);
  });

  it('compares type families, not spellings', () => {
    expect(typeFamily('character varying(10)')).toBe(typeFamily('text'));
    expect(typeFamily('int4')).toBe(typeFamily('integer'));
    expect(typeFamily('timestamp without time zone')).toBe(typeFamily('timestamp'));
    expect(typeFamily('bigint')).not.toBe(typeFamily('int'));
    expect(contractMismatches({ columns: [{ name: 'ID', dataType: 'varchar(3)', constraints: [] }], constraints: [] }, [{ name: 'id', type: 'text' }])).toEqual([]);
  });

  it('on Redshift declares keys (informational) and NOT NULL, and leaves check constraints out', () => {
    const contract = {
      columns: [{ name: 'id', dataType: 'integer', constraints: [{ type: 'not_null' as const }, { type: 'primary_key' as const }, { type: 'check' as const, expression: 'id > 0' }] }],
      constraints: [{ type: 'unique' as const, columns: ['id'] }],
    };
    const [create, insert] = contractTableSqls({ schema: 's', identifier: 't' }, contract, 'select 1 as id', dialects.redshift, { materialized: 'table', tags: [], enabled: true, dist: 'id' });
    expect(create).toBe('create table "s"."t" ("id" integer not null primary key, unique ("id")) diststyle key distkey("id")');
    expect(insert).toContain('insert into "s"."t" ("id")');
    const [pgCreate] = contractTableSqls({ schema: 's', identifier: 't' }, contract, 'select 1 as id', dialects.postgres, { materialized: 'table', tags: [], enabled: true });
    expect(pgCreate).toBe('create table "s"."t" ("id" integer not null primary key check (id > 0), unique ("id"))');
    const node = { name: 't', config: { materialized: 'table' }, contract } as unknown as Parameters<typeof unsupportedConstraintWarnings>[0];
    expect(unsupportedConstraintWarnings(node, dialects.redshift)).toEqual([
      "model 't': redshift does not enforce primary_key constraints; declared as informational",
      "model 't': redshift does not support check constraints; left out",
      "model 't': redshift does not enforce unique constraints; declared as informational",
    ]);
    expect(unsupportedConstraintWarnings(node, dialects.postgres)).toEqual([]);
  });
});
