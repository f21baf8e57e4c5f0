import { dialects } from '../../../src/engine/dialects';
import { planMaterialization } from '../../../src/engine/materializations';
import { compileManifest } from '../../../src/engine/project/compile-manifest';
import type { ProjectFiles } from '../../../src/engine/project/project-files';

const target = { name: 'dev', type: 'postgres' as const, schema: 'analytics', database: 'dev' };

function files(seedsConfig: Record<string, unknown>): ProjectFiles {
  return {
    root: '/nowhere',
    project: { name: 'p', seeds: { p: seedsConfig } },
    models: [{ file: 'models/legacy.sql', relative: 'legacy.sql', text: "{{ config(enabled=false) }} select * from {{ ref('old') }}" }],
    singularTests: [], macros: [],
    seeds: [
      { file: 'seeds/rates.csv', relative: 'rates.csv', text: 'Currency_Code;Rate\nEUR;1.08\nUSD;""\n' },
      { file: 'seeds/archive/old.csv', relative: 'archive/old.csv', text: 'id\n1\n' },
      { file: 'seeds/gaps.csv', relative: 'gaps.csv', text: 'id,name\n1,a\n\n2,b\n\n' },
    ],
    properties: [{
      file: 'seeds/_seeds.yml',
      content: { seeds: [{ name: 'old', columns: [{ name: 'id', data_tests: ['unique'] }] }], models: [{ name: 'legacy', columns: [{ name: 'id', data_tests: ['not_null'] }] }] },
    }],
  } as ProjectFiles;
}

describe('seed configs', () => {
  const manifest = compileManifest(files({ archive: { '+enabled': false }, rates: { '+delimiter': ';', '+quote_columns': false } }), { target });

  it('leaves out disabled seeds and models, and ignores their YAML properties and tests', () => {
    expect(Object.keys(manifest.seeds)).toEqual(['seed.p.rates', 'seed.p.gaps']);
    expect(Object.keys(manifest.models)).toEqual([]);
    expect(manifest.tests).toEqual({});
  });

  it('reads the CSV with its delimiter, empty quoted fields as NULL', () => {
    expect(manifest.seeds['seed.p.rates']).toMatchObject({ columns: ['Currency_Code', 'Rate'], rows: [['EUR', '1.08'], ['USD', null]] });
    expect(manifest.seeds['seed.p.rates']!.columnTypes).toEqual({ Currency_Code: 'text', Rate: 'double precision' });
  });

  it('loads each blank line as a row of NULLs, as dbt seed does (checked with dbt-core 1.11 on PostgreSQL)', () => {
    expect(manifest.seeds['seed.p.gaps']).toMatchObject({ columns: ['id', 'name'], rows: [['1', 'a'], [null, null], ['2', 'b'], [null, null]] });
    expect(manifest.seeds['seed.p.gaps']!.columnTypes).toEqual({ id: 'integer', name: 'text' });
  });

  it('creates lower-case column names when quote_columns is false, as the warehouse folds them', () => {
    const plan = planMaterialization({ node: manifest.seeds['seed.p.rates']!, sql: '', dialect: dialects.postgres, existing: undefined, fullRefresh: false });
    const sqls = plan.steps.flatMap((s) => s.sqls);
    expect(sqls.find((s) => s.startsWith('create table'))).toContain('"currency_code" text, "rate" double precision');
    expect(sqls.find((s) => s.startsWith('insert'))).toContain('("currency_code", "rate")');
  });
});
