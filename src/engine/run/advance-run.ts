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
import type { ExecutableNode, Manifest } from '../manifest';
import { planMaterialization, type MaterializationPlan } from '../materializations';
import { planPartitionedModel, scopedTestRefs } from '../materializations/partitioned/run-context';
import { renderHookSql, renderNodeSql } from '../render/render-node';
import { hookTemplates, withHooks } from '../materializations/hooks';
import { buildTestStatements } from '../tests/test-batch';
import { testStatus, withTestLimit } from '../tests/test-status';
import type { ResultSet, StatementDescription, Warehouse } from '../../warehouse/warehouse';
import type { FetchedColumns } from '../materializations/plan';
import { TERMINAL_STATUSES } from '../../warehouse/warehouse';
import {
  FINISHED_STATUSES, PASSING_STATUSES, relationKey, type RunNode, type RunState, type TestResult,
} from './run-state';

export type RunEvent =
  | { type: 'node_started'; node: RunNode; index: number; total: number }
  | { type: 'node_finished'; node: RunNode; index: number; total: number; durationMs: number };

export interface RunContext {
  manifest: Manifest;
  dialect: Dialect;
  warehouse: Warehouse;
  onEvent?: (event: RunEvent) => void;
  now?: () => Date;
}

const MAX_WAIT_SECONDS = 30;

/**
 * @example
 * let state = planRun(manifest, { runId, command: 'build' });
 * state = await prepareRun(state, ctx);
 * while (!state.done) { state = await advanceRun(state, ctx); await sleep(state.waitSeconds * 1000); }
 */
