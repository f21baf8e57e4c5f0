import { compileManifest } from '../../../src/engine/project/compile-manifest';
import { buildTestStatements } from '../../../src/engine/tests/test-batch';
import type { ProjectFiles } from '../../../src/engine/project/project-files';

const target = { name: 'dev', type: 'postgres' as const, schema: 'analytics', database: 'dev' };

describe('store_failures', () => {
  const files = (projectTests: Record<string, unknown> | undefined): ProjectFiles => ({
    root: '/nowhere',
    project: { name: 'p', ...(projectTests ? { data_tests: { p: projectTests } } : {}) },
    models: [{ file: 'models/users.sql', relative: 'users.sql', text: 'select 1 as id' }],
    singularTests: [{ file: 'tests/no_bad.sql', relative: 'no_bad.sql', text: "{{ config(store_failures=true) }} select * from {{ ref('users') }} where id < 0" }],
    macros: [],
    seeds: [],
    properties: [{
      file: 'models/_models.yml',
      content: { models: [{ name: 'users', columns: [{ name: 'id', data_tests: ['not_null', { unique: { config: { store_failures: false } } }] }] }] },
    }],
  });

  it("stores a test's failures in <schema>_dbt_test__audit under the test's alias, test config over project config", () => {
    const tests = compileManifest(files({ '+store_failures': true }), { target }).tests;
    expect(tests['test.p.not_null_users_id']!.storeFailuresIn).toEqual({ schema: 'analytics_dbt_test__audit', identifier: 'not_null_users_id' });
    expect(tests['test.p.unique_users_id']!.storeFailuresIn).toBeUndefined();
    expect(tests['test.p.no_bad']!.storeFailuresIn).toEqual({ schema: 'analytics_dbt_test__audit', identifier: 'no_bad' });
    const off = compileManifest(files(undefined), { target }).tests;
    expect(off['test.p.not_null_users_id']!.storeFailuresIn).toBeUndefined();
  });

  it('replaces the audit table with every failing row, then counts from it with the limit', () => {
    const audit = { schema: 'a_dbt_test__audit', identifier: 't1' };
    expect(buildTestStatements([
      { id: 't1', sql: 'select * from x where id < 0', limit: 5, storeFailuresIn: audit },
      { id: 't2', sql: 'select * from x where id is null' },
    ])).toEqual([
      'create schema if not exists "a_dbt_test__audit"',
      'drop table if exists "a_dbt_test__audit"."t1" cascade',
      'create table "a_dbt_test__audit"."t1" as (\nselect * from x where id < 0\n)',
      `select 't1' as test_id, count(*) as failures from (\nselect * from "a_dbt_test__audit"."t1"\nlimit 5\n) as test_0\nunion all\nselect 't2' as test_id, count(*) as failures from (\nselect * from x where id is null\n) as test_1`,
    ]);
  });

  it('is one counting statement when no test stores its failures', () => {
    expect(buildTestStatements([{ id: 't', sql: 'select 1', limit: 2 }])).toEqual([`select 't' as test_id, count(*) as failures from (\nselect 1\nlimit 2\n) as test_0`]);
  });
});
