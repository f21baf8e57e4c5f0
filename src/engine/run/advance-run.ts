/**
 * The scheduler loop's one step. `advanceRun` polls the statements in flight, records what finished,
 * skips what can no longer run, and submits every node that became ready (up to the run's concurrency).
 * It never waits for SQL: the caller (a Step Functions Wait state, or the CLI) decides how long to wait
 * before the next step. Submits carry a client token derived from run, node and step, so retrying a
 * step after a crash submits nothing twice.
 */
import type { Dialect } from '../dialects';
import { EngineError } from '../errors';
import type { Manifest } from '../manifest';
import type { MaterializationPlan } from '../materializations';
import type { ResultSet, StatementDescription, Warehouse } from '../warehouse/warehouse';
import type { FetchedColumns } from '../materializations/plan';
import { TERMINAL_STATUSES } from '../warehouse/warehouse';
import { advanceLoadNode, recoverLoadNode, type LoadStepRunner } from './load-node';
import { phaseGate } from './project-hooks';
import { modelRowsInSharedBatch, sharedBatchOutcome } from './tests-with-model';
import { criticalPathFirst } from './critical-path-order';
import { clearPoll, isDue, learnDuration, msUntilNextPoll, scheduleFirstPoll, scheduleRepoll } from './poll-schedule';
import { asDbtRunsUnitTests } from './unit-test-nodes';
import { advanceIsolatedTests } from './isolated-tests';
import { resolveQueriesOf } from './node-statements';
import { cachedPlanFor, loadStepContext, submitStep } from './submit-step';
import { lastResultId, lastResultRows, testResultsFor } from './tests-node';
import { testStatus } from '../tests/test-status';
import { FINISHED_STATUSES, nodesById, PASSING_STATUSES, type RunNode, type RunState } from './run-state';
import type { RenderPort } from './render-port';
import { likelyRenders } from './prefetch-renders';

export type RunEvent =
  | { type: 'node_started'; node: RunNode; index: number; total: number }
  | { type: 'node_finished'; node: RunNode; index: number; total: number; durationMs: number };

export interface RunContext {
  manifest: Manifest;
  dialect: Dialect;
  warehouse: Warehouse;
  /**
   * Renders the plans and statements (render-port.ts): in process (`inProcessRenderer`, render-in-process.ts), or
   * the RenderPlans function for AdvanceRun, whose bundle then holds no template engine.
   */
  renderer: RenderPort;
  onEvent?: (event: RunEvent) => void;
  now?: () => Date;
  /**
   * Plans derived so far in this run, kept by a caller that holds one context for the whole run (the CLI):
   * a node is then not rendered again when its statement ends. Step Functions tasks pass none.
   */
  plans?: Map<string, MaterializationPlan>;
  /** Runs the steps of load nodes (S3 COPYs, src/ingest/load-steps.ts); a run with load nodes fails them without it. */
  loads?: LoadStepRunner;
  /**
   * Describe only the statements that are due (poll-schedule.ts) and set `waitSeconds` to the earliest due time:
   * the Step Functions tasks, where each DescribeStatement is a billed call of tens of milliseconds. Without it
   * (the CLI, whose local calls cost microseconds) every statement in flight is described at each step.
   */
  pollDueOnly?: boolean;
  /** Submit a model's tests in the batch of its last step when nothing changes by it (tests-with-model.ts). */
  testsWithModel?: boolean;
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
  const byId = nodesById(state);
  // Numbered like dbt's progress lines; counted at a step's first event (a step that only polls tells none).
  let numbering: NodeNumbering | undefined;
  const numbers = () => (numbering ??= numberNodes(state.nodes));
  const indexOf = { get: (id: string) => numbers().index.get(id) };
  const totalOf = (n: RunNode) => numbers().totals.get(phaseOf(n))!;
  let progressed = false;
  // Nodes are settled and started concurrently (their Data API calls overlap); their events are told in node order.
  const position = { get: (id: string) => numbers().position.get(id) };
  const events: RunEvent[] = [];
  const emit = (event: RunEvent) => events.push(event);
  // A tests node that rides in its model's batch starts with it.
  const rideAlong = (rider: RunNode) => {
    rider.status = 'running';
    rider.startedAt = now().toISOString();
    rider.step = 0;
    rider.inModelBatch = true;
    emit({ type: 'node_started', node: rider, index: indexOf.get(rider.id)!, total: totalOf(rider) });
  };
  const flushEvents = () => {
    events.sort((a, b) => position.get(a.node.id)! - position.get(b.node.id)!).forEach((e) => ctx.onEvent?.(e));
    events.length = 0;
  };

