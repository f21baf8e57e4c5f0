/**
 * The scheduler loop's one step. `advanceRun` polls the statements in flight, records what finished,
 * skips what can no longer run, and submits every node that became ready (up to the run's concurrency).
 * It never waits for SQL: the caller (a Step Functions Wait state, or the CLI) decides how long to wait
 * before the next step. Submits carry a client token derived from run, node and step, so retrying a
 * step after a crash submits nothing twice.
 */
import { createHash } from 'node:crypto';
import type { Dialect } from '../dialects';
import { EngineError } from '../errors';
import type { Manifest } from '../manifest';
import type { MaterializationPlan } from '../materializations';
import { scopedTestRefs } from '../materializations/partitioned/run-context';
import { renderNodeSql } from '../render/render-node';
import { buildTestStatements } from '../tests/test-batch';
import { testStatus, withTestLimit } from '../tests/test-status';
import type { ResultSet, StatementDescription, Warehouse } from '../../warehouse/warehouse';
import type { FetchedColumns } from '../materializations/plan';
import { hookTemplates } from '../materializations/hooks';
import { TERMINAL_STATUSES } from '../../warehouse/warehouse';
import { advanceLoadNode, recoverLoadNode, type LoadStepContext, type LoadStepRunner } from './load-node';
import { planFor } from './plan-node';
import { QuerySession } from '../render/query-session';
import { mayRunQueries, resolveRunTimeQueries } from './run-time-queries';
import { phaseGate } from './project-hooks';
import { asDbtRunsUnitTests } from './unit-test-nodes';
import {
  FINISHED_STATUSES, PASSING_STATUSES, type RunNode, type RunState, type TestResult,
} from './run-state';

export { planFor };

export type RunEvent =
  | { type: 'node_started'; node: RunNode; index: number; total: number }
  | { type: 'node_finished'; node: RunNode; index: number; total: number; durationMs: number };

export interface RunContext {
  manifest: Manifest;
  dialect: Dialect;
  warehouse: Warehouse;
  onEvent?: (event: RunEvent) => void;
  now?: () => Date;
  /**
   * Plans derived so far in this run, kept by a caller that holds one context for the whole run (the CLI):
   * a node is then not rendered again when its statement ends. Step Functions tasks pass none.
   */
  plans?: Map<string, MaterializationPlan>;
  /** Runs the steps of load nodes (S3 COPYs, src/ingest/load-steps.ts); a run with load nodes fails them without it. */
  loads?: LoadStepRunner;
}

const MAX_WAIT_SECONDS = 30;

/**
 * @example
 * let state = planRun(manifest, { runId, command: 'build' });
 * state = await prepareRun(state, ctx);
 * while (!state.done) { state = await advanceRun(state, ctx); await sleep(state.waitSeconds * 1000); }
 */
