/**
 * A model's tests in the same Data API batch as the model's last step: `dbt build` runs a model's tests right after
 * it and holds everything downstream until they pass, so one BatchExecuteStatement that builds the model and then
 * counts its tests' failures gives the same outcomes with one submit and one poll instead of two of each, and one
 * round trip less on the run's critical path. The tests node keeps its own results, events and statuses.
 *
 * The batch is one transaction: a test whose SQL errors rolls the model's step back too. The model's step is then
 * submitted again alone (a new client token) and its tests run after it as a node of their own, where a broken test
 * errors alone (advance-run.ts, isolated tests). A failure inside the model's statements is the model's, as before.
 *
 * Only where nothing else changes: the model's plain last step (no column fetch, no deliberate failure, no deferred
 * post-hooks, not a partitioned model), tests that wait for nothing else still running and make no run-time
 * queries, no statement that commits on its own (TRUNCATE, VACUUM, ALTER TABLE APPEND), at most 40 statements.
 */
import type { Manifest } from '../manifest';
import type { MaterializationPlan } from '../materializations';
import type { StatementDescription } from '../warehouse/warehouse';
import { testsNodeId } from './plan-run';
import { mayRunQueries } from './run-time-queries';
import { nodesById, PASSING_STATUSES, type RunNode, type RunState } from './run-state';

/** BatchExecuteStatement takes at most 40 SQL statements. */
export const MAX_BATCH_STATEMENTS = 40;
const COMMITS_ON_ITS_OWN = /^\s*(truncate\b|vacuum\b|alter\s+table\b[\s\S]*\bappend\b)/i;

/** The tests node that may ride along with `node`'s step `step` of `plan`, or undefined. */
export function riderFor(node: RunNode, step: number, plan: MaterializationPlan, state: RunState, manifest: Manifest): RunNode | undefined {
  if (node.kind !== 'model' || node.postHooks || state.partitions?.[node.id]) return undefined;
  const last = plan.steps[step];
  if (step !== plan.steps.length - 1 || !last || last.fetchColumns || last.failWith !== undefined) return undefined;
  if (last.sqls.some((sql) => COMMITS_ON_ITS_OWN.test(sql))) return undefined;
  const byId = nodesById(state);
  const tests = byId.get(testsNodeId(node.id));
  if (!tests || tests.status !== 'pending' || tests.isolatedTests || !tests.testIds?.length) return undefined;
  if (!tests.dependsOn.every((d) => d === node.id || PASSING_STATUSES.has(byId.get(d)?.status ?? 'pending'))) return undefined;
  if (mayRunQueries(manifest, tests.testIds.map((id) => JSON.stringify(manifest.tests[id] ?? null)))) return undefined;
  return tests;
}

/** Whether the model and its tests fit in one batch. */
export function fitsOneBatch(modelSqls: readonly string[], testSqls: readonly string[]): boolean {
  return modelSqls.length + testSqls.length <= MAX_BATCH_STATEMENTS;
}

export type SharedBatchOutcome = 'finished' | 'model failed' | 'tests failed';

/**
 * How a shared batch ended for the model: its own statements are the first `subStatements.length - testsInBatch`.
 * A failure that cannot be placed inside them counts as the tests' (the model's step then runs again alone, so the
 * model's own outcome is never guessed).
 */
export function sharedBatchOutcome(description: StatementDescription, testsInBatch: number): SharedBatchOutcome {
  if (description.status === 'FINISHED') return 'finished';
  const subs = description.subStatements ?? [];
  const failedAt = subs.findIndex((s) => s.status === 'FAILED');
  return failedAt >= 0 && failedAt < subs.length - testsInBatch ? 'model failed' : 'tests failed';
}

/** The model's rows affected in a shared batch: its own statement's (plan's `rowsFromStatement`, else its last that reports rows). */
export function modelRowsInSharedBatch(description: StatementDescription, testsInBatch: number, rowsFromStatement?: number): number | undefined {
  const own = (description.subStatements ?? []).slice(0, Math.max(0, (description.subStatements ?? []).length - testsInBatch));
  if (rowsFromStatement !== undefined) return own[rowsFromStatement]?.resultRows;
  return [...own].reverse().find((s) => s.resultRows >= 0)?.resultRows;
}