  const finish = (node: RunNode) => {
    node.finishedAt = now().toISOString();
    node.statementId = undefined;
    delete node.testsInBatch;
    delete node.inModelBatch;
    clearPoll(node);
    // Keep a failed node's query results: the failure alert renders its SQL again.
    if (node.status === 'success' || node.status === 'pass') delete node.queryResults;
    progressed = true;
    emit({
      type: 'node_finished', node, index: indexOf.get(node.id)!, total: totalOf(node),
      durationMs: node.startedAt ? Date.parse(node.finishedAt) - Date.parse(node.startedAt) : 0,
    });
  };

  // 1. Poll what is in flight (or, with pollDueOnly, what is due): one DescribeStatement per statement, all at once.
  const polledAt = now().getTime();
  const inFlightNodes = state.nodes.filter((n) => n.status === 'running' && n.statementId && (!ctx.pollDueOnly || isDue(n, polledAt)));
  const describing = new Map<string, Promise<StatementDescription | undefined>>();
  const descriptions = await Promise.all(inFlightNodes.map((n) => {
    // Never the same statement twice in one poll.
    if (!describing.has(n.statementId!)) describing.set(n.statementId!, describeOrForget(n, ctx));
    return describing.get(n.statementId!)!;
  }));
  // What the step will likely render next (the nodes it starts, the tests riding along) joins the polled nodes' plans
  // in the renderer's batch: one RenderPlans Invoke a step (prefetch-renders.ts); the asks below stay the fallback.
  ctx.renderer.prefetch?.(likelyRenders(state, inFlightNodes, descriptions, ctx.manifest));
  await settleAll(inFlightNodes.map((node, i) => async () => {
    const description = descriptions[i];
    if (!description) {
      restartNode(node);
      progressed = true;
      return;
    }
    if (!TERMINAL_STATUSES.has(description.status)) {
      if (ctx.pollDueOnly) scheduleRepoll(state, node, polledAt);
      return;
    }
    if (ctx.pollDueOnly && !node.inModelBatch) learnDuration(state, node, description.durationMs);
    if (node.inModelBatch && description.status !== 'FINISHED') {
      // The shared batch failed: pending again, so skipped when the model failed, or run alone after the model's rerun.
      for (const key of ['statementId', 'startedAt', 'step', 'inModelBatch', 'submittedAt', 'pollAt'] as const) delete node[key];
      node.status = 'pending';
      progressed = true;
      return;
    }
    if (node.testsInBatch !== undefined && sharedBatchOutcome(description, node.testsInBatch) === 'tests failed') {
      // A test's SQL rolled the model's step back: the step again, alone; its tests follow as their own node.
      delete node.testsInBatch;
      node.statementId = await submitStep(state, node, await cachedPlanFor(node, state, ctx), ctx, undefined, 'alone');
      progressed = true;
      return;
    }
    if (node.kind === 'tests' && (node.isolatedTests || (description.status !== 'FINISHED' && (node.testIds?.length ?? 0) > 1))) {
      await advanceIsolatedTests(node, description, state, ctx);
      if (node.status === 'running') progressed = true;
      else finish(node);
      return;
    }
    if (description.status !== 'FINISHED') {
      if (node.kind === 'load' && await recoverLoadNode(node, state, loadStepContext(node, state, ctx), description)) {
        progressed = true;
        return;
      }
      node.status = 'error';
      node.error = description.error ?? `statement ${description.status.toLowerCase()}`;
      if (node.kind === 'tests') node.tests = testResultsFor(node, ctx.manifest, () => 'error');
      finish(node);
      return;
    }
    if (node.kind === 'tests') {
      // The counting query returns only tests with failures: none back, nothing to fetch (one Data API call saved).
      const result = lastResultRows(description) === 0 ? { columns: [], rows: [] } : await ctx.warehouse.fetchRows(lastResultId(description));
      const failures = new Map(result.rows.map((r) => [String(r[0]), Number(r[1])]));
      node.tests = asDbtRunsUnitTests(node, testResultsFor(node, ctx.manifest, (id) => {
        const count = failures.get(id) ?? 0;
        return testStatus(ctx.manifest.tests[id]!, count);
      }, failures));
      node.status = node.tests.some((t) => t.status === 'fail') ? 'fail' : node.tests.some((t) => t.status === 'warn') ? 'warn' : 'pass';
      finish(node);
      return;
    }
    if (node.kind === 'load') {
      await advanceLoadNode(node, state, loadStepContext(node, state, ctx), description);
      if (node.status === 'running') progressed = true;
      else finish(node);
      return;
    }
    let plan = await cachedPlanFor(node, state, ctx);
    const finishedStep = plan.steps[node.step ?? 0];
    const rowsStatement = finishedStep?.rowsFromStatement;
    node.rows = node.testsInBatch !== undefined
      ? modelRowsInSharedBatch(description, node.testsInBatch, rowsStatement) ?? -1
      : (rowsStatement !== undefined ? description.subStatements?.[rowsStatement]?.resultRows : undefined) ?? description.resultRows;
    if (finishedStep?.fetchColumns) {
      node.columns = fetchedColumns(await ctx.warehouse.fetchRows(lastResultId(description)));
      plan = await cachedPlanFor(node, state, ctx);
    }
    if (finishedStep?.failWith) {
      node.status = 'error';
      node.error = finishedStep.failWith;
      finish(node);
      return;
    }
    const nextStep = (node.step ?? 0) + 1;
    if (plan.steps[nextStep]?.runsPostHookQueries && node.postHooks === 'deferred') {
      // The model is built: its post-hooks' queries run now, as dbt runs them, then the post-hooks.
      try {
        node.postHooks = 'ready';
        await resolveQueriesOf(node, state, ctx);
        plan = await cachedPlanFor(node, state, ctx);
      } catch (error) {
        if (!(error instanceof EngineError)) throw error;
        node.status = 'error';
        node.error = error.message;
        finish(node);
        return;
      }
    }
    if (nextStep < plan.steps.length) {
      node.step = nextStep;
      node.statementId = await submitStep(state, node, plan, ctx, rideAlong);
      progressed = true;
    } else {
      node.status = 'success';
      finish(node);
    }
   }));
  flushEvents();

