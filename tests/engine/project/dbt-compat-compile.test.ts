import { compileManifest } from '../../../src/engine/project/compile-manifest';
import { buildGraph } from '../../../src/engine/graph/graph';
import { selectNodes } from '../../../src/engine/graph/select';
import type { ProjectFiles } from '../../../src/engine/project/project-files';

const target = { name: 'dev', type: 'postgres' as const, schema: 'analytics', database: 'dev' };

function files(overrides: Partial<ProjectFiles> = {}): ProjectFiles {
  return {
    root: '/nowhere',
    project: { name: 'p', models: { p: { marts: { '+tags': ['marts'] } } } },
    models: [
      { file: 'models/stg.sql', relative: 'stg.sql', text: 'select 1 as id, 5 as age' },
      { file: 'models/marts/mart.sql', relative: 'marts/mart.sql', text: "{{ config(tags=['top']) }} select * from {{ ref('stg') }}" },
    ],
    singularTests: [{ file: 'tests/few.sql', relative: 'few.sql', text: "{{ config(warn_if='>=1', error_if='>=3') }} select * from {{ ref('stg') }}" }],
    macros: [{ file: 'tests/generic/is_positive.sql', relative: 'generic/is_positive.sql', text: '{% test is_positive(model, column_name, allow_zero=false) %}select * from {{ model }} where {{ column_name }} < 0{% endtest %}' }],
    seeds: [],
    properties: [{
      file: 'models/_models.yml',
      content: {
        models: [{
          name: 'stg',
          columns: [{
            name: 'age',
            tests: [
              'is_positive',
              { is_positive: { name: 'age_limited', arguments: { allow_zero: true }, config: { where: 'id > 0', limit: 1, error_if: '>2' } } },
              { accepted_values: { arguments: { values: ['a', 'b', 'c', 'd', 'e', 'f'] } } },
            ],
          }],
        }],
      },
    }],
    ...overrides,
  };
}

describe('compileManifest: dbt compatibility', () => {
  const manifest = compileManifest(files(), { target });

  it('compiles custom generic tests into calls of their test_ macro, with dbt names', () => {
    const test = manifest.tests['test.p.is_positive_stg_age']!;
    expect(test.rawSql).toContain("test_is_positive(model=__test_model, column_name=\"age\")");
    const named = manifest.tests['test.p.age_limited']!;
    expect(named.rawSql).toContain('(select * from {{ ref(\'stg\') }} where id > 0) dbt_subquery');
    expect(named.rawSql).toContain('allow_zero=true');
    expect([named.limit, named.errorIf]).toEqual([1, '>2']);
  });

  it('keeps dbt\'s full generic test name even past 64 characters', () => {
    expect(Object.keys(manifest.tests)).toContain('test.p.accepted_values_stg_age__a__b__c__d__e__f');
  });

  it('reads warn_if and error_if from a singular test\'s config', () => {
    expect(manifest.tests['test.p.few']).toMatchObject({ warnIf: '>=1', errorIf: '>=3' });
  });

  it('accumulates tags across folder and in-file config', () => {
    expect(manifest.models['model.p.mart']!.config.tags.sort()).toEqual(['marts', 'top']);
  });

  it('names the unknown generic test and the known ones', () => {
    const broken = files();
    broken.properties[0]!.content.models![0]!.columns![0]!.tests = ['is_postive'];
    expect(() => compileManifest(broken, { target })).toThrow(/unknown generic test 'is_postive'.*is_positive/);
  });

  it('selects a node\'s tests along with it (dbt\'s eager indirect selection)', () => {
    const selected = selectNodes(buildGraph(manifest), ['stg']);
    expect([...selected].filter((id) => id.startsWith('test.')).sort()).toEqual(Object.keys(manifest.tests).sort());
  });
});

describe('compileManifest: seed configs by seed name', () => {
  it('applies column_types given under the seed name in dbt_project.yml, merged with those of YAML properties', () => {
    const manifest = compileManifest(files({
      project: { name: 'p', seeds: { p: { '+schema': 'raw', prices: { '+column_types': { price: 'numeric(10,2)', sku: 'varchar(12)' } } } } },
      seeds: [{ file: 'seeds/prices.csv', relative: 'prices.csv', text: 'sku,price,qty\nA,10.5,2\n' }],
      properties: [{ file: 'seeds/_seeds.yml', content: { seeds: [{ name: 'prices', config: { column_types: { qty: 'bigint' } } }] } }],
    }), { target });
    const seed = manifest.seeds['seed.p.prices']!;
    expect(seed.relation.schema).toBe('analytics_raw');
    expect(seed.columnTypes).toEqual({ sku: 'varchar(12)', price: 'numeric(10,2)', qty: 'bigint' });
  });
});
