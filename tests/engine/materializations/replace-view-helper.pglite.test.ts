/**
 * PostgreSQL's `landfall_replace_view` helper on PGlite: `create or replace` when the columns fit, otherwise the
 * staged swap under the staging name the caller passes (the run's), leaving no staging view behind and keeping
 * a dependent view.
 */
import { PGlite } from '@electric-sql/pglite';
import { dialects } from '../../../src/engine/dialects';
import { stagingRelation } from '../../../src/engine/dialects/staging-names';

describe('landfall_replace_view', () => {
  let db: PGlite;
  beforeAll(async () => {
    db = await PGlite.create();
    for (const sql of dialects.postgres.setupStatements(['s'])) await db.exec(sql);
  });
  afterAll(async () => db.close());

  it('swaps in a view with other columns through the run-scoped staging name, dependents recreated', async () => {
    await db.exec('create view s.v as select 1 as x; create view s.w as select x from s.v');
    const relation = { schema: 's', identifier: 'v' };
    const staged = stagingRelation(relation, 'new', 'run-9');
    const sql = dialects.postgres.replaceViewInPlace(relation, "select 'y'::text as y, 2 as x", { materialized: 'view', tags: [], enabled: true }, 'view', staged)!;
    expect(sql).toContain(`'${staged.identifier}')`);
    await db.exec(sql);
    expect((await db.query('select y, x from s.v')).rows).toEqual([{ y: 'y', x: 2 }]);
    expect((await db.query('select x from s.w')).rows).toEqual([{ x: 2 }]);
    expect((await db.query(`select relname from pg_class where relname like 'v\\_\\_lf\\_%'`)).rows).toEqual([]);
  });
});
