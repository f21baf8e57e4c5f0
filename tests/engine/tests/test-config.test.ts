import { compileManifest } from '../../../src/engine/project/compile-manifest';
import type { ProjectFiles } from '../../../src/engine/project/project-files';

const target = { name: 'dev', type: 'postgres' as const, schema: 'analytics', database: 'dev' };

/** A project with one model in models/staging, its tests in models/staging/_staging.yml, and two singular tests. */
function project(dataTests: Record<string, unknown> | undefined, columnTests: unknown[], modelTests: unknown[] = []): ProjectFiles {
  return {
    root: '/nowhere',
    project: { name: 'p', ...(dataTests ? { data_tests: { p: dataTests } } : {}) },
    models: [{ file: 'models/staging/users.sql', relative: 'staging/users.sql', text: 'select 1 as id' }],
    singularTests: [
      { file: 'tests/audits/no_bad.sql', relative: 'audits/no_bad.sql', text: "select * from {{ ref('users') }} where id < 0" },
      { file: 'tests/no_worse.sql', relative: 'no_worse.sql', text: "{{ config(severity='error', tags=['own']) }} select * from {{ ref('users') }} where id < -1" },
    ],
    macros: [],
    seeds: [],
    properties: [{ file: 'models/staging/_staging.yml', content: { models: [{ name: 'users', data_tests: modelTests, columns: [{ name: 'id', data_tests: columnTests }] }] } }],
  } as ProjectFiles;
}

describe('test configs', () => {
  it("applies dbt_project.yml's data_tests levels along the folder of the test's YAML or SQL file", () => {
    const tests = compileManifest(project({ staging: { '+severity': 'warn', '+tags': ['staging_tests'] }, audits: { '+error_if': '>5' }, '+tags': ['all'] }, ['not_null']), { target }).tests;
    expect(tests['test.p.not_null_users_id']).toMatchObject({ severity: 'warn', tags: ['all', 'staging_tests'] });
    expect(tests['test.p.no_bad']).toMatchObject({ severity: 'error', errorIf: '>5', tags: ['all'] });
  });

  it("lets a test's own config win over the project's, while tags add up", () => {
    const tests = compileManifest(project({ '+severity': 'warn', '+tags': ['all'] }, [{ not_null: { config: { severity: 'error', tags: ['mine'] } } }]), { target }).tests;
    expect(tests['test.p.not_null_users_id']).toMatchObject({ severity: 'error', tags: ['all', 'mine'] });
    expect(tests['test.p.no_worse']).toMatchObject({ severity: 'error', tags: ['all', 'own'] });
  });

  it('leaves out tests with enabled: false, in their config or at the top level', () => {
    const tests = compileManifest(project(undefined, [{ not_null: { config: { enabled: false } } }, { unique: { enabled: false } }]), { target }).tests;
    expect(Object.keys(tests).sort()).toEqual(['test.p.no_bad', 'test.p.no_worse']);
  });

  it('reads fail_calc, and does not take config keys for test arguments', () => {
    const tests = compileManifest(project(undefined, [{ accepted_values: { values: ['a'], fail_calc: 'sum(n_records)', config: { limit: 3 } } }]), { target }).tests;
    const test = tests['test.p.accepted_values_users_id__a']!;
    expect(test).toMatchObject({ failCalc: 'sum(n_records)', limit: 3 });
  });

  it('tests the column a model-level test names in its arguments', () => {
    const tests = compileManifest(project(undefined, [], [{ unique: { arguments: { column_name: 'id' } } }]), { target }).tests;
    expect(tests['test.p.unique_users_id']).toMatchObject({ columnName: 'id' });
    expect(tests['test.p.unique_users_id']!.rawSql).toContain('group by id');
  });
});
