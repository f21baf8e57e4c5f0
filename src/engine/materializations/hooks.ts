/**
 * dbt's `pre_hook`/`post_hook`: SQL run before and after a model's build, in the same transaction where
 * the plan's step allows (the first step for pre-hooks, the last for post-hooks). Hooks accumulate over
 * config levels (dbt_project.yml folders, then YAML properties, then `config()`), like dbt's.
 */
import type { NodeConfig } from '../manifest';
import type { MaterializationPlan } from './plan';

export type HookMoment = 'pre' | 'post';

/** A config level's hooks for one moment: `pre-hook`/`pre_hook`, a string, a list, or `{ sql }` entries. */
function hooksAt(level: Record<string, unknown>, moment: HookMoment): string[] {
  const values = [level[`${moment}-hook`], level[`${moment}_hook`]];
  return values.flatMap((value) => (value === undefined || value === null ? [] : Array.isArray(value) ? value : [value]))
    .map((hook) => (hook && typeof hook === 'object' && 'sql' in hook ? String((hook as { sql: unknown }).sql) : String(hook)))
    .filter((sql) => sql.trim() !== '');
}

/**
 * The hooks of config levels (earliest first), merged as dbt does: appended, under `pre-hook`/`post-hook`.
 *
 * @example
 * mergeHooks([{ '+pre-hook': 'a' }, { pre_hook: ['b'] }]) // { 'pre-hook': ['a', 'b'] }
 */
export function mergeHooks(levels: Record<string, unknown>[]): { 'pre-hook'?: string[]; 'post-hook'?: string[] } {
  const merged: { 'pre-hook'?: string[]; 'post-hook'?: string[] } = {};
  for (const moment of ['pre', 'post'] as const) {
    const hooks = levels.flatMap((level) => hooksAt(level, moment));
    if (hooks.length) merged[`${moment}-hook`] = hooks;
  }
  return merged;
}

/**
 * The hook templates (unrendered Jinja) of a node's config for one moment.
 *
 * @example
 * hookTemplates({ 'post-hook': ['grant select on {{ this }} to reporter'] } as NodeConfig, 'post')
 */
export function hookTemplates(config: NodeConfig, moment: HookMoment): string[] {
  return hooksAt(config, moment);
}

/**
 * A plan with rendered hooks added: pre-hooks open its first step, post-hooks close its last one (not
 * while the plan still waits for columns, nor when it ends in a failure).
 *
 * @example
 * withHooks({ steps: [{ sqls: ['create table t as (select 1)'] }] }, ['select 0'], ['select 2'])
 * // { steps: [{ sqls: ['select 0', 'create table t as (select 1)', 'select 2'] }] }
 */
export function withHooks(plan: MaterializationPlan, pre: string[], post: string[]): MaterializationPlan {
  if (pre.length === 0 && post.length === 0) return plan;
  const steps = plan.steps.map((step) => ({ ...step, sqls: [...step.sqls] }));
  if (steps.length === 0) steps.push({ sqls: [] });
  steps[0]!.sqls.unshift(...pre);
  // A plan still waiting for columns, or ending in a failure, has no last build step yet.
  const last = steps[steps.length - 1]!;
  if (!last.fetchColumns && last.failWith === undefined) last.sqls.push(...post);
  return { ...plan, steps };
}
