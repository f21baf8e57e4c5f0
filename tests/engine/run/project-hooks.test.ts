import { buildGraph } from '../../../src/engine/graph/graph';
import { compileManifest } from '../../../src/engine/project/compile-manifest';
import { advanceRun, type RunEvent } from '../../../src/engine/run/advance-run';
import { planRun } from '../../../src/engine/run/plan-run';
import { onRunEndContext } from '../../../src/engine/run/project-hooks';
import { dialects } from '../../../src/engine/dialects';
import type { ProjectFiles } from '../../../src/engine/project/project-files';
import type { RunCommand, RunState } from '../../../src/engine/run/run-state';
import type { ResultSet, StatementDescription, Warehouse } from '../../../src/engine/warehouse/warehouse';
import { inProcessRenderer } from '../../../src/engine/run/render-in-process';

const target = { name: 'dev', type: 'postgres' as const, schema: 'analytics', database: 'dev' };

/** Statements finish at the next poll; those containing `fail_me` fail. Records what was in flight together. */
class ScriptedWarehouse implements Warehouse {
  submitted: string[] = [];
  inFlightTogether: string[][] = [];
  private running = new Set<string>();
  async submit(sqls: string | string[]): Promise<string> {
    this.submitted.push(Array.isArray(sqls) ? sqls.join(';\n') : sqls);
    const id = `s${this.submitted.length}`;
    this.running.add(id);
    return id;
  }
  async describe(id: string): Promise<StatementDescription> {
    if (this.running.size) this.inFlightTogether.push([...this.running].map((r) => this.submitted[Number(r.slice(1)) - 1]!));
    this.running.delete(id);
    const sql = this.submitted[Number(id.slice(1)) - 1]!;
    const failed = sql.includes('fail_me');
    return { id, status: failed ? 'FAILED' : 'FINISHED', error: failed ? 'ERROR: boom' : undefined, hasResultSet: false, resultRows: 0, durationMs: 1 };
  }
  async fetchRows(): Promise<ResultSet> {
    return { columns: [], rows: [] };
  }
  async cancel(): Promise<void> {}
}

function manifestWith(hooks: { start?: string[]; end?: string[] }, models: Record<string, string> = { a: 'select 1 as id', b: "select * from {{ ref('a') }}" }, extra: Partial<ProjectFiles> = {}) {
  const files: ProjectFiles = {
    root: '/nowhere',
    project: { name: 'shop', ...(hooks.start ? { 'on-run-start': hooks.start } : {}), ...(hooks.end ? { 'on-run-end': hooks.end } : {}) },
    models: Object.entries(models).map(([name, text]) => ({ file: `models/${name}.sql`, relative: `${name}.sql`, text })),
    singularTests: [], macros: [], seeds: [], properties: [],
    ...extra,
  };
  return compileManifest(files, { target });
}

async function runAll(state: RunState, manifest: ReturnType<typeof manifestWith>, warehouse = new ScriptedWarehouse()) {
  const events: RunEvent[] = [];
  const ctx = { manifest, dialect: dialects.postgres, renderer: inProcessRenderer({ manifest, dialect: dialects.postgres }), warehouse, onEvent: (e: RunEvent) => events.push(e) };
  for (let i = 0; i < 50 && !state.done; i++) state = await advanceRun(state, ctx);
  return { state, warehouse, events };
}