  // 2. Skip everything downstream of a failure.
  for (const node of state.nodes) {
    if (node.status !== 'pending') continue;
    const blocker = failedDependency(node, byId);
    if (blocker) {
      node.status = 'skipped';
      node.skippedBecause = blocker.status === 'skipped' ? (blocker.skippedBecause ?? blocker.name) : blocker.kind === 'tests' ? `tests of ${blocker.name}` : blocker.name;
      if (node.kind === 'tests') node.tests = testResultsFor(node, ctx.manifest, () => 'skipped');
      node.finishedAt = now().toISOString();
      progressed = true;
      emit({ type: 'node_finished', node, index: indexOf.get(node.id)!, total: totalOf(node), durationMs: 0 });
    }
  }
  flushEvents();

  // 3. Submit what is ready, longest remaining path first (critical-path-order.ts): each started node takes a slot,
  // and their submits overlap. Statements in flight (a model and the tests riding in its batch are one).
  let inFlight = new Set(state.nodes.filter((n) => n.status === 'running').map((n) => n.statementId ?? n.id)).size;
  const mayStart = phaseGate(state);
  const starting: RunNode[] = [];
  // Ready is decided before the first start: starting a node never makes another ready (that takes a pass).
  const ready = (node: RunNode) => node.status === 'pending' && node.dependsOn.every((d) => PASSING_STATUSES.has(byId.get(d)!.status)) && mayStart(node);
  for (const node of inFlight < state.concurrency ? criticalPathFirst(state, ready) : []) {
    if (inFlight >= state.concurrency) break;
    node.startedAt = now().toISOString();
    node.status = 'running';
    node.step = 0;
    emit({ type: 'node_started', node, index: indexOf.get(node.id)!, total: totalOf(node) });
    starting.push(node);
    inFlight++;
    progressed = true;
  }
  await settleAll(starting.map((node) => async () => {
    try {
      if (node.kind === 'load') {
        await advanceLoadNode(node, state, loadStepContext(node, state, ctx));
        if (node.status !== 'running') finish(node);
        return;
      }
      await resolveQueriesOf(node, state, ctx);
      node.statementId = await submitStep(state, node, node.kind === 'tests' ? undefined : await cachedPlanFor(node, state, ctx), ctx, rideAlong);
    } catch (error) {
      if (!(error instanceof EngineError)) throw error;
      // A test that cannot render is one error: its siblings run one at a time, as dbt runs every test.
      if (node.kind === 'tests' && (node.testIds?.length ?? 0) > 1 && !node.isolatedTests) {
        await advanceIsolatedTests(node, undefined, state, ctx);
        if (node.status !== 'running') finish(node);
        return;
      }
      // A render error is this node's failure, not the run's.
      node.status = 'error';
      node.error = error.message;
      if (node.kind === 'tests') node.tests = testResultsFor(node, ctx.manifest, () => 'error');
      finish(node);
    }
  }));
  flushEvents();

