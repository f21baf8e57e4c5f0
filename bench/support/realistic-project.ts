/**
 * Writes a generated dbt project shaped like the projects people write, not like dbt-core's "simple models"
 * performance project (which the static parser compiles without Jinja):
 *
 * - a quarter of the models are staging views over a declared source, renaming columns in a `{% for %}` loop over a
 *   `{% set %}` dict;
 * - the rest are marts (views, tables and incrementals) over one or two earlier models, calling a project macro in a
 *   loop, dbt_utils' `generate_surrogate_key` and `safe_divide`, with an `is_incremental()` block;
 * - every model is documented in YAML (a schema file per folder of 100 models) with `unique` + `not_null` on its key
 *   and `accepted_values` on `status` (3 tests per model);
 * - dbt_utils comes from ../shared/dbt-packages/dbt_utils as a `local:` package in packages.yml, installed into
 *   dbt_packages/ as a symlink, as `dbt deps` and `landfall deps` install local packages.
 */
import fs from 'node:fs';
import path from 'node:path';

export const DBT_UTILS_DIR = path.resolve(__dirname, '../../../shared/dbt-packages/dbt_utils');

const pad = (i: number) => String(i).padStart(5, '0');
const isStaging = (i: number) => i % 4 === 0;
export const realisticModelName = (i: number) => (isStaging(i) ? `stg_orders_${pad(i)}` : `fct_orders_${pad(i)}`);
const folderOf = (i: number) => path.join(isStaging(i) ? 'staging' : 'marts', `group_${String(Math.floor(i / 100)).padStart(3, '0')}`);
export const realisticModelFile = (i: number) => path.join('models', folderOf(i), `${realisticModelName(i)}.sql`);

function stagingSql(i: number): string {
  return [
    "{{ config(materialized='view', tags=['staging']) }}",
    "{%- set renames = {'id': 'order_id', 'user_id': 'customer_id', 'order_status': 'status', 'amount_cents': 'amount', 'tax_cents': 'tax', 'shipping_cents': 'shipping', '_loaded_at': 'updated_at'} -%}",
    'select',
    '{%- for source_column, column in renames.items() %}',
    "    {{ source_column }} as {{ column }}{{ ',' if not loop.last }}",
    '{%- endfor %}',
    `from {{ source('raw_shop', 'orders_${pad(i)}') }}`,
    '',
  ].join('\n');
}

function martMaterialization(i: number): 'view' | 'table' | 'incremental' {
  const slot = i % 8;
  return slot >= 5 ? 'incremental' : slot >= 3 ? 'table' : 'view';
}

/** A mart over the nearest earlier staging model, and (every other mart) a second earlier model joined on its key. */
function martSql(i: number): string {
  const materialized = martMaterialization(i);
  const upstream = realisticModelName(i - (i % 4));
  const second = i % 2 === 1 && i > 4 ? realisticModelName(Math.floor(i / 2)) : undefined;
  const config = materialized === 'incremental'
    ? "{{ config(materialized='incremental', unique_key='order_key', on_schema_change='append_new_columns', tags=['mart']) }}"
    : `{{ config(materialized='${materialized}', tags=['mart']) }}`;
  return [
    config,
    "{%- set amount_columns = ['amount', 'tax', 'shipping'] -%}",
    'with base as (',
    `    select * from {{ ref('${upstream}') }}`,
    ...(materialized === 'incremental' ? ['    {% if is_incremental() %}', '    where updated_at > (select max(updated_at) from {{ this }})', '    {% endif %}'] : []),
    ')',
    ...(second ? [`, other as (select order_id, status as other_status from {{ ref('${second}') }})`] : []),
    'select',
    "    {{ dbt_utils.generate_surrogate_key(['base.order_id', 'base.customer_id']) }} as order_key,",
    '    base.order_id,',
    '    base.customer_id,',
    '    base.status,',
    '{%- for column in amount_columns %}',
    '    {{ cents_to_dollars(column) }} as {{ column }}_usd,',
    '{%- endfor %}',
    "    {{ dbt_utils.safe_divide('base.tax', 'base.amount') }} as tax_rate,",
    ...(second ? ['    other.other_status,'] : []),
    '    base.updated_at',
    'from base',
    ...(second ? ['left join other on other.order_id = base.order_id'] : []),
    '',
  ].join('\n');
}

