/**
 * One in-memory PGlite warehouse per test file, opened from the shared template and reached through the local Data
 * API client (the production Warehouse adapter), closed after the file's tests.
 *
 * @example
 * const db = usePGliteWarehouse();
 * it('builds', async () => { await runToCompletion(manifest, request, { dialect, warehouse: db.warehouse }); expect(await db.rows('select 1')).toEqual([['1']]); });
 */
import { connectLocalWarehouse, type LocalWarehouse } from '../../src/local/local-warehouse';
import { openPGliteEngine, prepareTemplate, sharedTemplateDir } from '../../src/local/sql-engine/pglite-engine';
import type { SqlEngine } from '../../src/local/sql-engine/sql-engine';

export interface PGliteWarehouse {
  readonly engine: SqlEngine;
  readonly local: LocalWarehouse;
  readonly warehouse: LocalWarehouse['warehouse'];
  rows(sql: string): Promise<unknown[][]>;
}

export function usePGliteWarehouse(): PGliteWarehouse {
  let engine: SqlEngine | undefined;
  let local: LocalWarehouse | undefined;
  beforeAll(async () => {
    engine = await openPGliteEngine({ inMemory: true, template: await prepareTemplate(sharedTemplateDir()) });
    local = await connectLocalWarehouse(engine);
  }, 60_000);
  afterAll(async () => {
    await local?.close();
    await engine?.close();
  });
  return {
    get engine() { return engine!; },
    get local() { return local!; },
    get warehouse() { return local!.warehouse; },
    rows: async (sql: string) => (await engine!.query(sql)).rows,
  };
}
