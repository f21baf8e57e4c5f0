import { compileManifest } from '../../../src/engine/project/compile-manifest';
import { hookTemplates, mergeHooks, withHooks } from '../../../src/engine/materializations/hooks';
import { planFor } from '../../../src/engine/run/plan-node';
import { planRun } from '../../../src/engine/run/plan-run';
import { dialects } from '../../../src/engine/dialects';
import type { ProjectFiles } from '../../../src/engine/project/project-files';
import type { RunNode, RunState } from '../../../src/engine/run/run-state';

const target = { name: 'dev', type: 'postgres' as const, schema: 'analytics', database: 'dev' };

function project(overrides: Partial<ProjectFiles>): ProjectFiles {
  return { root: '/nowhere', project: { name: 'p' }, models: [], singularTests: [], macros: [], seeds: [], properties: [], ...overrides };
}

/** The plan of the run node `id` in a fresh run, with `existing` relations (and the columns a first step fetched). */
function planOf(files: ProjectFiles, id: string, existing: RunState['existing'] = {}, extra: Partial<RunState> = {}, columns?: RunNode['columns']) {
  const manifest = compileManifest(files, { target });
  const state = { ...planRun(manifest, { runId: 'r', command: 'build' }), existing, ...extra };
  const node = { ...state.nodes.find((n) => n.id === id)!, ...(columns ? { columns } : {}) };
  return planFor(node, state, { manifest, dialect: dialects.postgres });
}

describe('pre_hook and post_hook', () => {
  it('accumulates hooks over config levels in dbt order, under both spellings', () => {
    expect(mergeHooks([{ 'pre-hook': 'a', 'post-hook': ['p1'] }, { pre_hook: ['b', { sql: 'c' }] }, {}]))
      .toEqual({ 'pre-hook': ['a', 'b', 'c'], 'post-hook': ['p1'] });
    expect(mergeHooks([{}])).toEqual({});
  });

  it("keeps a hook's transaction: false", () => {
    expect(mergeHooks([{ post_hook: [{ sql: 'vacuum t', transaction: false }, { sql: 'select 1', transaction: true }] }]))
      .toEqual({ 'post-hook': [{ sql: 'vacuum t', transaction: false }, 'select 1'] });
    expect(hookTemplates({ 'post-hook': [{ sql: 'vacuum t', transaction: false }, 'select 1'] } as never, 'post'))
      .toEqual([{ sql: 'vacuum t', transaction: false }, { sql: 'select 1', transaction: true }]);
  });

  it('opens the first step with pre-hooks and closes the last step with post-hooks', () => {
    const plan = withHooks({ steps: [{ sqls: ['one'] }, { sqls: ['two'] }] }, ['pre'], ['post1', 'post2']);
    expect(plan.steps).toEqual([{ sqls: ['pre', 'one'] }, { sqls: ['two', 'post1', 'post2'] }]);
  });

  it('runs hooks with transaction: false as steps of their own, before the first and after the last', () => {
    const plan = withHooks(
      { steps: [{ sqls: ['build'] }] },
      [{ sql: 'before begin', transaction: false }, { sql: 'inside pre', transaction: true }],
      [{ sql: 'after commit', transaction: false }, { sql: 'inside post', transaction: true }],
      ['grant select on t to "r"'],
    );
    expect(plan.steps).toEqual([
      { sqls: ['before begin'] },
      { sqls: ['inside pre', 'build', 'grant select on t to "r"', 'inside post'] },
      { sqls: ['after commit'] },
    ]);
  });

  it('adds nothing at the end of a plan still waiting for columns, and drops hooks that render empty', () => {
    const plan = withHooks({ steps: [{ sqls: ['build', 'columns'], fetchColumns: true }] }, ['  '], [{ sql: 'after', transaction: false }, 'inside'], ['grant']);
    expect(plan.steps).toEqual([{ sqls: ['build', 'columns'], fetchColumns: true }]);
  });

  it('renders hooks from dbt_project.yml and config() at run time into the model build transaction', () => {
    const files = project({
      project: { name: 'p', models: { p: { '+materialized': 'table', '+pre-hook': "insert into log values ('start {{ this.name }}')" } } },
      models: [{
        file: 'models/m.sql', relative: 'm.sql',
        text: "{{ config(post_hook=[\"grant select on {{ this }} to {{ target.schema }}_reader\"]) }} select 1 as id",
      }],
    });
    const manifest = compileManifest(files, { target });
    expect(hookTemplates(manifest.models['model.p.m']!.config, 'pre')).toEqual([{ sql: "insert into log values ('start {{ this.name }}')", transaction: true }]);
    const sqls = planOf(files, 'model.p.m').steps[0]!.sqls;
    expect(sqls[0]).toBe("insert into log values ('start m')");
    expect(sqls[sqls.length - 1]).toBe('grant select on "dev"."analytics"."m" to analytics_reader');
    expect(sqls.some((s) => s.startsWith('create table "analytics"."m" as'))).toBe(true);
  });

  it('runs the hooks of every dbt_project.yml folder level, outermost first, then YAML and config() hooks', () => {
    const files = project({
      project: { name: 'p', models: { p: { '+post-hook': 'select 1', marts: { '+post-hook': ['select 2'] } } } },
      models: [{ file: 'models/marts/m.sql', relative: 'marts/m.sql', text: "{{ config(post_hook='select 4') }} select 1 as id" }],
      properties: [{ file: 'models/marts/m.yml', content: { models: [{ name: 'm', config: { post_hook: 'select 3' } }] } }],
    });
    const sqls = planOf(files, 'model.p.m').steps[0]!.sqls;
    expect(sqls.slice(-4)).toEqual(['select 1', 'select 2', 'select 3', 'select 4']);
  });

  it("runs a model's transaction: false hooks outside its build transaction", () => {
    const files = project({
      models: [{
        file: 'models/m.sql', relative: 'm.sql',
        text: "{{ config(materialized='table', pre_hook=[{'sql': 'select 0', 'transaction': False}], post_hook=[{'sql': 'vacuum {{ this }}', 'transaction': False}, 'select 2']) }} select 1 as id",
      }],
    });
    const { steps } = planOf(files, 'model.p.m');
    expect(steps.map((s) => s.sqls[s.sqls.length - 1])).toEqual(['select 0', 'select 2', 'vacuum "dev"."analytics"."m"']);
    expect(steps[1]!.sqls[0]).toMatch(/^create table "analytics"."m" as/);
  });
});