export async function advanceRun(input: RunState, ctx: RunContext): Promise<RunState> {
  const state = copyForStep(input);
  const now = () => (ctx.now ?? (() => new Date()))();
  const byId = new Map(state.nodes.map((n) => [n.id, n]));
  // Numbered like dbt's progress lines: the on-run-start hooks, the nodes and the on-run-end hooks apart.
  const phaseOf = (n: RunNode) => n.hook?.type ?? 'nodes';
  const totals = new Map<string, number>();
  const indexOf = new Map(state.nodes.map((n) => {
    totals.set(phaseOf(n), (totals.get(phaseOf(n)) ?? 0) + 1);
    return [n.id, totals.get(phaseOf(n))!];
  }));
  const totalOf = (n: RunNode) => totals.get(phaseOf(n))!;
  let progressed = false;

  const finish = (node: RunNode) => {
    node.finishedAt = now().toISOString();
    node.statementId = undefined;
    // Keep a failed node's query results: the failure alert renders its SQL again.
    if (node.status === 'success' || node.status === 'pass') delete node.queryResults;
    progressed = true;
    ctx.onEvent?.({
      type: 'node_finished', node, index: indexOf.get(node.id)!, total: totalOf(node),
      durationMs: node.startedAt ? Date.parse(node.finishedAt) - Date.parse(node.startedAt) : 0,
    });
  };

  // 1. Poll what is in flight: one DescribeStatement per statement, all at once.
  const inFlightNodes = state.nodes.filter((n) => n.status === 'running' && n.statementId);
  const descriptions = await Promise.all(inFlightNodes.map((n) => describeOrForget(n, ctx)));
  for (const [i, node] of inFlightNodes.entries()) {
    const description = descriptions[i];
    if (!description) {
      restartNode(node);
      progressed = true;
      continue;
    }
    if (!TERMINAL_STATUSES.has(description.status)) continue;
    if (node.kind === 'tests' && (node.isolatedTests || (description.status !== 'FINISHED' && (node.testIds?.length ?? 0) > 1))) {
      await advanceIsolatedTests(node, description, state, ctx);
      if (node.status === 'running') progressed = true;
      else finish(node);
      continue;
    }
    if (description.status !== 'FINISHED') {
      if (node.kind === 'load' && await recoverLoadNode(node, state, loadStepContext(node, state, ctx), description)) {
        progressed = true;
        continue;
      }
      node.status = 'error';
      node.error = description.error ?? `statement ${description.status.toLowerCase()}`;
      if (node.kind === 'tests') node.tests = testResultsFor(node, ctx.manifest, () => 'error');
      finish(node);
      continue;
    }
    if (node.kind === 'tests') {
      const result = await ctx.warehouse.fetchRows(lastResultId(description));
      const failures = new Map(result.rows.map((r) => [String(r[0]), Number(r[1])]));
      node.tests = asDbtRunsUnitTests(node, testResultsFor(node, ctx.manifest, (id) => {
        const count = failures.get(id) ?? 0;
        return testStatus(ctx.manifest.tests[id]!, count);
      }, failures));
      node.status = node.tests.some((t) => t.status === 'fail') ? 'fail' : node.tests.some((t) => t.status === 'warn') ? 'warn' : 'pass';
      finish(node);
      continue;
    }
    if (node.kind === 'load') {
      await advanceLoadNode(node, state, loadStepContext(node, state, ctx), description);
      if (node.status === 'running') progressed = true;
      else finish(node);
      continue;
    }
    let plan = cachedPlanFor(node, state, ctx);
    const finishedStep = plan.steps[node.step ?? 0];
    const rowsStatement = finishedStep?.rowsFromStatement;
    node.rows = (rowsStatement !== undefined ? description.subStatements?.[rowsStatement]?.resultRows : undefined) ?? description.resultRows;
    if (finishedStep?.fetchColumns) {
      node.columns = fetchedColumns(await ctx.warehouse.fetchRows(lastResultId(description)));
      plan = cachedPlanFor(node, state, ctx);
    }
    if (finishedStep?.failWith) {
      node.status = 'error';
      node.error = finishedStep.failWith;
      finish(node);
      continue;
    }
    const nextStep = (node.step ?? 0) + 1;
    if (plan.steps[nextStep]?.runsPostHookQueries && node.postHooks === 'deferred') {
      // The model is built: its post-hooks' queries run now, as dbt runs them, then the post-hooks.
      try {
        node.postHooks = 'ready';
        await resolveQueriesOf(node, state, ctx);
        plan = cachedPlanFor(node, state, ctx);
      } catch (error) {
        if (!(error instanceof EngineError)) throw error;
        node.status = 'error';
        node.error = error.message;
        finish(node);
        continue;
      }
    }
    if (nextStep < plan.steps.length) {
      node.step = nextStep;
      node.statementId = await submitStep(state, node, plan, ctx);
      progressed = true;
    } else {
      node.status = 'success';
      finish(node);
    }
  }

  // 2. Skip everything downstream of a failure.
  for (const node of state.nodes) {
    if (node.status !== 'pending') continue;
    const blocker = node.dependsOn.map((d) => byId.get(d)!).find((d) => d && FINISHED_STATUSES.has(d.status) && !PASSING_STATUSES.has(d.status));
    if (blocker) {
      node.status = 'skipped';
      node.skippedBecause = blocker.status === 'skipped' ? (blocker.skippedBecause ?? blocker.name) : blocker.kind === 'tests' ? `tests of ${blocker.name}` : blocker.name;
      if (node.kind === 'tests') node.tests = testResultsFor(node, ctx.manifest, () => 'skipped');
      node.finishedAt = now().toISOString();
      progressed = true;
      ctx.onEvent?.({ type: 'node_finished', node, index: indexOf.get(node.id)!, total: totalOf(node), durationMs: 0 });
    }
  }

  // 3. Submit what is ready.
  let inFlight = state.nodes.filter((n) => n.status === 'running').length;
  const mayStart = phaseGate(state);
  for (const node of state.nodes) {
    if (inFlight >= state.concurrency) break;
    if (node.status !== 'pending') continue;
    if (!node.dependsOn.every((d) => PASSING_STATUSES.has(byId.get(d)!.status))) continue;
    if (!mayStart(node)) continue;
    node.startedAt = now().toISOString();
    node.status = 'running';
    node.step = 0;
    ctx.onEvent?.({ type: 'node_started', node, index: indexOf.get(node.id)!, total: totalOf(node) });
    try {
      if (node.kind === 'load') {
        await advanceLoadNode(node, state, loadStepContext(node, state, ctx));
        if (node.status !== 'running') finish(node);
        else inFlight++;
        progressed = true;
        continue;
      }
      await resolveQueriesOf(node, state, ctx);
      node.statementId = await submitStep(state, node, node.kind === 'tests' ? undefined : cachedPlanFor(node, state, ctx), ctx);
      inFlight++;
    } catch (error) {
      if (!(error instanceof EngineError)) throw error;
      // A test that cannot render is one error: its siblings run one at a time, as dbt runs every test.
      if (node.kind === 'tests' && (node.testIds?.length ?? 0) > 1 && !node.isolatedTests) {
        await advanceIsolatedTests(node, undefined, state, ctx);
        if (node.status === 'running') inFlight++;
        else finish(node);
        progressed = true;
        continue;
      }
      // A render error is this node's failure, not the run's.
      node.status = 'error';
      node.error = error.message;
      if (node.kind === 'tests') node.tests = testResultsFor(node, ctx.manifest, () => 'error');
      finish(node);
    }
    progressed = true;
  }

  state.iterations += 1;
  state.done = state.nodes.every((n) => FINISHED_STATUSES.has(n.status));
  // Back off while nothing changes, so long statements cost few state transitions.
  state.waitSeconds = state.done ? 0 : progressed ? 1 : Math.min(MAX_WAIT_SECONDS, Math.max(1, state.waitSeconds * 2));
  return state;
}

