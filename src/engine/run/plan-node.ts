/**
 * The plan of one run node, re-derived on each scheduler step from the run state (never stored): the
 * node's materialization, with its rendered `pre_hook`/`post_hook` and its `grants`; or a project hook's
 * statement.
 */
import type { Dialect } from '../dialects';
import { EngineError } from '../errors';
import type { ExecutableNode, Manifest, SeedNode } from '../manifest';
import { planMaterialization, type MaterializationPlan } from '../materializations';
import { grantStatements, normalizeGrants } from '../materializations/grants';
import { hookTemplates, withHooks, type Hook, type HookMoment } from '../materializations/hooks';
import { planPartitionedModel, windowVars } from '../materializations/partitioned/run-context';
import { renderHookSql, renderNodeSql, type RuntimeRenderOptions } from '../render/render-node';
import { QuerySession } from '../render/query-session';
import { planProjectHook } from './project-hooks';
import { renderOperationSql } from './render-operation';
import { relationKey, type RunNode, type RunState } from './run-state';

/**
 * `queriesFor(scope)` gives each template's `run_query`/`statement` results (see run/run-time-queries.ts);
 * by default, those stored on the run node.
 *
 * @example
 * planFor(state.nodes[0], state, { manifest, dialect: dialects.postgres }).steps // [{ sqls: ['create table …'] }]
 */
export function planFor(
  node: RunNode, state: RunState, ctx: { manifest: Manifest; dialect: Dialect },
  queriesFor: (scope: string) => QuerySession = (scope) => QuerySession.replaying(node.queryResults ?? {}, scope, node.name),
): MaterializationPlan {
  if (node.kind === 'operation') return planProjectHook(node, state, ctx.manifest, queriesFor('sql'));
  const manifestNode = executableNode(ctx.manifest, node.id);
  const existing = state.existing[relationKey(manifestNode.relation)];
  const staging = { runId: state.runId, stagingLeftovers: state.stagingLeftovers?.[relationKey(manifestNode.relation)] };
  const baseOptions = {
    vars: { ...ctx.manifest.vars, ...state.vars }, invocationId: state.runId, runStartedAt: new Date(state.startedAt),
    flags: { FULL_REFRESH: state.fullRefresh, WHICH: state.command, ...(state.empty ? { EMPTY: true } : {}) },
    ...(state.empty ? { empty: true } : {}),
  };
  let plan: MaterializationPlan;
  let renderHook: (hook: string, queries: QuerySession) => string;
  if (manifestNode.resourceType === 'seed') {
    plan = planMaterialization({ node: manifestNode, sql: '', dialect: ctx.dialect, existing, fullRefresh: state.fullRefresh, ...staging });
    renderHook = (hook, queries) => renderSeedHook(ctx.manifest, manifestNode, hook, { ...baseOptions, queries });
  } else if (state.partitions?.[node.id]) {
    const partition = state.partitions[node.id]!;
    plan = planPartitionedModel(manifestNode, partition, state, ctx);
    const options = { ...baseOptions, vars: { ...baseOptions.vars, ...windowVars(partition) }, isIncremental: partition.mode === 'merge' };
    renderHook = (hook, queries) => renderHookSql(ctx.manifest, manifestNode, hook, { ...options, queries });
  } else {
    const options: RuntimeRenderOptions = {
      ...baseOptions,
      isIncremental: manifestNode.config.materialized === 'incremental' && existing?.kind === 'table' && !state.fullRefresh,
    };
    const sql = renderNodeSql(ctx.manifest, manifestNode, { ...options, queries: queriesFor('sql') });
    plan = planMaterialization({ node: manifestNode, sql, dialect: ctx.dialect, existing, fullRefresh: state.fullRefresh, columns: node.columns, ...staging });
    renderHook = (hook, queries) => renderHookSql(ctx.manifest, manifestNode, hook, { ...options, queries });
  }
  const hooks = (moment: HookMoment): Hook[] => hookTemplates(manifestNode.config, moment)
    .map((hook, i) => ({ ...hook, sql: renderHook(hook.sql, queriesFor(`${moment}_hook:${i}`)) }));
  const grants = grantStatements(ctx.dialect, manifestNode.relation, normalizeGrants(manifestNode.config.grants), plan.keepsRelation ? existing?.extraGrants ?? {} : undefined);
  if (!node.postHooks) return withHooks(plan, hooks('pre'), hooks('post'), grants);
  return withPostHookStep(withHooks(plan, hooks('pre'), [], grants), deferredPostHooks(manifestNode, node.postHooks, renderHook, queriesFor));
}

/** What a post-hook prints while its queries wait (never submitted: they run before the post-hooks' step). */
const WAITING_POST_HOOK = '/* post-hook: its run-time queries run after the build */';

/**
 * The post-hooks of a node whose post-hooks make run-time queries. While `deferred`, their queries have not run and
 * see empty tables, so a post-hook that cannot render yet prints a placeholder; once `ready`, they render for real.
 */
function deferredPostHooks(
  node: ExecutableNode, phase: 'deferred' | 'ready', renderHook: (hook: string, queries: QuerySession) => string,
  queriesFor: (scope: string) => QuerySession,
): Hook[] {
  return hookTemplates(node.config, 'post').map((hook, i) => {
    const queries = queriesFor(`post_hook:${i}`);
    if (phase === 'ready') return { ...hook, sql: renderHook(hook.sql, queries) };
    try {
      return { ...hook, sql: renderHook(hook.sql, queries) || WAITING_POST_HOOK };
    } catch (error) {
      if (!(error instanceof EngineError)) throw error;
      return { ...hook, sql: WAITING_POST_HOOK };
    }
  });
}

/**
 * The post-hooks as steps after the build (dbt runs them, and their queries, once the model is built): the ones
 * inside a transaction as one step flagged `runsPostHookQueries`, then each `transaction: false` one. Not added
 * while the plan still waits for columns or ends in a failure (as withHooks).
 */
function withPostHookStep(plan: MaterializationPlan, postHooks: Hook[]): MaterializationPlan {
  const last = plan.steps[plan.steps.length - 1];
  const rendered = postHooks.filter((h) => h.sql.trim() !== '');
  if (rendered.length === 0 || (last && (last.fetchColumns || last.failWith !== undefined))) return plan;
  const inside = rendered.filter((h) => h.transaction).map((h) => h.sql);
  const outside = rendered.filter((h) => !h.transaction).map((h) => ({ sqls: [h.sql] }));
  const steps = inside.length ? [{ sqls: inside, runsPostHookQueries: true }, ...outside] : outside.map((s, i) => (i === 0 ? { ...s, runsPostHookQueries: true } : s));
  return { ...plan, steps: [...plan.steps, ...steps] };
}

function executableNode(manifest: Manifest, id: string): ExecutableNode {
  const node = manifest.models[id] ?? manifest.seeds[id];
  if (!node) throw new EngineError(`node ${id} is not in the compiled project (recompile, or replay with the current project)`);
  return node;
}

/** A seed's hook, rendered with `this` as the seed's table. */
function renderSeedHook(manifest: Manifest, seed: SeedNode, hook: string, options: Omit<RuntimeRenderOptions, 'isIncremental'>): string {
  return renderOperationSql(manifest, hook, { ...options, file: seed.origin.file, self: seed.relation, config: seed.config });
}
