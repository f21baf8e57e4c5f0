/**
 * `landfall build|run|test|seed` without Step Functions: the same engine (plan, prepare, advance) driven
 * by a loop in this process — on the in-process local warehouse, through the Redshift Data API client at a
 * local endpoint, or at a real Redshift when `LANDFALL_REDSHIFT_CLUSTER`/`LANDFALL_REDSHIFT_WORKGROUP` are set.
 */
import { advanceRun, inProcessRenderer, planRun, prepareRun, type Manifest, type RunRequest, type RunState } from '../engine';
import type { Dialect } from '../engine/dialects';
import type { Warehouse } from '../engine/warehouse/warehouse';
import type { MaterializationPlan } from '../engine/materializations';
import { planStatements, writeRunSql } from './compiled-sql';
import { withLongPolledEnds, type StatementEndWaiter } from '../engine/run/long-poll-ends';
import { printRunEvent } from './progress';

export interface LocalRunDependencies {
  dialect: Dialect;
  warehouse: Warehouse;
  write?: (line: string) => void;
  /** Write each model's statements to `<projectDir>/target/run/…` and erroring tests' SQL to target/compiled/…, as dbt. */
  projectDir?: string;
  /** dbt's `--fail-fast/-x`: after the first error or failure, start no new node (those still running finish). */
  failFast?: boolean;
}

/** `--fail-fast`: once a node errored or a test failed, every node not started yet is skipped, naming it. */
export function stopSchedulingAfterFailure(state: RunState): RunState {
  const failed = state.nodes.find((n) => n.status === 'error' || n.status === 'fail');
  if (!failed || !state.nodes.some((n) => n.status === 'pending')) return state;
  return {
    ...state,
    nodes: state.nodes.map((n) => (n.status === 'pending' ? { ...n, status: 'skipped', skippedBecause: `${failed.name} (--fail-fast)` } : n)),
  };
}

/**
 * A warehouse that can say when statements end (the in-process local one): the loop then advances the
 * moment a statement ends instead of polling on a timer.
 */
export type { StatementEndWaiter };

function canWaitForStatementEnds(warehouse: Warehouse): warehouse is Warehouse & StatementEndWaiter {
  return typeof (warehouse as Partial<StatementEndWaiter>).waitForAnyStatementEnd === 'function';
}

/**
 * @example
 * const state = await runToCompletion(manifest, { runId: 'cli-1', command: 'build' }, { dialect: dialects.postgres, warehouse });
 */
export async function runToCompletion(
  manifest: Manifest,
  request: RunRequest,
  deps: LocalRunDependencies,
): Promise<RunState> {
  return runPlannedToCompletion(manifest, planRun(manifest, request), deps);
}

/** Run an already planned run (e.g. `run-operation`'s single operation node) to its end. */
export async function runPlannedToCompletion(
  manifest: Manifest,
  planned: RunState,
  deps: LocalRunDependencies,
): Promise<RunState> {
  // One context for the whole run: a node's plan is rendered once, not again when its statement ends.
  const plans = new Map<string, MaterializationPlan>();
  const errorContext = { statementsOf: (node: { id: string }) => planStatements(plans, planned.runId, node.id), projectDir: deps.projectDir };
  // The loop wakes when a statement ends: the in-process warehouse says so itself, the Data API client long-polls.
  const waiter = canWaitForStatementEnds(deps.warehouse) ? deps.warehouse : withLongPolledEnds(deps.warehouse);
  const ctx = {
    manifest,
    dialect: deps.dialect,
    warehouse: waiter,
    // The CLI renders in its own process (AdvanceRun asks the RenderPlans function: src/runtime/lambda-renderer.ts).
    renderer: inProcessRenderer({ manifest, dialect: deps.dialect }),
    onEvent: deps.write ? (e: Parameters<typeof printRunEvent>[0]) => printRunEvent(e, manifest, deps.write!, errorContext) : undefined,
    plans,
  };
  const finish = (state: RunState): RunState => {
    if (deps.projectDir) writeRunSql(deps.projectDir, manifest, state, plans);
    return state;
  };
  let state = planned;
  if (state.done) return state;
  state = await prepareRun(state, ctx);
  let pause = 5;
  for (;;) {
    const before = state.nodes.filter((n) => n.status === 'running').length;
    if (deps.failFast) {
      const stopped = stopSchedulingAfterFailure(state);
      if (stopped !== state && ctx.onEvent) {
        stopped.nodes.forEach((node, i) => {
          if (node.status === 'skipped' && state.nodes[i]!.status === 'pending') ctx.onEvent!({ type: 'node_finished', node, index: i + 1, total: stopped.nodes.length, durationMs: 0 });
        });
      }
      state = stopped;
    }
    state = await advanceRun(state, ctx);
    if (state.done) return finish(state);
    const inFlight = state.nodes.flatMap((n) => (n.status === 'running' && n.statementId ? [n.statementId] : []));
    if (inFlight.length > 0) {
      await waiter.waitForAnyStatementEnd(inFlight);
      // One turn of the event loop lets statements that end in the same moment land too: one step takes them all.
      await new Promise((resolve) => setImmediate(resolve));
      continue;
    }
    const after = inFlight.length;
    // Poll quickly while statements are short; back off (to 1 s) while they run long.
    pause = after !== before || state.waitSeconds === 1 ? 5 : Math.min(pause * 2, 1000);
    await new Promise((resolve) => setTimeout(resolve, pause));
  }
}