const MACROS = `{% macro cents_to_dollars(column, scale=2) %}
    round(({{ column }} / 100.0)::numeric, {{ scale }})
{% endmacro %}

{% macro status_values() %}{{ return(['placed', 'shipped', 'completed', 'returned']) }}{% endmacro %}
`;

function schemaYml(models: number[]): string {
  const lines = ['version: 2', '', 'models:'];
  for (const i of models) {
    const key = isStaging(i) ? 'order_id' : 'order_key';
    lines.push(
      `  - name: ${realisticModelName(i)}`,
      `    description: "${isStaging(i) ? 'Orders of shop ' + pad(i) + ', renamed and typed' : 'Order facts for shop ' + pad(i) + ', in dollars'}"`,
      '    columns:',
      `      - name: ${key}`,
      '        description: "The primary key"',
      '        data_tests: [unique, not_null]',
      '      - name: status',
      '        description: "{{ doc(\'order_status\') }}"',
      '        data_tests:',
      '          - accepted_values:',
      '              arguments:',
      "                values: ['placed', 'shipped', 'completed', 'returned']",
      '      - name: updated_at',
      '        description: "When the row last changed"',
    );
  }
  return `${lines.join('\n')}\n`;
}

function sourcesYml(stagingModels: number[]): string {
  const lines = ['version: 2', '', 'sources:', '  - name: raw_shop', '    schema: raw_shop', '    loaded_at_field: _loaded_at',
    '    freshness:', '      warn_after: {count: 12, period: hour}', '    tables:'];
  for (const i of stagingModels) lines.push(`      - name: orders_${pad(i)}`, '        columns:', '          - name: id', '            data_tests: [not_null]');
  return `${lines.join('\n')}\n`;
}

function profile(databaseUrl: string): string {
  const u = new URL(databaseUrl);
  return ['bench:', '  target: local', '  outputs:', '    local:', '      type: postgres', `      host: ${u.hostname}`, `      port: ${u.port || 5432}`,
    `      user: ${u.username}`, `      password: "${u.password}"`, `      dbname: ${u.pathname.slice(1)}`, '      schema: bench', '      threads: 1', ''].join('\n');
}

/** Writes the project into `dir` (created) and returns every file it wrote, relative to `dir`. */
export function generateRealisticProject(dir: string, count: number, databaseUrl = 'postgres://postgres@127.0.0.1:54329/landfall'): string[] {
  if (!fs.existsSync(path.join(DBT_UTILS_DIR, 'dbt_project.yml'))) throw new Error(`dbt_utils not found at ${DBT_UTILS_DIR}`);
  const files: Record<string, string> = {
    'dbt_project.yml': ['name: bench', 'version: "1.0.0"', 'profile: bench', 'models:', '  bench:', '    +materialized: view', '    marts:', '      +schema: marts', ''].join('\n'),
    'profiles.yml': profile(databaseUrl),
    'packages.yml': `packages:\n  - local: ${DBT_UTILS_DIR}\n`,
    'macros/shop.sql': MACROS,
    'models/docs.md': '{% docs order_status %}\nOne of placed, shipped, completed, returned.\n{% enddocs %}\n',
  };
  const byFolder = new Map<string, number[]>();
  for (let i = 0; i < count; i++) {
    files[realisticModelFile(i)] = isStaging(i) ? stagingSql(i) : martSql(i);
    byFolder.set(folderOf(i), [...(byFolder.get(folderOf(i)) ?? []), i]);
  }
  for (const [folder, models] of byFolder) files[path.join('models', folder, '_schema.yml')] = schemaYml(models);
  files['models/staging/_sources.yml'] = sourcesYml(Array.from({ length: count }, (_, i) => i).filter(isStaging));

  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
  fs.mkdirSync(path.join(dir, 'dbt_packages'), { recursive: true });
  fs.symlinkSync(DBT_UTILS_DIR, path.join(dir, 'dbt_packages', 'dbt_utils'));
  // Files modified within 2 s of a read are read again by landfall's parse cache (git's "racily clean" rule).
  const anHourAgo = new Date(Date.now() - 3_600_000);
  for (const file of Object.keys(files)) fs.utimesSync(path.join(dir, file), anHourAgo, anHourAgo);
  return Object.keys(files);
}

/** Counts of what the project holds, for the report. */
export function realisticProjectShape(count: number): { models: number; staging: number; marts: number; tests: number; sourceTests: number } {
  const staging = Array.from({ length: count }, (_, i) => i).filter(isStaging).length;
  return { models: count, staging, marts: count - staging, tests: 3 * count, sourceTests: staging };
}
