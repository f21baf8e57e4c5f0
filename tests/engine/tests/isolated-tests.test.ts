import { compileManifest } from '../../../src/engine/project/compile-manifest';
import { advanceRun } from '../../../src/engine/run/advance-run';
import { planRun } from '../../../src/engine/run/plan-run';
import { dialects } from '../../../src/engine/dialects';
import type { ProjectFiles } from '../../../src/engine/project/project-files';
import type { ResultSet, StatementDescription, Warehouse } from '../../../src/engine/warehouse/warehouse';
import { inProcessRenderer } from '../../../src/engine/run/render-in-process';

const target = { name: 'dev', type: 'postgres' as const, schema: 'analytics', database: 'dev' };

/**
 * Statements finish at once; one that mentions `no_such_column` fails as PostgreSQL would. A counting
 * query answers one row per test it counts, with 2 failures for `not_null` tests and none for others.
 */
class ScriptedWarehouse implements Warehouse {
  submitted: string[][] = [];
  async submit(sqls: string | string[]): Promise<string> {
    this.submitted.push(typeof sqls === 'string' ? [sqls] : sqls);
    return `s${this.submitted.length}`;
  }
  async describe(id: string): Promise<StatementDescription> {
    const sqls = this.submitted[Number(id.slice(1)) - 1]!;
    const broken = sqls.some((s) => s.includes('no_such_column'));
    return broken
      ? { id, status: 'FAILED', error: 'ERROR: column "no_such_column" does not exist', hasResultSet: false, resultRows: 0, durationMs: 1 }
      : { id, status: 'FINISHED', hasResultSet: true, resultRows: 0, durationMs: 1 };
  }
  async fetchRows(id: string): Promise<ResultSet> {
    const sql = this.submitted[Number(id.slice(1)) - 1]!.at(-1)!;
    const ids = [...sql.matchAll(/select '([^']+)' as test_id/g)].map((m) => m[1]!);
    return { columns: [], rows: ids.map((testId) => [testId, testId.includes('not_null') ? 2 : 0]) };
  }
  async cancel(): Promise<void> {}
}

function manifest() {
  const files: ProjectFiles = {
    root: '/nowhere', project: { name: 'p' },
    models: [
      { file: 'models/users.sql', relative: 'users.sql', text: "{{ config(materialized='table') }} select 1 as id" },
      { file: 'models/user_count.sql', relative: 'user_count.sql', text: "select count(*) from {{ ref('users') }}" },
    ],
    singularTests: [{ file: 'tests/broken.sql', relative: 'broken.sql', text: "select no_such_column from {{ ref('users') }}" }],
    macros: [], seeds: [],
    properties: [{ file: 'models/_models.yml', content: { models: [{ name: 'users', columns: [{ name: 'id', data_tests: ['not_null', 'unique'] }] }] } }],
  };
  return compileManifest(files, { target });
}

describe('a tests node whose batch fails', () => {
  it('runs its tests one at a time, so only the broken test errors and the others keep their own status', async () => {
    const m = manifest();
    const warehouse = new ScriptedWarehouse();
    let state = planRun(m, { runId: 'r1', command: 'build' });
    const ctx = { manifest: m, dialect: dialects.postgres, renderer: inProcessRenderer({ manifest: m, dialect: dialects.postgres }), warehouse };
    for (let i = 0; i < 20 && !state.done; i++) state = await advanceRun(state, ctx);

    const testsNode = state.nodes.find((n) => n.kind === 'tests')!;
    expect(Object.fromEntries(testsNode.tests!.map((t) => [t.name, [t.status, t.failures]]))).toEqual({
      broken: ['error', 0],
      not_null_users_id: ['fail', 2],
      unique_users_id: ['pass', 0],
    });
    expect(testsNode.status).toBe('error');
    expect(testsNode.error).toContain('no_such_column');
    // The batch, then each of the three tests alone.
    expect(warehouse.submitted.filter((sqls) => sqls.some((s) => s.includes('as test_id')))).toHaveLength(4);
    expect(state.nodes.find((n) => n.name === 'user_count')!.status).toBe('skipped');
  });
});