describe('seed hooks', () => {
  const seedFiles = (seedConfig: Record<string, unknown>) => project({
    project: { name: 'p', seeds: { p: { '+pre-hook': "delete from audit where seed = '{{ this.name }}'" } } },
    seeds: [{ file: 'seeds/prices.csv', relative: 'prices.csv', text: 'sku,price\na,1\n' }],
    properties: [{ file: 'seeds/seeds.yml', content: { seeds: [{ name: 'prices', config: seedConfig }] } }],
  });

  it('renders them with this as the seed table, in the load transaction, and accumulates folder and YAML hooks', () => {
    const { steps } = planOf(seedFiles({ post_hook: ["insert into audit values ('{{ this }}')", { sql: 'analyze {{ this }}', transaction: false }] }), 'seed.p.prices');
    expect(steps).toHaveLength(2);
    expect(steps[0]!.sqls[0]).toBe("delete from audit where seed = 'prices'");
    expect(steps[0]!.sqls.some((s) => s.startsWith('insert into "analytics"."prices__lf_new_'))).toBe(true);
    expect(steps[0]!.sqls[steps[0]!.sqls.length - 1]).toBe('insert into audit values (\'"dev"."analytics"."prices"\')');
    expect(steps[1]!.sqls).toEqual(['analyze "dev"."analytics"."prices"']);
  });

  it('grants on the reloaded seed after the swap, before the post-hooks', () => {
    const { steps } = planOf(seedFiles({ grants: { select: ['reporter'] }, post_hook: 'select 1' }), 'seed.p.prices', { 'analytics.prices': { kind: 'table', columns: ['sku'], extraGrants: { select: ['old_reader'] } } });
    const sqls = steps[0]!.sqls;
    // The seed is swapped in as a new table: nothing to revoke.
    expect(sqls.slice(-2)).toEqual(['grant select on "analytics"."prices" to "reporter"', 'select 1']);
    expect(sqls.some((s) => s.startsWith('revoke'))).toBe(false);
  });
});

