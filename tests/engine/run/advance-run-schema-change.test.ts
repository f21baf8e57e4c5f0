import { compileManifest } from '../../../src/engine/project/compile-manifest';
import { advanceRun } from '../../../src/engine/run/advance-run';
import { planRun } from '../../../src/engine/run/plan-run';
import { dialects } from '../../../src/engine/dialects';
import { stagingRelation } from '../../../src/engine/dialects/dialect';
import type { ProjectFiles } from '../../../src/engine/project/project-files';
import type { ResultSet, StatementDescription, Warehouse } from '../../../src/engine/warehouse/warehouse';
import { inProcessRenderer } from '../../../src/engine/run/render-in-process';

const target = { name: 'dev', type: 'postgres' as const, schema: 'analytics', database: 'dev' };

/** Every statement finishes at once; column queries answer with `columns`. */
class ScriptedWarehouse implements Warehouse {
  submitted: string[][] = [];
  constructor(private readonly columns: ResultSet['rows']) {}
  async submit(sqls: string | string[]): Promise<string> {
    this.submitted.push(typeof sqls === 'string' ? [sqls] : sqls);
    return `s${this.submitted.length}`;
  }
  async describe(id: string): Promise<StatementDescription> {
    const sqls = this.submitted[Number(id.slice(1)) - 1]!;
    return {
      id, status: 'FINISHED', hasResultSet: true, resultRows: 0, durationMs: 1,
      subStatements: sqls.length > 1 ? sqls.map((_, i) => ({ id: `${id}:${i + 1}`, status: 'FINISHED' as const, resultRows: 0, hasResultSet: true })) : undefined,
    };
  }
  async fetchRows(id: string): Promise<ResultSet> {
    const sqls = this.submitted[Number(id.split(':')[0]!.slice(1)) - 1]!;
    const sql = id.includes(':') ? sqls[Number(id.split(':')[1]) - 1]! : sqls[0]!;
    return { columns: [], rows: sql.includes('format_type') ? this.columns : [] };
  }
  async cancel(): Promise<void> {}
}

function manifestWith(mode: string) {
  const files: ProjectFiles = {
    root: '/nowhere', project: { name: 'p' },
    models: [{
      file: 'models/inc.sql', relative: 'inc.sql',
      text: `{{ config(materialized='incremental', unique_key='id', on_schema_change='${mode}', post_hook='select 42') }} select 1 as id, 'a' as kind`,
    }],
    singularTests: [], macros: [], seeds: [], properties: [],
  };
  return compileManifest(files, { target });
}

async function runToEnd(mode: string, warehouse: ScriptedWarehouse) {
  const manifest = manifestWith(mode);
  let state = planRun(manifest, { runId: 'r1', command: 'run' });
  state = { ...state, existing: { 'analytics.inc': { kind: 'table', columns: ['id'] } } };
  const ctx = { manifest, dialect: dialects.postgres, renderer: inProcessRenderer({ manifest, dialect: dialects.postgres }), warehouse };
  for (let i = 0; i < 10 && !state.done; i++) state = await advanceRun(state, ctx);
  return state.nodes[0]!;
}

/** The delta of run r1 (named after the run, see dialects/staging-names.ts). */
const delta = stagingRelation({ schema: 'analytics', identifier: 'inc' }, 'delta', 'r1').identifier;
const columns: ResultSet['rows'] = [
  ['analytics', 'inc', 'id', 'integer'],
  ['analytics', delta, 'id', 'integer'],
  ['analytics', delta, 'kind', 'text'],
];

describe('advanceRun with on_schema_change', () => {
  it('reads the columns after the delta is built and plans the next step from them', async () => {
    const warehouse = new ScriptedWarehouse(columns);
    const node = await runToEnd('append_new_columns', warehouse);
    expect(node.status).toBe('success');
    expect(node.columns?.[`analytics.${delta}`]).toEqual([{ name: 'id', type: 'integer' }, { name: 'kind', type: 'text' }]);
    expect(warehouse.submitted).toHaveLength(2);
    expect(warehouse.submitted[0]!.some((s) => s === 'select 42')).toBe(false);
    expect(warehouse.submitted[1]![0]).toBe('alter table "analytics"."inc" add column "kind" text');
    expect(warehouse.submitted[1]![warehouse.submitted[1]!.length - 1]).toBe('select 42');
  });

  it('ends the node in error after dropping the delta when the mode is fail', async () => {
    const warehouse = new ScriptedWarehouse(columns);
    const node = await runToEnd('fail', warehouse);
    expect(node.status).toBe('error');
    expect(node.error).toContain('out of sync (new columns: kind)');
    expect(warehouse.submitted[1]).toEqual([`drop table if exists "analytics"."${delta}"`]);
  });
});