/**
 * The statement's description, or undefined when the Data API no longer knows the id (results are kept 24 h;
 * a run redriven or resumed days later polls ids that expired): the node then starts again from its first step.
 */
async function describeOrForget(node: RunNode, ctx: RunContext): Promise<StatementDescription | undefined> {
  try {
    return await ctx.warehouse.describe(node.statementId!);
  } catch (error) {
    if ((error as Error).name === 'StatementNotFoundError') return undefined;
    throw error;
  }
}

/** Back to pending with a new attempt (new client tokens): its statements run again from the first step. */
export function restartNode(node: RunNode): void {
  node.status = 'pending';
  node.attempt = (node.attempt ?? 0) + 1;
  for (const key of ['step', 'statementId', 'startedAt', 'finishedAt', 'rows', 'error', 'skippedBecause', 'columns', 'tests', 'queryResults', 'isolatedTests', 'postHooks'] as const) {
    delete node[key];
  }
}

/** {@link planFor}, through `ctx.plans` when the caller keeps them: by run, node, and what the plan depends on that a run changes. */
function cachedPlanFor(node: RunNode, state: RunState, ctx: RunContext): MaterializationPlan {
  if (!ctx.plans) return planFor(node, state, ctx);
  const key = `${state.runId}\n${node.id}\n${node.postHooks ?? ''}\n${JSON.stringify(node.columns ?? null)}\n${JSON.stringify(node.queryResults ?? null)}`;
  let plan = ctx.plans.get(key);
  if (!plan) {
    plan = planFor(node, state, ctx);
    ctx.plans.set(key, plan);
  }
  return plan;
}

/**
 * The state a step may change, leaving its input untouched: a step only assigns members of pending and running
 * nodes (arrays such as `tests` and `columns` are replaced, never edited), so copying those suffices; finished
 * nodes and the snapshot (`existing`, `partitions`, `vars`) are only read. A structuredClone of the whole state
 * cost ~3 ms a step for 200 nodes, more than the SQL of a view.
 */
function copyForStep(input: RunState): RunState {
  return { ...input, nodes: input.nodes.map((node) => (FINISHED_STATUSES.has(node.status) ? node : { ...node })) };
}

