import { compileManifest } from '../../../src/engine/project/compile-manifest';
import { hookTemplates, mergeHooks, withHooks } from '../../../src/engine/materializations/hooks';
import { planFor } from '../../../src/engine/run/advance-run';
import { planRun } from '../../../src/engine/run/plan-run';
import { dialects } from '../../../src/engine/dialects';
import type { Warehouse } from '../../../src/warehouse/warehouse';
import type { ProjectFiles } from '../../../src/engine/project/project-files';

const target = { name: 'dev', type: 'postgres' as const, schema: 'analytics', database: 'dev' };

describe('pre_hook and post_hook', () => {
  it('accumulates hooks over config levels in dbt order, under both spellings', () => {
    expect(mergeHooks([{ 'pre-hook': 'a', 'post-hook': ['p1'] }, { pre_hook: ['b', { sql: 'c' }] }, {}]))
      .toEqual({ 'pre-hook': ['a', 'b', 'c'], 'post-hook': ['p1'] });
    expect(mergeHooks([{}])).toEqual({});
  });

  it('opens the first step with pre-hooks and closes the last step with post-hooks', () => {
    const plan = withHooks({ steps: [{ sqls: ['one'] }, { sqls: ['two'] }] }, ['pre'], ['post1', 'post2']);
    expect(plan.steps).toEqual([{ sqls: ['pre', 'one'] }, { sqls: ['two', 'post1', 'post2'] }]);
  });

  it('renders hooks from dbt_project.yml and config() at run time into the model build transaction', () => {
    const files: ProjectFiles = {
      root: '/nowhere',
      project: { name: 'p', models: { p: { '+materialized': 'table', '+pre-hook': "insert into log values ('start {{ this.name }}')" } } },
      models: [{
        file: 'models/m.sql', relative: 'm.sql',
        text: "{{ config(post_hook=[\"grant select on {{ this }} to {{ target.schema }}_reader\"]) }} select 1 as id",
      }],
      singularTests: [], macros: [], seeds: [], properties: [],
    };
    const manifest = compileManifest(files, { target });
    const model = manifest.models['model.p.m']!;
    expect(hookTemplates(model.config, 'pre')).toEqual(["insert into log values ('start {{ this.name }}')"]);
    const state = planRun(manifest, { runId: 'r', command: 'run' });
    const sqls = planFor(state.nodes[0]!, state, { manifest, dialect: dialects.postgres, warehouse: {} as Warehouse }).steps[0]!.sqls;
    expect(sqls[0]).toBe("insert into log values ('start m')");
    expect(sqls[sqls.length - 1]).toBe('grant select on "analytics"."m" to analytics_reader');
    expect(sqls.some((s) => s.startsWith('create table "analytics"."m" as'))).toBe(true);
  });
});