describe('grants in model plans', () => {
  const files = (text: string, yamlGrants?: Record<string, unknown>) => project({
    project: { name: 'p', models: { p: { '+grants': { select: ['reporter'] }, marts: { '+grants': { '+select': ['analyst'] } } } } },
    models: [{ file: 'models/marts/m.sql', relative: 'marts/m.sql', text }],
    properties: yamlGrants ? [{ file: 'models/marts/m.yml', content: { models: [{ name: 'm', config: { grants: yamlGrants } }] } }] : [],
  });

  it("merges folder, YAML and config() grants as dbt does ('+' adds, otherwise a privilege is replaced)", () => {
    const manifest = compileManifest(files("{{ config(grants={'+select': ['Auditor'], 'insert': 'loader'}) }} select 1 as id", { select: ['yaml_reader'] }), { target });
    expect(manifest.models['model.p.m']!.config.grants).toEqual({ select: ['yaml_reader', 'auditor'], insert: ['loader'] });
    const folderOnly = compileManifest(files('select 1 as id'), { target });
    expect(folderOnly.models['model.p.m']!.config.grants).toEqual({ select: ['reporter', 'analyst'] });
  });

  it('reports a malformed grants config with its file', () => {
    expect(() => compileManifest(files("{{ config(grants={'select; drop': ['x']}) }} select 1 as id"), { target }))
      .toThrow("models/marts/m.sql: grants: 'select; drop' is not a privilege");
  });

  it('grants on a rebuilt table without revoking (the swapped-in table holds no grants)', () => {
    const { steps } = planOf(files("{{ config(materialized='table', post_hook='select 9') }} select 1 as id"), 'model.p.m', { 'analytics.m': { kind: 'table', columns: ['id'], extraGrants: { select: ['gone'] } } });
    expect(steps[0]!.sqls.slice(-2)).toEqual(['grant select on "analytics"."m" to "reporter", "analyst"', 'select 9']);
  });

  it('revokes grants no longer configured on a view replaced in place and on an incremental merge', () => {
    const held = { select: ['reporter', 'gone'], insert: ['analyst'] };
    const view = planOf(files('select 1 as id'), 'model.p.m', { 'analytics.m': { kind: 'view', columns: [], extraGrants: held } });
    expect(view.steps[0]!.sqls.slice(-3)).toEqual([
      'revoke select on "analytics"."m" from "gone"',
      'revoke insert on "analytics"."m" from "analyst"',
      'grant select on "analytics"."m" to "reporter", "analyst"',
    ]);
    const columns = { 'analytics.m': [{ name: 'id', type: 'integer' }], 'analytics.m__lf_delta': [{ name: 'id', type: 'integer' }] };
    const merge = planOf(files("{{ config(materialized='incremental', on_schema_change='append_new_columns') }} select 1 as id"), 'model.p.m', { 'analytics.m': { kind: 'table', columns: ['id'], extraGrants: held } }, {}, columns);
    const last = merge.steps[merge.steps.length - 1]!.sqls;
    expect(last.filter((s) => /^(revoke|grant)/.test(s))).toEqual(view.steps[0]!.sqls.slice(-3));
    expect(last.some((s) => s.startsWith('insert into "analytics"."m"'))).toBe(true);
  });

  it('grants on a first build', () => {
    const { steps } = planOf(files('select 1 as id'), 'model.p.m');
    expect(steps[0]!.sqls).toEqual([expect.stringMatching(/^create view "analytics"."m"/), 'grant select on "analytics"."m" to "reporter", "analyst"']);
  });
});

describe('hooks and grants on partitioned models', () => {
  it('open the first month step with pre-hooks and close the last publish step with grants and post-hooks', () => {
    const files = project({
      models: [{
        file: 'models/fct.sql', relative: 'fct.sql',
        text: "{{ config(materialized='incremental', partition_by={'field': 'created_at', 'granularity': 'month'}, grants={'select': ['reporter']}, pre_hook='select 0', post_hook=['select 9', {'sql': 'vacuum {{ this }}', 'transaction': False}]) }} select 1 as id, now() as created_at",
      }],
    });
    const partitions = { 'model.p.fct': { window: { start: '2026-10-14T00:00:00.000Z', end: '2026-11-15T00:00:00.000Z', source: 'vars' as const }, months: ['2026-10', '2026-11'], existingMonths: [], columns: ['id', 'created_at'], mode: 'rebuild' as const, runId: 'r' } };
    const { steps } = planOf(files, 'model.p.fct', {}, { partitions });
    expect(steps[0]!.sqls[0]).toBe('select 0');
    const publish = steps[steps.length - 2]!.sqls;
    expect(publish.slice(-2)).toEqual(['grant select on "analytics"."fct" to "reporter"', 'select 9']);
    expect(steps[steps.length - 1]!.sqls).toEqual(['vacuum "dev"."analytics"."fct"']);
  });
});
