/**
 * Ready nodes are submitted longest remaining path first (critical-path-order.ts): with one slot free, the table a
 * chain of models waits for goes before a quick view that ends nothing, though the view comes first in the run.
 */
import { compileManifest } from '../../../src/engine/project/compile-manifest';
import { advanceRun, type RunContext } from '../../../src/engine/run/advance-run';
import { criticalPathFirst, remainingPathMs } from '../../../src/engine/run/critical-path-order';
import { planRun } from '../../../src/engine/run/plan-run';
import { dialects } from '../../../src/engine/dialects';
import type { ProjectFiles } from '../../../src/engine/project/project-files';
import type { RunNode, RunState } from '../../../src/engine/run/run-state';
import type { ResultSet, StatementDescription, SubmitOptions, Warehouse } from '../../../src/engine/warehouse/warehouse';
import { inProcessRenderer } from '../../../src/engine/run/render-in-process';

const node = (id: string, dependsOn: string[], builds: string, status: RunNode['status'] = 'pending'): RunNode => ({ id, kind: 'model', name: id, builds, dependsOn, status });
const state = (nodes: RunNode[], expectedMs: Record<string, number>): RunState => ({
  runId: 'r', command: 'run', startedAt: '2026-01-01T00:00:00Z', fullRefresh: false, vars: {}, concurrency: 1, nodes, existing: {}, iterations: 0, waitSeconds: 0, done: false, expectedMs,
});

describe('remaining path', () => {
  it('is a node\'s expected time plus the longest remaining path of what depends on it; finished nodes add nothing', () => {
    const s = state([
      node('done', [], 'table', 'success'),
      node('view', ['done'], 'view'),
      node('table', ['done'], 'table'),
      node('mart', ['view', 'table'], 'view'),
      node('tail', ['mart'], 'table'),
    ], { view: 2000, table: 30_000 });
    expect(Object.fromEntries(remainingPathMs(s))).toEqual({ done: 62_000, view: 34_000, table: 62_000, mart: 32_000, tail: 30_000 });
  });

  it('orders longest path first, ties in run order', () => {
    const s = state([node('v1', [], 'view'), node('v2', [], 'view'), node('t', [], 'table'), node('v3', ['v1'], 'view')], { view: 2000, table: 30_000 });
    expect(criticalPathFirst(s).map((n) => n.id)).toEqual(['t', 'v1', 'v2', 'v3']);
    const equal = state([node('b', [], 'view'), node('a', [], 'view')], {});
    expect(criticalPathFirst(equal).map((n) => n.id)).toEqual(['b', 'a']);
  });
});

describe('remaining path at scale and in any order', () => {
  const chain = (n: number, runId: string) => ({
    ...state(Array.from({ length: n }, (_, i) => node(`m${i}`, i === 0 ? [] : [`m${i - 1}`], 'view')), { view: 1 }), runId,
  });

  it('walks a chain of 50,000 models without recursing (the first version overflowed the stack)', () => {
    const paths = remainingPathMs(chain(50_000, 'deep'));
    expect(paths.get('m0')).toBe(50_000);
    expect(paths.get('m49999')).toBe(1);
  });

  it('gives the same paths whatever the order of the nodes, and refuses a cycle', () => {
    const nodes = [
      node('done', [], 'table', 'success'), node('view', ['done'], 'view'), node('table', ['done'], 'table'),
      node('mart', ['view', 'table'], 'view'), node('tail', ['mart'], 'table'),
    ];
    const expected = { done: 62_000, view: 34_000, table: 62_000, mart: 32_000, tail: 30_000 };
    const reversed = { ...state([...nodes].reverse(), { view: 2000, table: 30_000 }), runId: 'reversed' };
    expect(Object.fromEntries(remainingPathMs(reversed))).toEqual(expected);
    const cyclic = { ...state([node('a', ['b'], 'view'), node('b', ['a'], 'view')], {}), runId: 'cyclic' };
    expect(() => remainingPathMs(cyclic)).toThrow('run cycle through a');
  });

  it('sees a run\'s changed dependencies under the same run id (the graph kept between steps is checked)', () => {
    const before = state([node('a', [], 'view'), node('b', [], 'view'), node('c', ['a'], 'table')], { view: 1000, table: 5000 });
    expect(criticalPathFirst(before).map((n) => n.id)).toEqual(['a', 'c', 'b']);
    const after = state([node('a', [], 'view'), node('b', [], 'view'), node('c', ['b'], 'table')], { view: 1000, table: 5000 });
    expect(criticalPathFirst(after).map((n) => n.id)).toEqual(['b', 'c', 'a']);
    // Statuses and expected times are read at each call, the graph kept.
    after.nodes[1]!.status = 'success';
    expect(Object.fromEntries(remainingPathMs(after))).toEqual({ a: 1000, b: 5000, c: 5000 });
  });

  it('orders only the nodes asked for', () => {
    const s = state([node('v1', [], 'view'), node('v2', [], 'view'), node('t', [], 'table'), node('v3', ['v1'], 'view')], { view: 2000, table: 30_000 });
    expect(criticalPathFirst(s, (n) => n.id !== 't').map((n) => n.id)).toEqual(['v1', 'v2', 'v3']);
  });
});

class RecordingWarehouse implements Warehouse {
  submitted: string[] = [];
  async submit(sqls: string | string[], options?: SubmitOptions): Promise<string> {
    this.submitted.push(options?.name ?? '');
    return `s${this.submitted.length}`;
  }
  async describe(id: string): Promise<StatementDescription> {
    return { id, status: 'STARTED', hasResultSet: false, resultRows: -1, durationMs: 0 };
  }
  async fetchRows(): Promise<ResultSet> {
    return { columns: [], rows: [] };
  }
  async cancel(): Promise<void> {}
}

describe('advanceRun with one free slot', () => {
  const files: ProjectFiles = {
    root: '/nowhere', project: { name: 'p' },
    models: [
      { file: 'models/a_quick_view.sql', relative: 'a_quick_view.sql', text: 'select 1 as id' },
      { file: 'models/b_big_table.sql', relative: 'b_big_table.sql', text: "{{ config(materialized='table') }} select 1 as id" },
      { file: 'models/c_mart.sql', relative: 'c_mart.sql', text: "{{ config(materialized='table') }} select * from {{ ref('b_big_table') }}" },
    ],
    singularTests: [], macros: [], seeds: [], properties: [],
  };
  const manifest = compileManifest(files, { target: { name: 'dev', type: 'postgres', schema: 'analytics', database: 'dev' } });

  it('submits the table the mart waits for before the view that comes first in the run', async () => {
    const warehouse = new RecordingWarehouse();
    const ctx: RunContext = { manifest, dialect: dialects.postgres, renderer: inProcessRenderer({ manifest, dialect: dialects.postgres }), warehouse, now: () => new Date(0), pollDueOnly: true };
    const planned = planRun(manifest, { runId: 'r1', command: 'run', concurrency: 1 });
    expect(planned.nodes.map((n) => n.name)).toEqual(['a_quick_view', 'b_big_table', 'c_mart']);
    const after = await advanceRun({ ...planned, expectedMs: { view: 1000, table: 40_000 } }, ctx);
    expect(warehouse.submitted).toHaveLength(1);
    expect(warehouse.submitted[0]).toContain('/b_big_table/');
    expect(after.nodes.find((n) => n.name === 'a_quick_view')!.status).toBe('pending');
  });
});
