/**
 * `landfall run-operation MACRO --args`: the macro runs with the arguments as keywords, its run_query statements reach
 * the warehouse (its rendered text does not, as in dbt), and a failing macro fails the operation.
 */
import { compileManifest } from '../../src/engine/compile';
import { dialects } from '../../src/engine';
import type { ProjectFiles } from '../../src/engine/project/project-files';
import { operationRun, parseOperationArgs } from '../../src/cli/run-operation-command';
import { runPlannedToCompletion } from '../../src/cli/local-build';
import { usePGliteWarehouse } from '../support/pglite-warehouse';

const target = { name: 'local', type: 'postgres' as const, schema: 'ops', database: 'dev' };
const files: ProjectFiles = {
  root: '/nowhere',
  project: { name: 'shop' },
  models: [{ file: 'models/m.sql', relative: 'm.sql', text: 'select 1 as id' }],
  macros: [{
    file: 'macros/ops.sql', relative: 'ops.sql', text: `
{% macro make_table(name, n, label='x') %}
  {% do run_query('create schema if not exists ' ~ target.schema) %}
  {% do run_query('create table ' ~ target.schema ~ '.' ~ name ~ ' as select ' ~ n ~ ' as n, ' ~ "'" ~ label ~ "'" ~ ' as label') %}
  drop table this_text_is_never_run
{% endmacro %}
{% macro boom() %}{% do run_query('select 1 / 0') %}{% endmacro %}`,
  }],
  seeds: [], singularTests: [], properties: [],
};

const db = usePGliteWarehouse();

const operate = (macro: string, args: string) => {
  const run = operationRun(compileManifest(files, { target }), macro, parseOperationArgs(args), `op-${macro}`);
  return runPlannedToCompletion(run.manifest, run.state, { dialect: dialects.postgres, warehouse: db.warehouse });
};

describe('run-operation', () => {
  it('calls the macro with --args as keywords; only its statements run', async () => {
    const state = await operate('make_table', '{name: made, n: 5, label: hello}');
    expect(state.nodes.map((n) => [n.status, n.error])).toEqual([['success', undefined]]);
    expect((await db.engine.query('select n, label from ops.made')).rows).toEqual([[5, 'hello']].map((r) => r.map(String)));
  }, 60_000);

  it('fails when the macro fails, with the database error', async () => {
    const state = await operate('boom', '');
    expect(state.nodes[0]!.status).toBe('error');
    expect(state.nodes[0]!.error).toMatch(/division by zero/);
  }, 60_000);

  it('refuses arguments that are not a mapping and names that are not macros', () => {
    expect(() => parseOperationArgs('[1, 2]')).toThrow(/--args must be a mapping/);
    expect(() => operationRun(compileManifest(files, { target }), "x') }}{{ y(", {}, 'r')).toThrow(/takes a macro name/);
  });
});
