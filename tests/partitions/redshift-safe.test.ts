/**
 * The partitioned materialization's Redshift SQL passes the strict local Redshift checks (which refuse what
 * Redshift refuses), and those checks refuse the leader-node-only clock a partitioned publish used to write.
 */
import { dialects } from '../../src/engine/dialects';
import { planMaterialization } from '../../src/engine/materializations';
import type { PartitionPlanContext } from '../../src/engine/materializations/partitioned/plan';
import { asOneBatch, MAX_BATCH_STATEMENTS } from '../../src/engine/materializations/partitioned/one-transaction';
import { findRedshiftRejection } from '../../src/local/sql-engine/redshift-strict-syntax';
import { monthlyModel } from './support/monthly-model';

const node = monthlyModel('fct', { unique_key: 'id', retention_months: 24 });
const columns = [{ name: 'id', type: 'integer' }, { name: 'created_at', type: 'timestamp without time zone' }];

function steps(partition: Partial<PartitionPlanContext>) {
  const context: PartitionPlanContext = {
    window: { start: '2026-11-10T00:00:00.000Z', end: '2026-11-16T00:00:00.000Z', source: 'since-watermark' }, months: ['2026-11'],
    existingMonths: ['2026-10', '2026-11'], columns: ['id', 'created_at'], mode: 'merge', runId: 'r', hasNullsTable: true,
    auditTests: (relationSql) => [{ id: 'test.p.not_null_fct_id', sql: `select * from ${relationSql({ id: 'n', kind: 'generic', testName: 'not_null' })} where id is null` }],
    ...partition,
  };
  return planMaterialization({
    node, sql: 'select id, created_at from raw.events', dialect: dialects.redshift, existing: { kind: 'view', columns: [] }, fullRefresh: false, partition: context,
    columns: { 'marts.fct__lf_delta_454349e4': columns, 'marts.fct__p202611': columns, 'landfall.lf_months_with_rows': [{ name: '2026-11', type: '' }] },
  }).steps;
}

describe('partitioned SQL on Redshift', () => {
  it('passes the strict Redshift checks in a transaction block: daily merge and 24-month first build', () => {
    const first = steps({ mode: 'rebuild', existingMonths: [], hasNullsTable: false, months: Array.from({ length: 24 }, (_, i) => `${2025 + Math.floor((i + 11) / 12)}-${String(((i + 11) % 12) + 1).padStart(2, '0')}`), window: { start: '2024-12-01T00:00:00.000Z', end: '2026-12-01T00:00:00.000Z', source: 'first-build' } });
    const history = first.length ? Array.from({ length: 24 }, (_, i) => new Date(Date.UTC(2024, 11 + i, 1)).toISOString().slice(0, 7)) : [];
    // A daily merge over 24 kept months: its probe names every month table, each statement stays under 100 KB.
    const daily = steps({ existingMonths: history });
    for (const step of [...steps({}), ...daily, ...first]) {
      for (const sql of step.sqls) {
        expect(findRedshiftRejection(sql, { inTransactionBlock: true })).toBeUndefined();
        expect(Buffer.byteLength(sql)).toBeLessThan(100 * 1024);
      }
      expect(step.sqls.length).toBeLessThanOrEqual(MAX_BATCH_STATEMENTS);
      expect(step.sqls.join('\n')).not.toMatch(/current_timestamp/i);
    }
    expect(steps({}).at(-1)!.sqls.join('\n')).toContain('insert into "marts"."fct__p202611" ("id", "created_at")');
    // 24 months publish through the stored procedure, in the batch's one transaction.
    expect(first.at(-1)!.sqls.join('\n')).toContain('call "landfall"."lf_run_statements_v1"(');
  });

  it('strict mode refuses CURRENT_TIMESTAMP and NOW() with a user table, not GETDATE()', () => {
    expect(findRedshiftRejection(`insert into landfall.partition_windows (published_at) values (current_timestamp)`, { inTransactionBlock: false })?.message).toMatch(/not supported on Redshift tables/);
    expect(findRedshiftRejection(`select now() from marts.fct`, { inTransactionBlock: false })?.doc).toContain('c_SQL_functions_leader_node_only.html');
    expect(findRedshiftRejection(`insert into landfall.partition_windows (published_at) values (getdate())`, { inTransactionBlock: false })).toBeUndefined();
    expect(findRedshiftRejection(`select current_timestamp`, { inTransactionBlock: false })).toBeUndefined();
  });

  it('keeps each stored-statement insert under the Data API size limit', () => {
    const big = Array.from({ length: 60 }, (_, i) => `select ${i}, '${'x'.repeat(5000)}'`);
    const batch = asOneBatch(big, 'select 1', 'r', 'm');
    expect(batch.length).toBeLessThanOrEqual(MAX_BATCH_STATEMENTS);
    for (const sql of batch) expect(Buffer.byteLength(sql)).toBeLessThan(100_000);
  });
});
