/**
 * The local target's `database` is the database the local warehouse really is (dbt prints relations with three
 * parts, and PostgreSQL refuses a three-part name of another database): a PostgreSQL URL's database, else PGlite's
 * `dev`, whatever the profile's `dbname` says.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { commonOptions, targetFor } from '../../src/cli/command-context';

describe('the local target database', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lf-target-db-'));
    fs.writeFileSync(path.join(dir, 'dbt_project.yml'), 'name: p\nprofile: p\n');
    fs.writeFileSync(path.join(dir, 'profiles.yml'), 'p:\n  target: dev\n  outputs:\n    dev:\n      type: postgres\n      dbname: warehouse_prod\n      schema: s\n');
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("is the URL's database on a PostgreSQL server", () => {
    expect(targetFor(commonOptions({ 'project-dir': dir, 'database-url': 'postgres://u@127.0.0.1:5432/landfall' })).database).toBe('landfall');
    expect(targetFor(commonOptions({ 'project-dir': dir, 'database-url': 'postgresql://me@db' })).database).toBe('me');
  });

  it("is PGlite's `dev` without a URL", () => {
    const saved = process.env.LANDFALL_DATABASE_URL;
    delete process.env.LANDFALL_DATABASE_URL;
    try {
      expect(targetFor(commonOptions({ 'project-dir': dir })).database).toBe('dev');
    } finally {
      if (saved !== undefined) process.env.LANDFALL_DATABASE_URL = saved;
    }
  });
});
