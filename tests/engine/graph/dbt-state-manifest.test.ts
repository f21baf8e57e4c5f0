/**
 * `--state` with dbt-core's manifest.json: a small v12 manifest in dbt-core 1.10's shape (the fields it writes for
 * these nodes), compared with the current project as dbt-core's `state:modified` does. tests/compat/dbt-state.test.ts
 * checks the same against a manifest dbt-core itself wrote.
 */
import { createHash } from 'node:crypto';
import { compileManifest } from '../../../src/engine/compile';
import { buildGraph } from '../../../src/engine/graph/graph';
import { isDbtCoreManifest, readDbtCoreManifest } from '../../../src/engine/graph/dbt-state-manifest';
import { selectNodes } from '../../../src/engine/graph/select';
import type { ProjectFiles } from '../../../src/engine/project/project-files';

const target = { name: 'ci', type: 'postgres' as const, schema: 'ci_42', database: 'dev' };
const model = (name: string, text: string) => ({ file: `models/${name}.sql`, relative: `${name}.sql`, text });
const CENTS = '{% macro cents(x) %}({{ x }} * 100){% endmacro %}';

function project(edits: { orders?: string; macro?: string; customers?: string; extra?: boolean } = {}): ProjectFiles {
  return {
    root: '/nowhere',
    project: { name: 'shop' },
    models: [
      model('orders', edits.orders ?? "select {{ cents('1') }} as amount"),
      model('customers', edits.customers ?? "{{ config(materialized='table') }} select 1 as id"),
      ...(edits.extra ? [model('brand_new', 'select 1 as id')] : []),
    ],
    macros: [{ file: 'macros/cents.sql', relative: 'cents.sql', text: edits.macro ?? CENTS }],
    seeds: [], singularTests: [],
    properties: [{ file: 'models/schema.yml', content: { models: [{ name: 'customers', columns: [{ name: 'id', data_tests: ['not_null'] }] }] } as never }],
  };
}

const node = (name: string, rawCode: string, unrendered: Record<string, unknown>, config: Record<string, unknown>) => ({
  unique_id: `model.shop.${name}`, resource_type: 'model', package_name: 'shop', name, database: 'dev', schema: 'prod', alias: name,
  raw_code: rawCode, original_file_path: `models/${name}.sql`, unrendered_config: unrendered,
  config: { enabled: true, materialized: 'view', tags: [], meta: {}, 'pre-hook': [], 'post-hook': [], ...config },
  contract: { enforced: false, alias_types: true, checksum: null }, columns: {}, checksum: { name: 'sha256', checksum: createHash('sha256').update(rawCode).digest('hex') },
});

/** What dbt-core 1.10 wrote for project() in production (schema `prod`). */
const PRODUCTION = {
  metadata: { dbt_schema_version: 'https://schemas.getdbt.com/dbt/manifest/v12.json', dbt_version: '1.10.23', project_name: 'shop', generated_at: '2026-12-05T00:00:00Z' },
  nodes: {
    'model.shop.orders': node('orders', "select {{ cents('1') }} as amount", {}, {}),
    'model.shop.customers': node('customers', "{{ config(materialized='table') }} select 1 as id", { materialized: 'table' }, { materialized: 'table' }),
    'test.shop.not_null_customers_id.5fb22c2f47': {
      unique_id: 'test.shop.not_null_customers_id.5fb22c2f47', resource_type: 'test', package_name: 'shop', name: 'not_null_customers_id',
      raw_code: '{{ test_not_null(**_dbt_generic_test_kwargs) }}', test_metadata: { name: 'not_null', kwargs: { column_name: 'id' } },
      unrendered_config: {}, config: { severity: 'ERROR', tags: [] }, original_file_path: 'models/schema.yml',
    },
  },
  sources: {},
  macros: { 'macro.shop.cents': { name: 'cents', package_name: 'shop', macro_sql: CENTS } },
};

function select(files: ProjectFiles, selector: string): string[] {
  const manifest = compileManifest(files, { target });
  const { manifest: previous, dbt } = readDbtCoreManifest(PRODUCTION, 'prod/manifest.json');
  const graph = buildGraph(manifest);
  graph.state = { previous, dbtCore: dbt, current: manifest };
  return [...selectNodes(graph, [selector])].sort();
}

describe("--state with dbt-core's manifest.json", () => {
  it('recognizes it, and refuses another schema version naming the versions it reads', () => {
    expect(isDbtCoreManifest(PRODUCTION)).toBe(true);
    expect(isDbtCoreManifest({ landfallVersion: 1 })).toBe(false);
    const v7 = { ...PRODUCTION, metadata: { ...PRODUCTION.metadata, dbt_schema_version: 'https://schemas.getdbt.com/dbt/manifest/v7.json', dbt_version: '1.3.0' } };
    expect(() => readDbtCoreManifest(v7, 'old/manifest.json')).toThrow("old/manifest.json: dbt-core manifest schema v7 (dbt-core 1.3.0) is not read; landfall reads v12 (dbt-core 1.8 to 1.11)");
  });

  it('finds nothing modified in an unchanged project, though the CI schema is not production\'s (relations compare as configured)', () => {
    expect(select(project(), 'state:modified')).toEqual([]);
    // The test matches without dbt-core's hash suffix.
    expect(select(project(), 'state:old')).toEqual(['model.shop.customers', 'model.shop.orders', 'test.shop.not_null_customers_id']);
  });

  it('selects a changed body, a changed config, a new model, and a model whose macro changed', () => {
    expect(select(project({ orders: "select {{ cents('2') }} as amount" }), 'state:modified.body')).toEqual(['model.shop.orders']);
    // As dbt (indirect selection "eager"): a selected model brings its tests.
    expect(select(project({ customers: "{{ config(materialized='view') }} select 1 as id" }), 'state:modified.configs')).toEqual(['model.shop.customers', 'test.shop.not_null_customers_id']);
    expect(select(project({ extra: true }), 'state:new')).toEqual(['model.shop.brand_new']);
    expect(select(project({ macro: '{% macro cents(x) %}({{ x }} * 1000){% endmacro %}' }), 'state:modified.macros')).toEqual(['model.shop.orders']);
    expect(select(project({ customers: "{{ config(materialized='table', schema='marts') }} select 1 as id" }), 'state:modified.relation')).toEqual(['model.shop.customers', 'test.shop.not_null_customers_id']);
  });

  it('defers to the relations dbt-core built, with their database', () => {
    const { manifest } = readDbtCoreManifest(PRODUCTION, 'prod/manifest.json');
    expect(manifest.models['model.shop.orders']!.relation).toEqual({ schema: 'prod', identifier: 'orders', database: 'dev' });
  });
});
