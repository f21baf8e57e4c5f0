/**
 * dbt's `pre_hook`/`post_hook`: SQL run before and after a model's or seed's build, in the same transaction
 * where the plan's step allows (the first step for pre-hooks, the last for post-hooks). A hook written
 * `{'sql': '…', 'transaction': False}` runs outside the build's transaction instead, as its own statement:
 * before the first step (pre) or after the last (post), as dbt runs them on PostgreSQL. Statements that
 * cannot run in a transaction block (`vacuum`, `create index concurrently`) need that.
 *
 * Hooks accumulate over config levels (dbt_project.yml folders, then YAML properties, then `config()`),
 * like dbt's.
 */
import type { NodeConfig } from '../manifest';
import type { MaterializationPlan, PlanStep } from './plan';

export type HookMoment = 'pre' | 'post';

/** A hook as the manifest keeps it: its SQL template, with `transaction: false` when it runs outside. */
export type HookEntry = string | { sql: string; transaction: false };

/** A hook's SQL (a template, or rendered) and whether it runs inside the build's transaction. */
export interface Hook {
  sql: string;
  transaction: boolean;
}

/** A config level's hooks for one moment: `pre-hook`/`pre_hook`, a string, a list, or `{ sql, transaction }` entries. */
function hooksAt(level: Record<string, unknown>, moment: HookMoment): Hook[] {
  const values = [level[`${moment}-hook`], level[`${moment}_hook`]];
  return values.flatMap((value) => (value === undefined || value === null ? [] : Array.isArray(value) ? value : [value]))
    .map((hook): Hook => (hook && typeof hook === 'object' && 'sql' in hook
      ? { sql: String((hook as { sql: unknown }).sql), transaction: (hook as { transaction?: unknown }).transaction !== false }
      : { sql: String(hook), transaction: true }))
    .filter((hook) => hook.sql.trim() !== '');
}

/**
 * The hooks of config levels (earliest first), merged as dbt does: appended, under `pre-hook`/`post-hook`.
 *
 * @example
 * mergeHooks([{ '+pre-hook': 'a' }, { pre_hook: ['b', { sql: 'vacuum', transaction: false }] }])
 * // { 'pre-hook': ['a', 'b', { sql: 'vacuum', transaction: false }] }
 */
export function mergeHooks(levels: Record<string, unknown>[]): { 'pre-hook'?: HookEntry[]; 'post-hook'?: HookEntry[] } {
  const merged: { 'pre-hook'?: HookEntry[]; 'post-hook'?: HookEntry[] } = {};
  for (const moment of ['pre', 'post'] as const) {
    const hooks = levels.flatMap((level) => hooksAt(level, moment))
      .map((hook): HookEntry => (hook.transaction ? hook.sql : { sql: hook.sql, transaction: false }));
    if (hooks.length) merged[`${moment}-hook`] = hooks;
  }
  return merged;
}

/**
 * The hooks (unrendered Jinja) of a node's config for one moment.
 *
 * @example
 * hookTemplates({ 'post-hook': ['grant select on {{ this }} to reporter'] } as NodeConfig, 'post')
 * // [{ sql: 'grant select on {{ this }} to reporter', transaction: true }]
 */
export function hookTemplates(config: NodeConfig, moment: HookMoment): Hook[] {
  return hooksAt(config, moment);
}

/**
 * A plan with rendered hooks and grant statements added. Inside the build's transaction, pre-hooks open its
 * first step; the grants, then the post-hooks, close its last one (dbt applies grants before post-hooks).
 * Hooks with `transaction: false` become steps of their own, before the first and after the last. Nothing
 * is added at the end while the plan still waits for columns, nor when it ends in a failure. Hooks that
 * render to nothing (a false `{% if %}`) are dropped.
 *
 * @example
 * withHooks({ steps: [{ sqls: ['create table t as (select 1)'] }] }, ['select 0'], ['select 2'])
 * // { steps: [{ sqls: ['select 0', 'create table t as (select 1)', 'select 2'] }] }
 * withHooks(plan, [], [{ sql: 'vacuum t', transaction: false }], ['grant select on t to "reporter"'])
 * // the build step ends with the grant; `vacuum t` is a step after it
 */
export function withHooks(plan: MaterializationPlan, pre: (string | Hook)[], post: (string | Hook)[], grants: string[] = []): MaterializationPlan {
  const hooks = (list: (string | Hook)[]) => list
    .map((hook) => (typeof hook === 'string' ? { sql: hook, transaction: true } : hook))
    .filter((hook) => hook.sql.trim() !== '');
  const [preHooks, postHooks] = [hooks(pre), hooks(post)];
  if (preHooks.length === 0 && postHooks.length === 0 && grants.length === 0) return plan;
  const inside = (list: Hook[]) => list.filter((h) => h.transaction).map((h) => h.sql);
  const outside = (list: Hook[]): PlanStep[] => list.filter((h) => !h.transaction).map((h) => ({ sqls: [h.sql] }));

  const steps = plan.steps.map((step) => ({ ...step, sqls: [...step.sqls] }));
  if (steps.length === 0) steps.push({ sqls: [] });
  steps[0]!.sqls.unshift(...inside(preHooks));
  // A plan still waiting for columns, or ending in a failure, has no last build step yet.
  const last = steps[steps.length - 1]!;
  const complete = !last.fetchColumns && last.failWith === undefined;
  if (complete) last.sqls.push(...grants, ...inside(postHooks));
  return {
    ...plan,
    steps: [...outside(preHooks), ...steps.filter((step) => step.sqls.length > 0), ...(complete ? outside(postHooks) : [])],
  };
}
