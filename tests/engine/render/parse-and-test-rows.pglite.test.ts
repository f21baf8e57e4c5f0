/**
 * Issue 15 rows 7 and 9, end to end on PGlite, with the outcomes dbt-core 1.10 gave on the same project:
 * properties for a model that does not exist are a warning; a singular test that selects from no ref runs;
 * a test that fails to render is one error while not_null and unique on the same model pass.
 */
import { compileManifest } from '../../../src/engine/compile';
import { dialects, type RunState } from '../../../src/engine';
import type { ProjectFiles } from '../../../src/engine/project/project-files';
import { runToCompletion } from '../../../src/cli/local-build';
import { usePGliteWarehouse } from '../../support/pglite-warehouse';

const project: ProjectFiles = {
  root: '/nowhere',
  project: { name: 'r9' },
  models: [{ file: 'models/m.sql', relative: 'm.sql', text: 'select 1 as id' }],
  macros: [{
    file: 'macros/broken.sql',
    relative: 'broken.sql',
    text: "{% test broken(model, column_name) %}\n{% if execute %}{{ exceptions.raise_compiler_error('cannot render') }}{% endif %}\nselect 1\n{% endtest %}",
  }],
  singularTests: [{ file: 'tests/no_ref.sql', relative: 'no_ref.sql', text: 'select 1 as x where false' }],
  seeds: [],
  properties: [{
    file: 'models/props.yml',
    content: { version: 2, models: [{ name: 'm', columns: [{ name: 'id', data_tests: ['not_null', 'unique', 'broken'] }] }, { name: 'does_not_exist', description: 'nothing' }] },
  } as unknown as ProjectFiles['properties'][number]],
};

const db = usePGliteWarehouse();

describe('parse leniency and test isolation as in dbt-core', () => {
  let state: RunState;
  let warnings = '';

  beforeAll(async () => {
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string) => {
      warnings += chunk;
      return true;
    }) as typeof process.stderr.write;
    try {
      const manifest = compileManifest(project, { target: { name: 'ci', type: 'postgres', schema: 'r9', database: 'dev' } });
      state = await runToCompletion(manifest, { runId: 'run-r9', command: 'build' }, { dialect: dialects.postgres, warehouse: db.warehouse });
    } finally {
      process.stderr.write = write;
    }
  }, 60_000);

  it('warns about properties for a model that does not exist, and builds the rest (row 7)', () => {
    expect(warnings).toContain("[WARNING]: Did not find matching node for patch with name 'does_not_exist' in the 'models' section of file 'models/props.yml'");
    expect(state.nodes.find((n) => n.name === 'm')?.status).toBe('success');
  });

  it('runs a singular test that selects from no ref (row 7)', () => {
    const node = state.nodes.find((n) => n.testIds?.includes('test.r9.no_ref'));
    expect(node?.tests?.map((t) => [t.id, t.status])).toEqual([['test.r9.no_ref', 'pass']]);
  });

  it('errors only the test that cannot render; not_null and unique pass (row 9)', () => {
    const node = state.nodes.find((n) => n.kind === 'tests' && n.name === 'm')!;
    expect(Object.fromEntries(node.tests!.map((t) => [t.id.replace(/^test\.r9\./, '').replace(/\.[0-9a-f]+$/, ''), t.status]))).toEqual({
      broken_m_id: 'error', not_null_m_id: 'pass', unique_m_id: 'pass',
    });
    expect(node.error).toBe('macros/broken.sql:2: Compilation Error: cannot render (in macro broken, called by models/props.yml)');
  });
});
