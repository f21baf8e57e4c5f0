/**
 * The docs catalog reads row counts and sizes from SVV_TABLE_INFO, which Redshift shows only to superusers unless
 * SELECT is granted (docs.aws.amazon.com/redshift/latest/dg/r_SVV_TABLE_INFO.html): `landfall grants` prints that
 * GRANT for Redshift, and `landfall doctor` fails without it — checked on the local engine with the Redshift shims,
 * whose SVV_TABLE_INFO is as private as Redshift's.
 */
import path from 'node:path';
import { compileManifest, readProjectFiles } from '../../../src/engine/compile';
import { databaseGrants } from '../../../src/cli/grants/database-grants';
import { checkDataApiPrivileges } from '../../../src/cli/doctor/data-api-privileges';
import { connectInProcessWarehouse } from '../../../src/local/in-process-warehouse';
import { localTarget } from '../../../src/local/local-warehouse';
import { openPGliteEngine, prepareTemplate, sharedTemplateDir } from '../../../src/local/sql-engine/pglite-engine';
import { installRedshiftCompat } from '../../../src/local/sql-engine/install-redshift-compat';
import type { SqlEngine } from '../../../src/local/sql-engine/sql-engine';

const PROJECT = path.resolve(__dirname, '..', '..', '..', 'dbt');
const USER = 'IAMR:landfall-docs-eu-west-1-data-api';

let engine: SqlEngine;
beforeAll(async () => {
  engine = await openPGliteEngine({ inMemory: true, template: await prepareTemplate(sharedTemplateDir()) });
  await installRedshiftCompat(engine);
}, 60_000);
afterAll(async () => engine?.close());

describe('SVV_TABLE_INFO for the docs catalog', () => {
  const manifest = () => compileManifest(readProjectFiles(PROJECT), { target: localTarget({ schema: 'docs_grants' }), cliVars: {} });

  it('landfall grants prints the GRANT on Redshift only', () => {
    const redshift = databaseGrants({ manifest: manifest(), database: 'dev', user: USER, auth: 'iam', dialect: 'redshift' }).statements;
    const grant = redshift.find((s) => s.sql === `grant select on svv_table_info to "${USER}"`);
    expect(grant?.comment).toContain('r_SVV_TABLE_INFO.html');
    const postgres = databaseGrants({ manifest: manifest(), database: 'dev', user: USER, auth: 'iam', dialect: 'postgres' }).statements;
    expect(postgres.some((s) => s.sql.includes('svv_table_info'))).toBe(false);
  });

  it('landfall doctor fails without the grant, naming the fix, and passes after an admin runs it', async () => {
    await engine.query(`create role "${USER}" login`);
    const { warehouse, close } = connectInProcessWarehouse(engine);
    const expected = { dbUser: USER, database: 'postgres', targetSchemas: [], sourceTables: [], loadTables: [], grantsCommand: 'landfall grants' };
    try {
      const before = (await checkDataApiPrivileges(warehouse, expected)).find((r) => r.check === 'docs catalog stats');
      expect(before).toMatchObject({ status: 'fail', fix: expect.stringContaining(`grant select on svv_table_info to "${USER}"`) });
      const grant = databaseGrants({ manifest: manifest(), database: 'dev', user: USER, auth: 'iam', dialect: 'redshift' }).statements.find((s) => s.sql.startsWith('grant select on svv_table_info'))!;
      await engine.query(grant.sql);
      const after = (await checkDataApiPrivileges(warehouse, expected)).find((r) => r.check === 'docs catalog stats');
      expect(after).toMatchObject({ status: 'pass' });
    } finally {
      await close();
    }
  }, 60_000);
});
