/**
 * Rotation's pre-flight check of the UNLOAD role, on PGlite through the local Data API with the Redshift dialect:
 * with no `unload_iam_role`, `select default_iam_role()` must name a role, else the rotation fails before touching
 * anything, naming the setting. The local cluster has no default role until one is put in
 * landfall_compat.cluster_iam_roles (stricter than a cluster with one, never more lenient).
 */
import { dialects } from '../../src/engine/dialects';
import { connectLocalWarehouse, type LocalWarehouse } from '../../src/local/local-warehouse';
import { openPGliteEngine, prepareTemplate, sharedTemplateDir } from '../../src/local/sql-engine/pglite-engine';
import type { SqlEngine } from '../../src/local/sql-engine/sql-engine';
import { rotateModelPartitions } from '../../src/partitions/rotation';
import { monthlyModel } from './support/monthly-model';

let engine: SqlEngine;
let local: LocalWarehouse;

const node = (config: Record<string, unknown> = {}) => monthlyModel('fct_events', { retention_months: 2, unload_before_drop: 's3://archive-bucket/fct_events/', ...config });

const monthTables = async () =>
  (await engine.query(`select table_name from information_schema.tables where table_schema = 'marts' and table_name like 'fct\\_events\\_\\_p%' order by 1`)).rows.map((r) => r[0]);

beforeAll(async () => {
  engine = await openPGliteEngine({ inMemory: true, template: await prepareTemplate(sharedTemplateDir()) });
  local = await connectLocalWarehouse(engine);
  await engine.query(`create schema marts;
    create table marts.fct_events__p202609 (id int, created_at timestamp);
    create table marts.fct_events__p202610 (id int, created_at timestamp);
    create table marts.fct_events__p202611 (id int, created_at timestamp);
    insert into marts.fct_events__p202609 values (1, '2026-09-02');
    create view marts.fct_events as select * from marts.fct_events__p202609 union all select * from marts.fct_events__p202610 union all select * from marts.fct_events__p202611`);
});

afterAll(async () => {
  await local?.close();
  await engine?.close();
});

describe('the UNLOAD role pre-flight of a rotation on Redshift', () => {
  it('fails the rotation, naming unload_iam_role, when the cluster has no default IAM role, and touches nothing', async () => {
    const result = await rotateModelPartitions(node(), '2026-12', { dialect: dialects.redshift, warehouse: local.warehouse });

    expect(result.status).toBe('failed');
    expect(result.error).toContain('set unload_iam_role');
    expect(result.error).toContain('select default_iam_role() returned nothing');
    expect(result.error).toContain('s3://archive-bucket/fct_events/');
    expect(await monthTables()).toEqual(['fct_events__p202609', 'fct_events__p202610', 'fct_events__p202611']);
  });

  it('passes the check once the cluster has a default role, or the model names its role', async () => {
    await engine.query(`insert into landfall_compat.cluster_iam_roles values ('arn:aws:iam::123456789012:role/archive', true)`);
    expect((await engine.query('select landfall_compat.default_iam_role()')).rows).toEqual([['arn:aws:iam::123456789012:role/archive']]);
    const withDefault = await rotateModelPartitions(node(), '2026-12', { dialect: dialects.redshift, warehouse: local.warehouse });
    // Past the check the rotation goes on; the local engine cannot UNLOAD to S3, so the archive step is what fails.
    expect(withDefault.error).toMatch(/at or near "unload"/);
    expect(await monthTables()).toContain('fct_events__p202612'); // the first step (months ahead) ran
    await engine.query(`delete from landfall_compat.cluster_iam_roles`);

    const named = await rotateModelPartitions(node({ unload_iam_role: 'arn:aws:iam::123456789012:role/archive' }), '2026-12', { dialect: dialects.redshift, warehouse: local.warehouse });
    expect(named.error).toMatch(/at or near "unload"/);
  });

  it('needs no role when nothing expires', async () => {
    const result = await rotateModelPartitions(node({ retention_months: 24 }), '2026-12', { dialect: dialects.redshift, warehouse: local.warehouse });
    expect(result.error ?? '').not.toContain('default_iam_role');
  });
});
