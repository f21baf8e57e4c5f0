import { sqlStringLiteral } from './generic-tests';

/**
 * All the tests of one model as one statement: one row per test with its failure count. A model's tests
 * cost one round trip however many there are, and failures are still reported per test.
 *
 * @example
 * buildTestBatchSql([{ id: 'test.p.not_null_x_id', sql: 'select id from x where id is null' }])
 */
export function buildTestBatchSql(tests: { id: string; sql: string }[]): string {
  return tests
    .map((t, i) => `select ${sqlStringLiteral(t.id)} as test_id, count(*) as failures from (\n${t.sql}\n) as test_${i}`)
    .join('\nunion all\n');
}
