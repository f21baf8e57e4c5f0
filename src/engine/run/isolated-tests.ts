/**
 * A tests node whose one-statement batch failed (some test's SQL is broken) runs its tests one at a time, as dbt
 * runs every test, so that the broken one errors alone and the others keep their own status.
 */
import { EngineError } from '../errors';
import { testStatus } from '../tests/test-status';
import type { StatementDescription } from '../warehouse/warehouse';
import type { RunContext } from './advance-run';
import { clientToken, resolveQueriesOf } from './node-statements';
import type { RunNode, RunState } from './run-state';
import { lastResultId, testResultsFor } from './tests-node';
import { asDbtRunsUnitTests } from './unit-test-nodes';

/**
 * One more step of a tests node that runs its tests one at a time (its batch failed, so some test's SQL
 * is broken): record the outcome of the test that finished, then submit the next, or settle the node
 * once every test has run: a broken test is `error`, the others pass, warn or fail on their own.
 */
export async function advanceIsolatedTests(node: RunNode, description: StatementDescription | undefined, state: RunState, ctx: RunContext): Promise<void> {
  const testIds = node.testIds ?? [];
  if (!node.isolatedTests || description === undefined) {
    node.isolatedTests = { index: 0, outcomes: {} };
  } else {
    const id = testIds[node.isolatedTests.index]!;
    node.isolatedTests.outcomes[id] = description.status === 'FINISHED'
      ? { failures: Number((await ctx.warehouse.fetchRows(lastResultId(description))).rows[0]?.[1] ?? 0) }
      : { error: description.error ?? `statement ${description.status.toLowerCase()}` };
    node.isolatedTests.index++;
  }
  const { outcomes } = node.isolatedTests;
  while (node.isolatedTests.index < testIds.length) {
    const id = testIds[node.isolatedTests.index]!;
    let sqls: string[];
    try {
      // This test's own run-time queries, then its SQL: a test that cannot render errors alone.
      const single: RunNode = { ...node, testIds: [id] };
      await resolveQueriesOf(single, state, ctx);
      node.queryResults = single.queryResults;
      sqls = await ctx.renderer.testStatements(single, state);
    } catch (error) {
      if (!(error instanceof EngineError)) throw error;
      outcomes[id] = { error: error.message };
      node.isolatedTests.index++;
      continue;
    }
    node.statementId = await ctx.warehouse.submit(sqls.length === 1 ? sqls[0]! : sqls, {
      name: `landfall/${state.runId}/${node.name}/tests/${ctx.manifest.tests[id]!.name}`.slice(0, 500),
      clientToken: clientToken(state, node, `isolated\n${id}`),
    });
    return;
  }
  const failures = new Map(Object.entries(outcomes).map(([id, o]) => [id, o.failures ?? 0]));
  node.tests = asDbtRunsUnitTests(node, testResultsFor(node, ctx.manifest, (id) => (outcomes[id]?.error !== undefined ? 'error' : testStatus(ctx.manifest.tests[id]!, failures.get(id) ?? 0)), failures));
  const firstError = testIds.map((id) => outcomes[id]?.error).find((e) => e !== undefined);
  node.status = firstError !== undefined ? 'error' : node.tests.some((t) => t.status === 'fail') ? 'fail' : node.tests.some((t) => t.status === 'warn') ? 'warn' : 'pass';
  if (firstError !== undefined) node.error = firstError;
}
