/**
 * The adapter and context surface packages call (issue 15 row 11), answered at run time through the run-time
 * query passes, on PGlite through the Redshift Data API client and the local endpoint, for both dialects.
 * Expected values are what dbt-core 1.10 (dbt-postgres) wrote for the same project on PostgreSQL, except where a
 * comment says why landfall differs.
 */
import { compileManifest } from '../../../src/engine/compile';
import { dialects, type RunState } from '../../../src/engine';
import type { DialectName } from '../../../src/engine/target';
import type { ProjectFiles } from '../../../src/engine/project/project-files';
import { runToCompletion } from '../../../src/cli/local-build';
import { usePGliteWarehouse } from '../../support/pglite-warehouse';

const model = (name: string, text: string) => ({ file: `models/${name}.sql`, relative: `${name}.sql`, text });

const project: ProjectFiles = {
  root: '/nowhere',
  project: { name: 'h8a' },
  models: [
    model('base', `{{ config(materialized='table') }}
select 1::int as id, 'open'::varchar(12) as status, 2.50::numeric(10,2) as amount, 'x'::text as note, 1.5::float8 as ratio, now()::timestamp as seen_at`),
    model('narrow', `{{ config(materialized='view') }}
select 1::int as id, 'o'::varchar(3) as status`),
    model('described', `{{ config(materialized='table') }}
{% set cols = adapter.get_columns_in_relation(ref('base')) %}
select '{% for c in cols %}{{ c.name }}|{{ c.dtype }}|{{ c.data_type }}|{{ c.quoted }}|{{ c.is_string() }}|{{ c.is_number() }}|{{ c.char_size }}{% if c.is_string() %}|{{ c.string_size() }}{% endif %};{% endfor %}' as described,
  '{{ adapter.get_missing_columns(ref('base'), ref('narrow')) | map(attribute='name') | join(',') }}' as missing`),
    model('relations', `{{ config(materialized='table') }}
{% set found = adapter.get_relation(database=target.database, schema=target.schema, identifier='narrow') %}
{% set missing = adapter.get_relation(database=target.database, schema=target.schema, identifier='nope') %}
{% set loaded = load_relation(ref('base')) %}
{% set made = api.Relation.create(database=target.database, schema='raw', identifier='orders', type='table') %}
{% set inc = this.incorporate(type='view') %}
select '{{ found.type if found else 'none' }}|{{ found.is_view if found else '' }}|{{ found.identifier if found else '' }}' as found,
  '{{ missing is none }}' as missing,
  '{{ loaded.type if loaded else 'none' }}|{{ loaded.is_table if loaded else '' }}' as loaded,
  '{{ made.is_table }}|{{ made.name }}|{{ made.schema }}|{{ made.include(database=false) }}' as made,
  '{{ inc.is_view }}|{{ inc.type }}|{{ this.type }}|{{ this.quote(identifier=false).include(schema=false) }}' as incorporated,
  '{{ should_full_refresh() }}|{{ flags.FULL_REFRESH }}|{{ flags.WHICH }}|{{ model.unique_id }}|{{ model.name }}|{{ model.resource_type }}|{{ model.package_name }}|{{ model.config.materialized }}' as ctx,
  '{{ graph.nodes["model.h8a.base"].name }}|{{ graph.nodes.values() | selectattr("resource_type", "equalto", "model") | list | length }}' as graph,
  '{{ modules.itertools.combinations([1,2,3], 2) | list }}|{{ adapter.type() }}|{{ adapter.quote("a") }}' as misc`),
    // expand_target_column_types widens narrow string columns of a table to the reference's sizes.
    model('widened', `{{ config(materialized='table') }}
select 'o'::varchar(3) as status, 7::int as id`),
    model('widener', `{% do adapter.expand_target_column_types(from_relation=ref('base'), to_relation=ref('widened')) %}
select 1 as done`),
  ],
  macros: [],
  singularTests: [],
  seeds: [],
  properties: [],
};

const DBT_DESCRIBED = [
  'id|integer|integer|"id"|False|True|None',
  'status|character varying|character varying(12)|"status"|True|False|12|12',
  'amount|numeric|numeric(10,2)|"amount"|False|True|None',
  'note|text|text|"note"|True|False|None|256',
  'ratio|double precision|double precision|"ratio"|False|True|None',
  'seen_at|timestamp without time zone|timestamp without time zone|"seen_at"|False|False|None',
].join(';') + ';';

const db = usePGliteWarehouse();

const rows = db.rows;

describe.each<DialectName>(['postgres', 'redshift'])('the adapter surface on %s', (type) => {
  const schema = `h8a_${type}`;
  let state: RunState;

  beforeAll(async () => {
    const manifest = compileManifest(project, { target: { name: 'ci', type, schema, database: 'dev', user: 'postgres', threads: 3 } });
    state = await runToCompletion(manifest, { runId: `run-${type}`, command: 'run' }, { dialect: dialects[type], warehouse: db.warehouse });
  }, 60_000);

  it('builds every model', () => {
    expect(state.nodes.map((n) => [n.name, n.status, n.error]).sort()).toEqual(
      ['base', 'described', 'narrow', 'relations', 'widened', 'widener'].map((n) => [n, 'success', undefined]),
    );
  });

  it('describes columns as dbt does: names, types, sizes, string and number tests, missing columns', async () => {
    const [[described, missing]] = await rows(`select described, missing from ${schema}.described`) as string[][];
    // Redshift's column class sizes every string, `text` included (Redshift stores text as varchar(256)).
    expect(described).toBe(type === 'postgres' ? DBT_DESCRIBED : DBT_DESCRIBED.replace('note|text|text|', 'note|text|character varying(256)|'));
    expect(missing).toBe('amount,note,ratio,seen_at');
  });

  it('finds relations with their types, creates and incorporates them, and exposes flags, model and graph', async () => {
    const [row] = await rows(`select found, missing, loaded, made, incorporated, ctx, graph, misc from ${schema}.relations`) as string[][];
    expect(row).toEqual([
      'view|True|narrow', 'True', 'table|True', 'True|orders|raw|"raw"."orders"',
      // As dbt prints it: `this` has its database (the target's).
      'True|view|None|"dev".relations',
      'False|False|run|model.h8a.relations|relations|model|h8a|table',
      'base|6',
      `[(1, 2), (1, 3), (2, 3)]|${type}|"a"`,
    ]);
  });

  it('widens a table\'s string columns to the reference relation\'s sizes (expand_target_column_types)', async () => {
    expect(await rows(`select column_name, data_type, character_maximum_length::text from information_schema.columns where table_schema = '${schema}' and table_name = 'widened' order by ordinal_position`))
      .toEqual([['status', 'character varying', '12'], ['id', 'integer', null]]);
  });
});