describe('on-run-start and on-run-end hooks', () => {
  it('are run nodes with dbt ids: the start hooks first, the end hooks last, each waiting for the one before', () => {
    const manifest = manifestWith({ start: ['select 1', 'select 2'], end: 'select 3' as never });
    const state = planRun(manifest, { runId: 'r', command: 'run' });
    expect(state.nodes.map((n) => n.id)).toEqual([
      'operation.shop.shop-on-run-start-0', 'operation.shop.shop-on-run-start-1', 'model.shop.a', 'model.shop.b', 'operation.shop.shop-on-run-end-0',
    ]);
    expect(state.nodes[1]).toMatchObject({ kind: 'operation', name: 'shop-on-run-start-1', dependsOn: ['operation.shop.shop-on-run-start-0'], hook: { type: 'on-run-start', index: 1 } });
    expect(state.nodes[2]!.dependsOn).toEqual([]);
  });

  it('run for every run command whatever the selection, but not when nothing is selected, and are no graph nodes (ls)', () => {
    const manifest = manifestWith({ start: ['select 1'], end: ['select 2'] }, undefined, {
      seeds: [{ file: 'seeds/s.csv', relative: 's.csv', text: 'x\n1\n' }],
      singularTests: [{ file: 'tests/t.sql', relative: 't.sql', text: "select * from {{ ref('a') }} where false" }],
    });
    for (const command of ['build', 'run', 'seed', 'test'] as RunCommand[]) {
      const state = planRun(manifest, { runId: 'r', command, select: command === 'run' ? ['b'] : [] });
      expect({ command, hooks: state.nodes.filter((n) => n.kind === 'operation').map((n) => n.name) })
        .toEqual({ command, hooks: ['shop-on-run-start-0', 'shop-on-run-end-0'] });
    }
    expect(planRun(manifest, { runId: 'r', command: 'run', select: ['nothing_here'] }).nodes).toEqual([]);
    expect([...buildGraph(manifest).nodes.keys()].some((id) => id.startsWith('operation.'))).toBe(false);
  });

  it('run the start hooks one at a time before any model, and the end hooks after every model', async () => {
    const manifest = manifestWith({ start: ['create table log (x text)', "insert into log values ('{{ target.schema }}')"], end: ["insert into log values ('{{ schemas | join(\",\") }}')"] });
    const { state, warehouse } = await runAll(planRun(manifest, { runId: 'r', command: 'run', concurrency: 8 }), manifest);
    expect(warehouse.submitted[0]).toBe('create table log (x text)');
    expect(warehouse.submitted[1]).toBe("insert into log values ('analytics')");
    expect(warehouse.submitted[2]).toMatch(/create view "analytics"."a"/);
    expect(warehouse.submitted[warehouse.submitted.length - 1]).toBe("insert into log values ('analytics')");
    for (const together of warehouse.inFlightTogether) {
      if (together.some((sql) => sql.includes('log'))) expect(together).toHaveLength(1);
    }
    expect(state.nodes.every((n) => n.status === 'success')).toBe(true);
  });

  it('skip the later start hooks after a failing one, but still run the models and the end hooks (dbt 1.10)', async () => {
    const manifest = manifestWith({ start: ['select 1', 'select fail_me', 'select 3'], end: ['select 4'] });
    const { state } = await runAll(planRun(manifest, { runId: 'r', command: 'run' }), manifest);
    expect(Object.fromEntries(state.nodes.map((n) => [n.name, n.status]))).toEqual({
      'shop-on-run-start-0': 'success', 'shop-on-run-start-1': 'error', 'shop-on-run-start-2': 'skipped', a: 'success', b: 'success', 'shop-on-run-end-0': 'success',
    });
  });

  it('run the end hooks after a failed model and its skipped children, with the results and the schemas built', async () => {
    const manifest = manifestWith({ end: ["insert into log values ('{{ schemas | join(\",\") }}|{% for db, s in database_schemas %}{{ db }}.{{ s }}{% endfor %}|{% for r in results %}{{ r.node.name }}={{ r.status }} {% endfor %}')", 'select fail_me', 'select 6'] }, {
      a: 'select 1 as id', b: "select fail_me from {{ ref('a') }}", c: "select * from {{ ref('b') }}",
    });
    const { state, warehouse } = await runAll(planRun(manifest, { runId: 'r', command: 'run' }), manifest);
    const statuses = Object.fromEntries(state.nodes.map((n) => [n.name, n.status]));
    expect(statuses).toEqual({ a: 'success', b: 'error', c: 'skipped', 'shop-on-run-end-0': 'success', 'shop-on-run-end-1': 'error', 'shop-on-run-end-2': 'skipped' });
    expect(warehouse.submitted).toContain("insert into log values ('analytics|dev.analytics|a=success b=error c=skipped ')");
  });

  it('number their progress events apart from the other nodes, as dbt prints them', async () => {
    const manifest = manifestWith({ start: ['select 1', 'select 2'], end: ['select 3'] });
    const { events } = await runAll(planRun(manifest, { runId: 'r', command: 'run' }), manifest);
    const started = events.filter((e) => e.type === 'node_started').map((e) => `${e.node.name} ${e.index}/${e.total}`);
    expect(started).toEqual(['shop-on-run-start-0 1/2', 'shop-on-run-start-1 2/2', 'a 1/2', 'b 2/2', 'shop-on-run-end-0 1/1']);
  });

  it('give the end hooks only the schemas of successful relations and the failed start hooks', () => {
    const manifest = manifestWith({ start: ['select 1'] }, { a: "{{ config(schema='marts') }} select 1 as id", b: 'select 2 as id' });
    const state = planRun(manifest, { runId: 'r', command: 'run' });
    state.nodes[0]!.status = 'error';
    state.nodes.find((n) => n.name === 'a')!.status = 'success';
    state.nodes.find((n) => n.name === 'b')!.status = 'error';
    const context = onRunEndContext(state, manifest);
    expect(context.schemas).toEqual(['analytics_marts']);
    expect(context.database_schemas).toEqual([['dev', 'analytics_marts']]);
    expect(context.results.map((r) => [(r.node as { name: string }).name, r.status])).toEqual([['shop-on-run-start-0', 'error'], ['a', 'success'], ['b', 'error']]);
  });

  it('accept one hook as a string and reject what is not SQL', () => {
    expect(manifestWith({ start: 'select 1' as never }).projectHooks).toEqual({ 'on-run-start': ['select 1'], 'on-run-end': [] });
    expect(manifestWith({}).projectHooks).toBeUndefined();
    expect(() => manifestWith({ start: [{ sql: 'x' }] as never })).toThrow('dbt_project.yml: on-run-start: each hook must be a SQL string');
  });
});
