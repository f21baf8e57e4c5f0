/**
 * PGlite's database is `dev` (the local target's `database`), so the three-part names dbt prints
 * (`"dev"."schema"."table"`) resolve; a name of another database is refused, as PostgreSQL and Redshift do. A data
 * directory written before (tables in `postgres`) is opened on a copy of its database named `dev`, data kept.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { openPGliteEngine, PGLITE_DATABASE, prepareTemplate, sharedTemplateDir } from '../../../src/local/sql-engine/pglite-engine';

describe('the PGlite database name', () => {
  it('opens `dev` from the template, where three-part names of dev resolve and of another database fail', async () => {
    const engine = await openPGliteEngine({ inMemory: true, template: await prepareTemplate(sharedTemplateDir()) });
    try {
      expect(PGLITE_DATABASE).toBe('dev');
      expect((await engine.query('select current_database()')).rows).toEqual([['dev']]);
      await engine.query('create schema s; create table s.t as select 1 as x');
      expect((await engine.query('select x from "dev"."s"."t"')).rows).toEqual([['1']]);
      await expect(engine.query('select x from "prod"."s"."t"')).rejects.toThrow(/cross-database references are not implemented/);
    } finally {
      await engine.close();
    }
  }, 60_000);

  it('moves a data directory written before onto `dev`, keeping its tables', async () => {
    const dataDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'pglite-db-')), 'warehouse');
    try {
      const old = await PGlite.create({ dataDir });
      await old.exec('create schema s; create table s.t as select 7 as x');
      await old.close();
      const engine = await openPGliteEngine({ dataDir });
      try {
        expect((await engine.query('select current_database(), x from "dev"."s"."t"')).rows).toEqual([['dev', '7']]);
        await engine.query('insert into s.t values (8)');
      } finally {
        await engine.close();
      }
      const again = await openPGliteEngine({ dataDir }); // opened on dev directly, the rows kept
      try {
        expect((await again.query('select x from s.t order by x')).rows).toEqual([['7'], ['8']]);
      } finally {
        await again.close();
      }
    } finally {
      fs.rmSync(path.dirname(dataDir), { recursive: true, force: true });
    }
  }, 120_000);
});
