import { compileManifest } from '../../../src/engine/project/compile-manifest';
import { advanceRun } from '../../../src/engine/run/advance-run';
import { planRun } from '../../../src/engine/run/plan-run';
import { dialects } from '../../../src/engine/dialects';
import type { ProjectFiles } from '../../../src/engine/project/project-files';
import type { ResultSet, StatementDescription, Warehouse } from '../../../src/engine/warehouse/warehouse';
import { inProcessRenderer } from '../../../src/engine/run/render-in-process';

const target = { name: 'dev', type: 'postgres' as const, schema: 'analytics', database: 'dev' };

/** Every statement finishes at once; every test in a counting query finds one failing row. */
class OneFailureWarehouse implements Warehouse {
  submitted: string[][] = [];
  async submit(sqls: string | string[]): Promise<string> {
    this.submitted.push(typeof sqls === 'string' ? [sqls] : sqls);
    return `s${this.submitted.length}`;
  }
  async describe(id: string): Promise<StatementDescription> {
    return { id, status: 'FINISHED', hasResultSet: true, resultRows: 1, durationMs: 1 };
  }
  async fetchRows(id: string): Promise<ResultSet> {
    const sql = this.submitted[Number(id.split(':')[0]!.slice(1)) - 1]!.join('\n');
    const ids = [...new Set([...sql.matchAll(/'(test\.[^']+)'/g)].map((m) => m[1]!))];
    return { columns: [], rows: ids.map((testId) => [testId, 1]) };
  }
  async cancel(): Promise<void> {}
}

describe('advanceRun: test results', () => {
  it('reports 0 failures for a test that passes under its warn_if, as dbt\'s run results do', async () => {
    const files: ProjectFiles = {
      root: '/nowhere', project: { name: 'p' },
      models: [{ file: 'models/m.sql', relative: 'm.sql', text: 'select 1 as id' }],
      singularTests: [
        { file: 'tests/lenient.sql', relative: 'lenient.sql', text: "{{ config(severity='warn', warn_if='>10') }} select * from {{ ref('m') }}" },
        { file: 'tests/strict.sql', relative: 'strict.sql', text: "select * from {{ ref('m') }}" },
      ],
      macros: [], seeds: [], properties: [],
    };
    const manifest = compileManifest(files, { target });
    let state = planRun(manifest, { runId: 'r1', command: 'build' });
    const ctx = { manifest, dialect: dialects.postgres, renderer: inProcessRenderer({ manifest, dialect: dialects.postgres }), warehouse: new OneFailureWarehouse() };
    for (let i = 0; i < 10 && !state.done; i++) state = await advanceRun(state, ctx);
    const results = state.nodes.flatMap((n) => n.tests ?? []);
    expect(results.map((t) => [t.name, t.status, t.failures]).sort()).toEqual([['lenient', 'pass', 0], ['strict', 'fail', 1]]);
  });
});
