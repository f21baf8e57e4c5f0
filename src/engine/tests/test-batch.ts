import type { Relation } from '../manifest';
import { qualified, quoteIdentifier } from '../render/relation';
import { sqlStringLiteral } from './generic-tests';
import { withTestLimit } from './test-status';

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

/** A rendered test for {@link buildTestStatements}: its SQL without dbt's `limit`, and where it stores failures. */
export interface RenderedTest {
  id: string;
  sql: string;
  limit?: number;
  storeFailuresIn?: Relation;
}

/**
 * The statements of one tests node, run as one transaction: tests with `store_failures` first replace
 * their audit table with all their failing rows (as dbt does), then one statement counts the failures of
 * every test (from its audit table when it has one), honouring `limit`. Without stored failures it is the
 * single statement of {@link buildTestBatchSql}.
 *
 * @example
 * buildTestStatements([{ id: 't', sql: 'select * from x where id < 0', storeFailuresIn: { schema: 'a_dbt_test__audit', identifier: 't' } }])
 */
export function buildTestStatements(tests: RenderedTest[]): string[] {
  const stored = tests.filter((t) => t.storeFailuresIn);
  const schemas = [...new Set(stored.map((t) => t.storeFailuresIn!.schema))];
  return [
    ...schemas.map((schema) => `create schema if not exists ${quoteIdentifier(schema)}`),
    ...stored.flatMap((t) => [
      `drop table if exists ${qualified(t.storeFailuresIn!)} cascade`,
      `create table ${qualified(t.storeFailuresIn!)} as (\n${t.sql}\n)`,
    ]),
    buildTestBatchSql(tests.map((t) => ({
      id: t.id,
      sql: withTestLimit(t.storeFailuresIn ? `select * from ${qualified(t.storeFailuresIn)}` : t.sql, t.limit),
    }))),
  ];
}
