import { compileManifest } from '../../../src/engine/project/compile-manifest';
import type { ProjectFiles } from '../../../src/engine/project/project-files';

const target = { name: 'dev', type: 'postgres' as const, schema: 'analytics', database: 'dev' };

function files(macros: string): ProjectFiles {
  return {
    root: '/nowhere',
    project: { name: 'p', models: { p: { marts: { '+schema': 'reporting' } } }, data_tests: { p: { '+store_failures': true } } },
    models: [
      { file: 'models/staging/stg_orders.sql', relative: 'staging/stg_orders.sql', text: 'select 1 as id' },
      { file: 'models/marts/fct_orders.sql', relative: 'marts/fct_orders.sql', text: "{{ config(alias='orders') }} select * from {{ ref('stg_orders') }}" },
    ],
    singularTests: [{ file: 'tests/no_rows.sql', relative: 'no_rows.sql', text: "select * from {{ ref('fct_orders') }} where false" }],
    macros: macros ? [{ file: 'macros/naming.sql', relative: 'naming.sql', text: macros }] : [],
    seeds: [{ file: 'seeds/countries.csv', relative: 'countries.csv', text: 'code\nDE\n' }],
    properties: [],
  };
}

const schemas = (macros: string) => {
  const m = compileManifest(files(macros), { target });
  return {
    stg: `${m.models['model.p.stg_orders']!.relation.schema}.${m.models['model.p.stg_orders']!.relation.identifier}`,
    fct: `${m.models['model.p.fct_orders']!.relation.schema}.${m.models['model.p.fct_orders']!.relation.identifier}`,
    seed: m.seeds['seed.p.countries']!.relation.schema,
    audit: m.tests['test.p.no_rows']!.storeFailuresIn?.schema,
  };
};

describe('compileManifest: generate_schema_name and generate_alias_name', () => {
  it("uses dbt's defaults when the project does not override them", () => {
    expect(schemas('')).toEqual({ stg: 'analytics.stg_orders', fct: 'analytics_reporting.orders', seed: 'analytics', audit: 'analytics_dbt_test__audit' });
  });

  it("renders the project's override with the node: resource type, fqn and the custom schema", () => {
    const macros = `{% macro generate_schema_name(custom_schema_name, node) -%}
      {%- if node.resource_type == 'seed' -%}{{ target.schema }}_seeds
      {%- elif custom_schema_name is none -%}{{ target.schema }}_{{ node.fqn[1] }}
      {%- else -%}{{ custom_schema_name | trim }}{%- endif -%}
    {%- endmacro %}`;
    expect(schemas(macros)).toEqual({ stg: 'analytics_staging.stg_orders', fct: 'reporting.orders', seed: 'analytics_seeds', audit: 'dbt_test__audit' });
  });

  it("lets an override call dbt's built-ins, such as generate_schema_name_for_env", () => {
    const macros = `{% macro generate_schema_name(custom_schema_name, node) %}{{ generate_schema_name_for_env(custom_schema_name, node) }}{% endmacro %}
      {% macro generate_alias_name(custom_alias_name=none, node=none) %}{% if node.resource_type == 'model' %}{{ node.name | replace('stg_', 'staging_') }}{% else %}{{ default__generate_alias_name(custom_alias_name, node) }}{% endif %}{% endmacro %}`;
    expect(schemas(macros)).toEqual({ stg: 'analytics.staging_orders', fct: 'analytics.fct_orders', seed: 'analytics', audit: 'analytics' });
  });
});