  state.iterations += 1;
  state.done = state.nodes.every((n) => FINISHED_STATUSES.has(n.status));
  if (ctx.pollDueOnly) {
    // Every statement submitted in this step (a node's first, its next step, an isolated test, a load step) is due
    // when statements of its kind usually end; the caller waits for the earliest (Wait states take whole seconds).
    const submittedAt = now().getTime();
    input.nodes.forEach((before, i) => {
      const node = state.nodes[i]!;
      if (node.status === 'running' && node.statementId && !node.inModelBatch && (node.statementId !== before.statementId || node.pollAt === undefined)) scheduleFirstPoll(state, node, submittedAt);
    });
    // A tests node in its model's batch is polled with the model.
    const carriers = new Map(state.nodes.filter((n) => n.testsInBatch !== undefined && n.statementId).map((n) => [n.statementId!, n]));
    for (const rider of state.nodes) {
      const carrier = rider.inModelBatch && rider.statementId ? carriers.get(rider.statementId) : undefined;
      if (carrier) Object.assign(rider, { submittedAt: carrier.submittedAt, pollAt: carrier.pollAt });
    }
    const nextMs = msUntilNextPoll(state, submittedAt);
    state.waitSeconds = state.done ? 0 : Math.min(MAX_WAIT_SECONDS, Math.max(1, Math.floor((nextMs ?? 1000) / 1000)));
    return state;
  }
  // Back off while nothing changes, so long statements cost few state transitions.
  state.waitSeconds = state.done ? 0 : progressed ? 1 : Math.min(MAX_WAIT_SECONDS, Math.max(1, state.waitSeconds * 2));
  return state;
}

/** The first dependency that finished without passing (failed, or skipped), if any. */
function failedDependency(node: RunNode, byId: ReadonlyMap<string, RunNode>): RunNode | undefined {
  for (const id of node.dependsOn) {
    const d = byId.get(id);
    if (d && FINISHED_STATUSES.has(d.status) && !PASSING_STATUSES.has(d.status)) return d;
  }
  return undefined;
}

/** The run's nodes numbered within their phase (on-run-start hooks, nodes, on-run-end hooks), and their run order. */
interface NodeNumbering {
  index: Map<string, number>;
  totals: Map<string, number>;
  position: Map<string, number>;
}

const phaseOf = (n: RunNode) => n.hook?.type ?? 'nodes';

function numberNodes(nodes: readonly RunNode[]): NodeNumbering {
  const numbering: NodeNumbering = { index: new Map(), totals: new Map(), position: new Map() };
  nodes.forEach((n, i) => {
    const count = (numbering.totals.get(phaseOf(n)) ?? 0) + 1;
    numbering.totals.set(phaseOf(n), count);
    numbering.index.set(n.id, count);
    numbering.position.set(n.id, i);
  });
  return numbering;
}

/** Tasks of one step running at once: their Data API calls overlap without queueing on the SDK's socket pool (50). */
const STEP_PARALLELISM = 16;

/**
 * Runs the tasks, {@link STEP_PARALLELISM} at a time, and waits for all of them (none is left running behind a
 * failure); rethrows the first failure. A step's nodes are independent: each task touches its own node.
 */
async function settleAll(tasks: (() => Promise<void>)[]): Promise<void> {
  const failures: unknown[] = [];
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const task = tasks[next++]!;
      await task().catch((error: unknown) => failures.push(error));
    }
  };
  await Promise.all(Array.from({ length: Math.min(STEP_PARALLELISM, tasks.length) }, worker));
  if (failures.length) throw failures[0];
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
  for (const key of ['step', 'statementId', 'submittedAt', 'pollAt', 'testsInBatch', 'inModelBatch', 'startedAt', 'finishedAt', 'rows', 'error', 'skippedBecause', 'columns', 'tests', 'queryResults', 'isolatedTests', 'postHooks'] as const) {
    delete node[key];
  }
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

/** `(schema, relation, column, type)` rows, grouped by `schema.relation` in column order. */
function fetchedColumns(result: ResultSet): FetchedColumns {
  const columns: FetchedColumns = {};
  for (const [schema, relation, name, type] of result.rows) {
    (columns[`${String(schema)}.${String(relation)}`] ??= []).push({ name: String(name), type: String(type) });
  }
  return columns;
}
