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

  it('replaces the audit table with the failing rows up to the limit, as dbt does, then counts from it', () => {
    const audit = { schema: 'a_dbt_test__audit', identifier: 't1' };
    expect(buildTestStatements([
      { id: 't1', sql: 'select * from x where id < 0', limit: 5, storeFailuresIn: audit },
      { id: 't2', sql: 'select * from x where id is null' },
    ])).toEqual([
      'create schema if not exists "a_dbt_test__audit"',
      'drop table if exists "a_dbt_test__audit"."t1" cascade',
      'create table "a_dbt_test__audit"."t1" as (\nselect * from x where id < 0\nlimit 5\n)',
      `select 't1' as test_id, count(*) as failures from (\nselect * from "a_dbt_test__audit"."t1"\n) as test_0\nunion all\nselect 't2' as test_id, count(*) as failures from (\nselect * from x where id is null\n) as test_1`,
    ]);
  });

  it('keeps the failures as a view for store_failures_as: view, and counts with fail_calc', () => {
    const audit = { schema: 'a_dbt_test__audit', identifier: 't1' };
    expect(buildTestStatements([{ id: 't1', sql: 'select 2 as n_records', storeFailuresIn: audit, storeFailuresAs: 'view', failCalc: 'sum(n_records)' }])).toEqual([
      'create schema if not exists "a_dbt_test__audit"',
      'drop view if exists "a_dbt_test__audit"."t1" cascade',
      'create view "a_dbt_test__audit"."t1" as (\nselect 2 as n_records\n)',
      `select 't1' as test_id, sum(n_records) as failures from (\nselect * from "a_dbt_test__audit"."t1"\n) as test_0`,
    ]);
  });

  it('lets store_failures_as override store_failures, ephemeral turning storage off', () => {
    const project = files(undefined);
    project.properties = [{
      file: 'models/_models.yml',
      content: { models: [{ name: 'users', columns: [{ name: 'id', data_tests: [
        { not_null: { config: { store_failures: true, store_failures_as: 'ephemeral' } } },
        { unique: { config: { store_failures_as: 'view', schema: 'audit', alias: 'dupes' } } },
      ] }] }] },
    }];
    const tests = compileManifest(project, { target }).tests;
    expect(tests['test.p.not_null_users_id']!.storeFailuresIn).toBeUndefined();
    expect(tests['test.p.unique_users_id']!.storeFailuresIn).toEqual({ schema: 'analytics_audit', identifier: 'dupes' });
    expect(tests['test.p.unique_users_id']!.storeFailuresAs).toBe('view');
  });

  it('is one counting statement when no test stores its failures', () => {
    expect(buildTestStatements([{ id: 't', sql: 'select 1', limit: 2 }])).toEqual([`select 't' as test_id, count(*) as failures from (\nselect 1\nlimit 2\n) as test_0`]);
  });
});
