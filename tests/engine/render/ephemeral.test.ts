import { compileManifest } from '../../../src/engine/project/compile-manifest';
import { injectCtes, renderNodeSql } from '../../../src/engine/render/render-node';
import { planRun } from '../../../src/engine/run/plan-run';
import type { ProjectFiles } from '../../../src/engine/project/project-files';

const target = { name: 'dev', type: 'postgres' as const, schema: 'analytics', database: 'dev' };

const project: ProjectFiles = {
  root: '/nowhere',
  project: { name: 'p' },
  models: [
    { file: 'models/eph_a.sql', relative: 'eph_a.sql', text: "{{ config(materialized='ephemeral') }} select id from {{ ref('base') }}" },
    { file: 'models/eph_b.sql', relative: 'eph_b.sql', text: "{{ config(materialized='ephemeral') }} select a.id from {{ ref('eph_a') }} a" },
    { file: 'models/base.sql', relative: 'base.sql', text: 'select 1 as id' },
    { file: 'models/top.sql', relative: 'top.sql', text: "with x as (select * from {{ ref('eph_b') }}) select * from x join {{ ref('eph_a') }} using (id)" },
    { file: 'models/plain.sql', relative: 'plain.sql', text: "select * from {{ ref('eph_b') }}" },
  ],
  singularTests: [],
  macros: [],
  seeds: [],
  properties: [],
};
const manifest = compileManifest(project, { target });
const render = (name: string) => renderNodeSql(manifest, manifest.models[`model.p.${name}`]!, {
  vars: {}, isIncremental: false, invocationId: 'r', runStartedAt: new Date(0),
});

describe('ephemeral models', () => {
  it('injects the CTEs of ephemeral refs, recursively and dependencies first, as a new with clause', () => {
    expect(render('plain')).toBe(
      'with __dbt__cte__eph_a as (\nselect id from "dev"."analytics"."base"\n), __dbt__cte__eph_b as (\nselect a.id from __dbt__cte__eph_a a\n) select * from __dbt__cte__eph_b',
    );
  });

  it('joins the CTEs into a model that starts with its own with, each CTE once', () => {
    const sql = render('top');
    expect(sql.startsWith('with __dbt__cte__eph_a as (')).toBe(true);
    expect(sql).toContain('), __dbt__cte__eph_b as (');
    expect(sql).toContain(') , x as (select * from __dbt__cte__eph_b) select * from x join __dbt__cte__eph_a using (id)'.replace(') , ', '), '));
    expect(sql.match(/__dbt__cte__eph_a as/g)).toHaveLength(1);
  });

  it('keeps leading comments before the with keyword and leaves SQL without ephemeral refs alone', () => {
    expect(injectCtes('-- note\nWITH y as (select 1) select * from y', [{ name: 'c', sql: 'select 2' }]))
      .toBe('-- note\nWITH c as (\nselect 2\n), y as (select 1) select * from y');
    expect(injectCtes('select 1', [])).toBe('select 1');
  });

  it("runs a test on an ephemeral model with the model's CTEs, after the ephemeral model's parents", () => {
    const withTest = compileManifest({
      ...project,
      singularTests: [{ file: 'tests/eph_ok.sql', relative: 'eph_ok.sql', text: "select * from {{ ref('eph_a') }} where id < 0" }],
    }, { target });
    const state = planRun(withTest, { runId: 'r', command: 'build', select: ['eph_a'] });
    expect(state.nodes.map((n) => [n.id, n.dependsOn])).toEqual([['tests:model.p.eph_a', []]]);
    const all = planRun(withTest, { runId: 'r', command: 'build' });
    expect(all.nodes.find((n) => n.id === 'tests:model.p.eph_a')!.dependsOn).toEqual(['model.p.base']);
    expect(renderNodeSql(withTest, withTest.tests['test.p.eph_ok']!, { vars: {}, isIncremental: false, invocationId: 'r', runStartedAt: new Date(0) }))
      .toBe('with __dbt__cte__eph_a as (\nselect id from "dev"."analytics"."base"\n) select * from __dbt__cte__eph_a where id < 0');
  });

  it('never builds an ephemeral model, and waits for the parents of the ephemeral models a model reads', () => {
    const state = planRun(manifest, { runId: 'r', command: 'run' });
    expect(state.nodes.map((n) => n.name).sort()).toEqual(['base', 'plain', 'top']);
    expect(state.nodes.find((n) => n.name === 'plain')!.dependsOn).toEqual(['model.p.base']);
  });
});
