/**
 * dbt's model versions end to end on PGlite: each version is its own node and relation (`dim_v1`, `dim_v2`),
 * `ref('dim', v=1)` / `version=2` read that version, `ref('dim')` reads `latest_version`, versions' columns come from
 * include/exclude, and `-s dim` / `-s dim.v2` select as dbt does.
 */
import yaml from 'js-yaml';
import { compileManifest } from '../../../src/engine/compile';
import { dialects, planRun, type RunState } from '../../../src/engine';
import type { ProjectFiles, PropertiesFile } from '../../../src/engine/project/project-files';
import { runToCompletion } from '../../../src/cli/local-build';
import { usePGliteWarehouse } from '../../support/pglite-warehouse';

const model = (name: string, text: string) => ({ file: `models/${name}.sql`, relative: `${name}.sql`, text });
const target = { name: 'local', type: 'postgres' as const, schema: 'shop', database: 'dev' };

const PROPERTIES = `
models:
  - name: dim
    latest_version: 1
    config: {materialized: table}
    columns:
      - {name: id, data_type: int, data_tests: [not_null]}
      - {name: label, data_type: text, data_tests: [not_null]}
    versions:
      - v: 1
      - v: 2
        config: {contract: {enforced: true}}
        columns:
          - {include: all, exclude: [label]}
          - {name: code, data_type: text}
      - v: 3
        defined_in: dim_next
`;

function project(): ProjectFiles {
  return {
    root: '/nowhere',
    project: { name: 'shop' },
    models: [
      model('dim_v1', "select 1 as id, 'old' as label"),
      model('dim_v2', "select 2 as id, 'two' as code"),
      model('dim_next', 'select 3 as id'),
      model('reads_v1', "select id from {{ ref('dim', v=1) }}"),
      model('reads_v2', "select id from {{ ref('dim', version=2) }}"),
      model('reads_latest', "select id from {{ ref('dim') }}"),
      model('reads_v3', "select id from {{ ref('shop', 'dim', v='3') }}"),
    ],
    seeds: [], macros: [], singularTests: [],
    properties: [{ file: 'models/schema.yml', content: yaml.load(PROPERTIES) as PropertiesFile, text: PROPERTIES }],
  };
}

const db = usePGliteWarehouse();

const rows = db.rows;

describe('model versions', () => {
  const manifest = compileManifest(project(), { target });

  it('makes each version a node of its own with a version-suffixed relation', () => {
    expect(manifest.models['model.shop.dim.v1']).toMatchObject({ name: 'dim', version: '1', latestVersion: '1', relation: { identifier: 'dim_v1' } });
    expect(manifest.models['model.shop.dim.v2']).toMatchObject({ name: 'dim', version: '2', relation: { identifier: 'dim_v2' } });
    expect(manifest.models['model.shop.dim.v3']).toMatchObject({ relation: { identifier: 'dim_v3' }, origin: { file: 'models/dim_next.sql' } });
    expect(manifest.models['model.shop.reads_v1']!.dependsOn).toEqual(['model.shop.dim.v1']);
    expect(manifest.models['model.shop.reads_v2']!.dependsOn).toEqual(['model.shop.dim.v2']);
    expect(manifest.models['model.shop.reads_latest']!.dependsOn).toEqual(['model.shop.dim.v1']);
    expect(manifest.models['model.shop.reads_v3']!.dependsOn).toEqual(['model.shop.dim.v3']);
  });

  it("gives a version the model's columns narrowed by include/exclude, plus its own", () => {
    expect(manifest.models['model.shop.dim.v2']!.contract!.columns.map((c) => c.name)).toEqual(['id', 'code']);
    expect(manifest.models['model.shop.dim.v1']!.contract).toBeUndefined();
  });

  it("attaches the model's tests to each version that has the column", () => {
    const tests = Object.values(manifest.tests).map((t) => [t.name, t.attachedTo]).sort();
    expect(tests).toEqual([
      ['not_null_dim_v1_id', 'model.shop.dim.v1'], ['not_null_dim_v1_label', 'model.shop.dim.v1'],
      ['not_null_dim_v2_id', 'model.shop.dim.v2'], ['not_null_dim_v3_id', 'model.shop.dim.v3'], ['not_null_dim_v3_label', 'model.shop.dim.v3'],
    ]);
  });

  it('selects every version by name, one by name.vN or name_vN', () => {
    const selected = (select: string) => planRun(manifest, { runId: 'r', command: 'run', select: [select] }).nodes.map((n) => n.id).sort();
    expect(selected('dim')).toEqual(['model.shop.dim.v1', 'model.shop.dim.v2', 'model.shop.dim.v3']);
    expect(selected('dim.v2')).toEqual(['model.shop.dim.v2']);
    expect(selected('dim_v3')).toEqual(['model.shop.dim.v3']);
  });

  it('reads the version a ref names, and the latest for an unversioned ref', async () => {
    const state: RunState = await runToCompletion(manifest, { runId: 'run-1', command: 'run' }, { dialect: dialects.postgres, warehouse: db.warehouse });
    expect(state.nodes.filter((n) => n.status !== 'success').map((n) => [n.name, n.error])).toEqual([]);
    expect(await rows('select id from shop.reads_v1')).toEqual([['1']]);
    expect(await rows('select id from shop.reads_v2')).toEqual([['2']]);
    expect(await rows('select id from shop.reads_latest')).toEqual([['1']]);
    expect(await rows('select id from shop.reads_v3')).toEqual([['3']]);
    expect(await rows("select table_name from information_schema.tables where table_schema = 'shop' and table_name like 'dim%' order by 1"))
      .toEqual([['dim_v1'], ['dim_v2'], ['dim_v3']]);
  }, 60_000);

  it('refuses a ref to a version the model does not have, listing its versions', () => {
    const files = project();
    files.models.push(model('reads_v9', "select id from {{ ref('dim', v=9) }}"));
    expect(() => compileManifest(files, { target })).toThrow(/models\/reads_v9\.sql:1: ref\('dim', v=9\): model 'dim' has no version 9 \(its versions: 1, 2, 3\)/);
  });

  it('refuses a latest_version that is not a version, naming the file', () => {
    const files = project();
    const text = PROPERTIES.replace('latest_version: 1', 'latest_version: 7');
    files.properties = [{ file: 'models/schema.yml', content: yaml.load(text) as PropertiesFile, text }];
    expect(() => compileManifest(files, { target })).toThrow(/models\/schema\.yml:3: model 'dim': latest_version 7 is not one of its versions \(1, 2, 3\)/);
  });
});