export async function advanceRun(input: RunState, ctx: RunContext): Promise<RunState> {
  const state: RunState = structuredClone(input);
  const now = () => (ctx.now ?? (() => new Date()))();
  const byId = new Map(state.nodes.map((n) => [n.id, n]));
  const indexOf = new Map(state.nodes.map((n, i) => [n.id, i + 1]));
  const total = state.nodes.length;
  let progressed = false;

  const finish = (node: RunNode) => {
    node.finishedAt = now().toISOString();
    node.statementId = undefined;
    progressed = true;
    ctx.onEvent?.({
      type: 'node_finished', node, index: indexOf.get(node.id)!, total,
      durationMs: node.startedAt ? Date.parse(node.finishedAt) - Date.parse(node.startedAt) : 0,
    });
  };

  // 1. Poll what is in flight: one DescribeStatement per statement, all at once.
  const inFlightNodes = state.nodes.filter((n) => n.status === 'running' && n.statementId);
  const descriptions = await Promise.all(inFlightNodes.map((n) => ctx.warehouse.describe(n.statementId!)));
  for (const [i, node] of inFlightNodes.entries()) {
    const description = descriptions[i]!;
    if (!TERMINAL_STATUSES.has(description.status)) continue;
    if (description.status !== 'FINISHED') {
      node.status = 'error';
      node.error = description.error ?? `statement ${description.status.toLowerCase()}`;
      if (node.kind === 'tests') node.tests = testResultsFor(node, ctx.manifest, () => 'error');
      finish(node);
      continue;
    }
    if (node.kind === 'tests') {
      const result = await ctx.warehouse.fetchRows(lastResultId(description));
      const failures = new Map(result.rows.map((r) => [String(r[0]), Number(r[1])]));
      node.tests = testResultsFor(node, ctx.manifest, (id) => {
        const count = failures.get(id) ?? 0;
        return testStatus(ctx.manifest.tests[id]!, count);
      }, failures);
      node.status = node.tests.some((t) => t.status === 'fail') ? 'fail' : node.tests.some((t) => t.status === 'warn') ? 'warn' : 'pass';
      finish(node);
      continue;
    }
    node.rows = description.resultRows;
    let plan = planFor(node, state, ctx);
    const finishedStep = plan.steps[node.step ?? 0];
    if (finishedStep?.fetchColumns) {
      node.columns = fetchedColumns(await ctx.warehouse.fetchRows(lastResultId(description)));
      plan = planFor(node, state, ctx);
    }
    if (finishedStep?.failWith) {
      node.status = 'error';
      node.error = finishedStep.failWith;
      finish(node);
      continue;
    }
    const nextStep = (node.step ?? 0) + 1;
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
      ctx.onEvent?.({ type: 'node_finished', node, index: indexOf.get(node.id)!, total, durationMs: 0 });
    }
  }

  // 3. Submit what is ready.
  let inFlight = state.nodes.filter((n) => n.status === 'running').length;
  for (const node of state.nodes) {
    if (inFlight >= state.concurrency) break;
    if (node.status !== 'pending') continue;
    if (!node.dependsOn.every((d) => PASSING_STATUSES.has(byId.get(d)!.status))) continue;
    node.startedAt = now().toISOString();
    node.status = 'running';
    node.step = 0;
    ctx.onEvent?.({ type: 'node_started', node, index: indexOf.get(node.id)!, total });
    try {
      node.statementId = await submitStep(state, node, node.kind === 'tests' ? undefined : planFor(node, state, ctx), ctx);
      inFlight++;
    } catch (error) {
      if (!(error instanceof EngineError)) throw error;
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

function testResultsFor(
  node: RunNode,
  manifest: Manifest,
  statusOf: (id: string) => TestResult['status'],
  failures?: Map<string, number>,
): TestResult[] {
  return (node.testIds ?? []).map((id) => ({ id, name: manifest.tests[id]!.name, status: statusOf(id), failures: failures?.get(id) ?? 0 }));
}

function executableNode(manifest: Manifest, id: string): ExecutableNode {
  const node = manifest.models[id] ?? manifest.seeds[id];
  if (!node) throw new EngineError(`node ${id} is not in the compiled project (recompile, or replay with the current project)`);
  return node;
}

/** The materialization plan of a model or seed: re-derived on each step from the run state, never stored. */
export function planFor(node: RunNode, state: RunState, ctx: RunContext): MaterializationPlan {
  const manifestNode = executableNode(ctx.manifest, node.id);
  const partition = state.partitions?.[node.id];
  if (partition && manifestNode.resourceType === 'model') return planPartitionedModel(manifestNode, partition, state, ctx);
  const existing = state.existing[relationKey(manifestNode.relation)];
  if (manifestNode.resourceType !== 'model') {
    return planMaterialization({ node: manifestNode, sql: '', dialect: ctx.dialect, existing, fullRefresh: state.fullRefresh });
  }
  const renderOptions = {
    vars: { ...ctx.manifest.vars, ...state.vars },
    isIncremental: manifestNode.config.materialized === 'incremental' && existing?.kind === 'table' && !state.fullRefresh,
    invocationId: state.runId,
    runStartedAt: new Date(state.startedAt),
  };
  const sql = renderNodeSql(ctx.manifest, manifestNode, renderOptions);
  const plan = planMaterialization({ node: manifestNode, sql, dialect: ctx.dialect, existing, fullRefresh: state.fullRefresh, columns: node.columns });
  const hooks = (moment: 'pre' | 'post') =>
    hookTemplates(manifestNode.config, moment).map((hook) => renderHookSql(ctx.manifest, manifestNode, hook, renderOptions));
  return withHooks(plan, hooks('pre'), hooks('post'));
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
 * `applyLimit` is false.
 */
export function renderTests(node: RunNode, state: RunState, manifest: Manifest, applyLimit = true): { id: string; sql: string }[] {
  return (node.testIds ?? []).map((id) => ({
    id,
    sql: withTestLimit(renderNodeSql(manifest, manifest.tests[id]!, {
      vars: { ...manifest.vars, ...state.vars },
      isIncremental: false,
      invocationId: state.runId,
      runStartedAt: new Date(state.startedAt),
      refOverrides: scopedTestRefs(manifest, state, id),
    }), applyLimit ? manifest.tests[id]!.limit : undefined),
  }));
}

/** The statements of a tests node: stored failures (`store_failures`) first, then the one counting query. */
function testStatements(node: RunNode, state: RunState, manifest: Manifest): string[] {
  return buildTestStatements(renderTests(node, state, manifest, false).map(({ id, sql }) => ({
    id, sql, limit: manifest.tests[id]!.limit, storeFailuresIn: manifest.tests[id]!.storeFailuresIn,
  })));
}

async function submitStep(state: RunState, node: RunNode, plan: MaterializationPlan | undefined, ctx: RunContext): Promise<string> {
  const step = node.step ?? 0;
  const sqls = plan ? plan.steps[step]!.sqls : testStatements(node, state, ctx.manifest);
  return ctx.warehouse.submit(sqls.length === 1 ? sqls[0]! : sqls, {
    name: `landfall/${state.runId}/${node.name}/${node.kind}/${step}`.slice(0, 500),
    clientToken: createHash('sha256').update(`${state.runId}\n${node.id}\n${step}`).digest('hex').slice(0, 64),
  });
}
