/**
 * `landfall grants` SQL, run as an admin on the local engine (PGlite), lets a fresh login role build the
 * whole sample project; without it the same role cannot even read the sources.
 */
import path from 'node:path';
import { dialects, type Manifest } from '../../../src/engine';
import { compileManifest, readProjectFiles } from '../../../src/engine/compile';
import { runToCompletion } from '../../../src/cli/local-build';
import { databaseGrants } from '../../../src/cli/grants/database-grants';
import { generateDemoData } from '../../../src/demo/generate-demo-data';
import { connectInProcessWarehouse } from '../../../src/local/in-process-warehouse';
import { localTarget } from '../../../src/local/local-warehouse';
import { openPGliteEngine, prepareTemplate, sharedTemplateDir } from '../../../src/local/sql-engine/pglite-engine';
import type { SqlEngine } from '../../../src/local/sql-engine/sql-engine';

const PROJECT = path.resolve(__dirname, '..', '..', '..', 'dbt');
const USER = 'IAMR:landfall-test-eu-west-1-data-api';

let engine: SqlEngine;
let manifest: Manifest;
let database: string;

beforeAll(async () => {
  engine = await openPGliteEngine({ inMemory: true, template: await prepareTemplate(sharedTemplateDir()) });
  const data = generateDemoData({ asOf: new Date('2026-11-15T00:00:00Z'), volumes: { users: 20, transfers: 50, boards: 10, decks: 10, productEvents: 100, days: 7 } });
  for (const sql of [...data.ddl, ...data.inserts]) await engine.query(sql);
  manifest = compileManifest(readProjectFiles(PROJECT), { target: localTarget({ schema: 'grants_test' }), cliVars: {} });
  database = (await engine.query('select current_database()')).rows[0]![0]!;
}, 60_000);
afterAll(async () => engine?.close());

async function buildAs(user: string, runId: string) {
  await engine.query(`set role "${user}"`);
  const { warehouse, close } = connectInProcessWarehouse(engine);
  try {
    return await runToCompletion(manifest, { runId, command: 'build', concurrency: 1 }, { dialect: dialects.postgres, warehouse });
  } finally {
    await close();
    await engine.query('reset role');
  }
}

describe('landfall grants on the local engine', () => {
  const grants = () => databaseGrants({ manifest, database, user: USER, auth: 'iam', dialect: 'postgres' });

  it('names every schema the project builds in and reads from, and the table S3 routes load', () => {
    const { targetSchemas, sourceSchemas, loadTables, statements } = grants();
    expect(targetSchemas).toEqual(['grants_test', 'grants_test_intermediate', 'grants_test_marts', 'grants_test_staging']);
    expect(sourceSchemas).toEqual(['raw']);
    expect(loadTables).toEqual([{ schema: 'raw', identifier: 'product_events' }]);
    expect(statements.map((s) => s.sql)).toContain(`grant select on all tables in schema "raw" to "${USER}"`);
    expect(statements.map((s) => s.sql)).toContain(`alter schema "landfall" owner to "${USER}"`);
  });

  it('a role without the grants fails to build; after an admin runs them, the same role builds everything', async () => {
    const [createUser, ...rest] = grants().statements;
    await engine.query(createUser!.sql);
    // The first statement of a run (creating the target schemas) is refused, as on Redshift.
    await expect(buildAs(USER, 'grants-denied')).rejects.toThrow(/permission denied for database/);

    for (const statement of rest) await engine.query(statement.sql);
    const built = await buildAs(USER, 'grants-granted');
    const failures = built.nodes.filter((n) => n.status !== 'success' && n.status !== 'pass');
    expect(failures.map((n) => `${n.name}: ${n.status} ${n.error ?? ''}`)).toEqual([]);
    // The models belong to the functions' user: later runs can swap and drop them.
    const owners = await engine.query("select distinct tableowner from pg_tables where schemaname like 'grants_test%'");
    expect(owners.rows).toEqual([[USER]]);
  }, 120_000);
});
