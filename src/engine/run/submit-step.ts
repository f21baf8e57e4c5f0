/**
 * How a scheduler step submits a node's statements: the node's current step (with its tests riding along when
 * they fit one batch), a load node's steps, and the plans a run keeps so a node is not rendered twice.
 * Every submit carries a client token derived from run, node and step (node-statements.ts).
 */
import { EngineError } from '../errors';
import type { MaterializationPlan } from '../materializations';
import type { LoadStepContext } from './load-node';
import { fitsOneBatch, riderFor } from './tests-with-model';
import { clientToken } from './node-statements';
import { lastResultId } from './tests-node';
import type { RunNode, RunState } from './run-state';
import type { RunContext } from './advance-run';

/**
 * The node's plan from the run's renderer (render-port.ts), through `ctx.plans` when the caller keeps them: by run,
 * node, and what the plan depends on that a run changes.
 */
export async function cachedPlanFor(node: RunNode, state: RunState, ctx: RunContext): Promise<MaterializationPlan> {
  if (!ctx.plans) return ctx.renderer.plan(node, state);
  const key = `${state.runId}\n${node.id}\n${node.postHooks ?? ''}\n${JSON.stringify(node.columns ?? null)}\n${JSON.stringify(node.queryResults ?? null)}`;
  let plan = ctx.plans.get(key);
  if (!plan) {
    plan = await ctx.renderer.plan(node, state);
    ctx.plans.set(key, plan);
  }
  return plan;
}

/** How a load node submits its steps (same names and client tokens as a model's steps) and reads a step's rows. */
export function loadStepContext(node: RunNode, state: RunState, ctx: RunContext): LoadStepContext {
  return {
    loads: ctx.loads,
    submit: (sqls) => ctx.warehouse.submit(sqls.length === 1 ? sqls[0]! : sqls, {
      name: `landfall/${state.runId}/${node.name}/${node.kind}/${node.step ?? 0}`.slice(0, 500),
      clientToken: clientToken(state, node, String(node.step ?? 0)),
    }),
    fetchLastRows: (description) => ctx.warehouse.fetchRows(lastResultId(description)),
  };
}

/**
 * Submits the node's current step. A model's last step takes its tests node along when `ctx.testsWithModel` allows
 * (tests-with-model.ts): `rideAlong` marks that node running, and the model remembers how many statements are its
 * tests'. `variant` names a resubmission of the same step (its own client token).
 */
export async function submitStep(
  state: RunState, node: RunNode, plan: MaterializationPlan | undefined, ctx: RunContext,
  rideAlong?: (rider: RunNode) => void, variant?: 'alone',
): Promise<string> {
  const step = node.step ?? 0;
  let sqls = plan ? plan.steps[step]!.sqls : await ctx.renderer.testStatements(node, state);
  let key = variant ? `${step}\n${variant}` : String(step);
  const rider = plan && ctx.testsWithModel && rideAlong && !variant ? riderFor(node, step, plan, state, ctx.manifest) : undefined;
  const riderSqls = rider ? await renderedOrNone(() => ctx.renderer.testStatements(rider, state)) : undefined;
  if (rider && riderSqls && fitsOneBatch(sqls, riderSqls)) {
    rideAlong!(rider);
    node.testsInBatch = riderSqls.length;
    sqls = [...sqls, ...riderSqls];
    key = `${step}\nwith tests`;
  }
  const id = await ctx.warehouse.submit(sqls.length === 1 ? sqls[0]! : sqls, {
    name: `landfall/${state.runId}/${node.name}/${node.kind}/${step}${node.testsInBatch !== undefined ? '+tests' : ''}`.slice(0, 500),
    clientToken: clientToken(state, node, key),
  });
  if (rider && node.testsInBatch !== undefined) rider.statementId = id;
  return id;
}

/** The statements, or undefined when they cannot render (the node then runs, and errors, on its own). */
async function renderedOrNone(render: () => Promise<string[]>): Promise<string[] | undefined> {
  try {
    return await render();
  } catch (error) {
    if (error instanceof EngineError) return undefined;
    throw error;
  }
}