function testResultsFor(
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
function lastResultId(description: StatementDescription): string {
  const subStatements = description.subStatements ?? [];
  return subStatements.length ? subStatements[subStatements.length - 1]!.id : description.id;
}

/** `(schema, relation, column, type)` rows, grouped by `schema.relation` in column order. */
function fetchedColumns(result: ResultSet): FetchedColumns {
  const columns: FetchedColumns = {};
  for (const [schema, relation, name, type] of result.rows) {
    (columns[`${String(schema)}.${String(relation)}`] ??= []).push({ name: String(name), type: String(type) });
  }
  return columns;
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
 * Run the `run_query`/`statement` SQL of a node that is starting and store the results on it, so that
 * every render of the node (this step's and later steps') reads them. Most nodes have none: skipped cheaply.
 */
async function resolveQueriesOf(node: RunNode, state: RunState, ctx: RunContext): Promise<void> {
  const manifest = ctx.manifest;
  const definitions = node.kind === 'tests' ? (node.testIds ?? []).map((id) => manifest.tests[id])
    : node.kind === 'operation' ? [node.hook && manifest.projectHooks?.[node.hook.type]?.[node.hook.index]]
    : [manifest.models[node.id] ?? manifest.seeds[node.id]];
  if (!mayRunQueries(manifest, definitions.map((d) => JSON.stringify(d ?? null)))) return;
  const built = manifest.models[node.id] ?? manifest.seeds[node.id];
  const file = node.kind === 'operation' ? 'dbt_project.yml' : built?.origin.file ?? node.name;
  // Starting: a post-hook's queries wait for the build (dbt renders post-hooks after it).
  const starting = node.kind !== 'tests' && node.kind !== 'operation' && node.postHooks === undefined && built !== undefined && hookTemplates(built.config, 'post').length > 0;
  if (starting) node.postHooks = 'deferred';
  node.queryResults = await resolveRunTimeQueries(
    (queriesFor) => (node.kind === 'tests' ? renderTests(node, state, manifest, false, queriesFor) : planFor(node, state, ctx, queriesFor)),
    node.queryResults ?? {},
    { warehouse: ctx.warehouse, runId: state.runId, nodeId: node.id, nodeName: node.name, file },
    node.postHooks === 'deferred' ? { deferScope: (scope) => scope.startsWith('post_hook:'), onDeferred: (waiting) => { if (waiting === 0) delete node.postHooks; } } : {},
  );
}

/**
 * One more step of a tests node that runs its tests one at a time (its batch failed, so some test's SQL
 * is broken): record the outcome of the test that finished, then submit the next, or settle the node
 * once every test has run: a broken test is `error`, the others pass, warn or fail on their own.
 */
async function advanceIsolatedTests(node: RunNode, description: StatementDescription | undefined, state: RunState, ctx: RunContext): Promise<void> {
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
      sqls = testStatements(single, state, ctx.manifest);
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

/** The statements of a tests node: stored failures (`store_failures`) first, then the one counting query. */
function testStatements(node: RunNode, state: RunState, manifest: Manifest): string[] {
  return buildTestStatements(renderTests(node, state, manifest, false).map(({ id, sql }) => ({
    id, sql, limit: manifest.tests[id]!.limit, failCalc: manifest.tests[id]!.failCalc,
    storeFailuresIn: manifest.tests[id]!.storeFailuresIn, storeFailuresAs: manifest.tests[id]!.storeFailuresAs,
  })));
}

/** How a load node submits its steps (same names and client tokens as a model's steps) and reads a step's rows. */
function loadStepContext(node: RunNode, state: RunState, ctx: RunContext): LoadStepContext {
  return {
    loads: ctx.loads,
    submit: (sqls) => ctx.warehouse.submit(sqls.length === 1 ? sqls[0]! : sqls, {
      name: `landfall/${state.runId}/${node.name}/${node.kind}/${node.step ?? 0}`.slice(0, 500),
      clientToken: clientToken(state, node, String(node.step ?? 0)),
    }),
    fetchLastRows: (description) => ctx.warehouse.fetchRows(lastResultId(description)),
  };
}

async function submitStep(state: RunState, node: RunNode, plan: MaterializationPlan | undefined, ctx: RunContext): Promise<string> {
  const step = node.step ?? 0;
  const sqls = plan ? plan.steps[step]!.sqls : testStatements(node, state, ctx.manifest);
  return ctx.warehouse.submit(sqls.length === 1 ? sqls[0]! : sqls, {
    name: `landfall/${state.runId}/${node.name}/${node.kind}/${step}`.slice(0, 500),
    clientToken: clientToken(state, node, String(step)),
  });
}

/** Same run, node, step and attempt → same token: a retried task submits nothing twice; a new attempt submits again. */
function clientToken(state: RunState, node: RunNode, step: string): string {
  const attempt = node.attempt ? `\nattempt ${node.attempt}` : '';
  return createHash('sha256').update(`${state.runId}\n${node.id}\n${step}${attempt}`).digest('hex').slice(0, 64);
}
