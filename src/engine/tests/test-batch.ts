import type { Relation } from '../manifest';
import { qualified, quoteIdentifier } from '../render/relation';
import { sqlStringLiteral } from './generic-tests';
import { withTestLimit } from './test-status';

/**
 * All the tests of one model as one statement: one row per test with its failure count (dbt's
 * `fail_calc`, `count(*)` unless the test sets another). A model's tests cost one round trip however
 * many there are, and failures are still reported per test.
 *
 * @example
 * buildTestBatchSql([{ id: 'test.p.not_null_x_id', sql: 'select id from x where id is null' }])
 */
export function buildTestBatchSql(tests: { id: string; sql: string; failCalc?: string }[]): string {
  return tests
    .map((t, i) => `select ${sqlStringLiteral(t.id)} as test_id, ${t.failCalc ?? 'count(*)'} as failures from (\n${t.sql}\n) as test_${i}`)
    .join('\nunion all\n');
}

/** A rendered test for {@link buildTestStatements}: its SQL without dbt's `limit`, and where it stores failures. */
export interface RenderedTest {
  id: string;
  sql: string;
  limit?: number;
  failCalc?: string;
  storeFailuresIn?: Relation;
  /** `store_failures_as: view`: the failures are kept as a view. */
  storeFailuresAs?: 'view';
}

/**
 * The statements of one tests node, run as one transaction: tests with `store_failures` first replace
 * their audit table (or view) with their failing rows, at most `limit` of them (as dbt does), then one
 * statement counts the failures of every test (from its audit relation when it has one).
 *
 * @example
 * buildTestStatements([{ id: 't', sql: 'select * from x where id < 0', storeFailuresIn: { schema: 'a_dbt_test__audit', identifier: 't' } }])
 */
export function buildTestStatements(tests: RenderedTest[]): string[] {
  const stored = tests.filter((t) => t.storeFailuresIn);
  const schemas = [...new Set(stored.map((t) => t.storeFailuresIn!.schema))];
  return [
    ...schemas.map((schema) => `create schema if not exists ${quoteIdentifier(schema)}`),
    ...stored.flatMap((t) => {
      const kind = t.storeFailuresAs === 'view' ? 'view' : 'table';
      return [
        `drop ${kind} if exists ${qualified(t.storeFailuresIn!)} cascade`,
        `create ${kind} ${qualified(t.storeFailuresIn!)} as (\n${withTestLimit(t.sql, t.limit)}\n)`,
      ];
    }),
    buildTestBatchSql(tests.map((t) => ({
      id: t.id,
      sql: t.storeFailuresIn ? `select * from ${qualified(t.storeFailuresIn)}` : withTestLimit(t.sql, t.limit),
      failCalc: t.failCalc,
    }))),
  ];
}
