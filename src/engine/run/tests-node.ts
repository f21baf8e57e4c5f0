/**
 * A tests node's SQL and results: every test of one model rendered, batched into one counting statement (after the
 * `store_failures` tables), and read back into dbt's per-test statuses.
 */
import type { Manifest } from '../manifest';
import { scopedTestRefs } from '../materializations/partitioned/run-context';
import { renderNodeSql } from '../render/render-node';
import { QuerySession } from '../render/query-session';
import { buildTestStatements } from '../tests/test-batch';
import { withTestLimit } from '../tests/test-status';
import type { StatementDescription } from '../warehouse/warehouse';
import type { RunNode, RunState, TestResult } from './run-state';

export function testResultsFor(
  node: RunNode,
  manifest: Manifest,
  statusOf: (id: string) => TestResult['status'],
  failures?: Map<string, number>,
): TestResult[] {
  // As dbt's run results: a passing test reports 0 failures, even when some rows came back under its warn_if.
  return (node.testIds ?? []).map((id) => {
    const status = statusOf(id);
    return { id, name: manifest.tests[id]!.name, status, failures: status === 'pass' ? 0 : failures?.get(id) ?? 0 };
  });
}

/** The statement (or last sub-statement of a batch) whose rows a step returns. */
export function lastResultId(description: StatementDescription): string {
  const subStatements = description.subStatements ?? [];
  return subStatements.length ? subStatements[subStatements.length - 1]!.id : description.id;
}

/** Rows the statement (or the last sub-statement of a batch) returned or affected; -1 when unknown. */
export function lastResultRows(description: StatementDescription): number {
  const subStatements = description.subStatements ?? [];
  return subStatements.length ? subStatements[subStatements.length - 1]!.resultRows : description.resultRows;
}

/**
 * The SQL of every test a tests node runs, rendered, by test id; with dbt's `limit` applied unless
 * `applyLimit` is false. `queriesFor(test id)` gives each test's `run_query` results (by default, the node's).
 */
export function renderTests(
  node: RunNode, state: RunState, manifest: Manifest, applyLimit = true,
  queriesFor: (scope: string) => QuerySession = (scope) => QuerySession.replaying(node.queryResults ?? {}, scope, node.name),
): { id: string; sql: string }[] {
  return (node.testIds ?? []).map((id) => ({
    id,
    sql: withTestLimit(renderNodeSql(manifest, manifest.tests[id]!, {
      vars: { ...manifest.vars, ...state.vars },
      isIncremental: false,
      invocationId: state.runId,
      runStartedAt: new Date(state.startedAt),
      refOverrides: scopedTestRefs(manifest, state, id),
      queries: queriesFor(id),
      flags: { FULL_REFRESH: state.fullRefresh, WHICH: state.command },
    }), applyLimit ? manifest.tests[id]!.limit : undefined),
  }));
}

/**
 * The statements of a tests node: stored failures (`store_failures`) first, then the one counting query, which
 * returns only the tests with failures (a test absent from its rows had none), so that a passing node's
 * DescribeStatement says `ResultRows: 0` and its rows are not fetched.
 */
export function testStatements(node: RunNode, state: RunState, manifest: Manifest): string[] {
  const statements = renderedTestStatements(node, state, manifest);
  const counting = statements.pop()!;
  return [...statements, `select test_id, failures from (\n${counting}\n) as test_results where failures <> 0`];
}

export function renderedTestStatements(node: RunNode, state: RunState, manifest: Manifest): string[] {
  return buildTestStatements(renderTests(node, state, manifest, false).map(({ id, sql }) => ({
    id, sql, limit: manifest.tests[id]!.limit, failCalc: manifest.tests[id]!.failCalc,
    storeFailuresIn: manifest.tests[id]!.storeFailuresIn, storeFailuresAs: manifest.tests[id]!.storeFailuresAs,
  })));
}
