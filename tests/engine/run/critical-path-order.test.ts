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
