/**
 * Monthly rotation of partitioned models: create the current and next month's tables ahead of time,
 * replace the view so it reads exactly the months kept, then UNLOAD (when `unload_before_drop` is set)
 * and drop the months past `retention_months`. The view is replaced before any table it reads is
 * dropped, so it stays valid on PostgreSQL too. Idempotent: the plan comes from what exists, so a
 * second run (or a run after a partial failure) finishes the work or finds nothing to do.
 */
import type { Dialect } from '../engine/dialects';
import type { Manifest, ModelNode } from '../engine/manifest';
import type { PlanStep } from '../engine/materializations';
import { partitionConfigOf } from '../engine/materializations/partitioned/config';
import { addMonths, type Month, monthOf, monthRange } from '../engine/materializations/partitioned/months';
import { partitionDialectOf } from '../engine/materializations/partitioned/partition-dialects';
import { replaceView, uniqueKeys } from '../engine/materializations/partitioned/plan';
import { monthBounds, monthRelation, rangePredicate, unionViewSql } from '../engine/materializations/partitioned/relations';
import { runQuery } from '../engine/warehouse/run-query';
import type { Warehouse } from '../engine/warehouse/warehouse';
import { readMonthTables, type MonthTables } from './catalog';
import { NotPartitionedModelError } from './errors';

export interface RotationPlan {
  model: string;
  month: Month;
  created: Month[];
  expired: Month[];
  kept: Month[];
  unloadTo?: string;
  /** Empty when the model is already rotated for `month` (or was never built). */
  steps: PlanStep[];
}

/**
 * The rotation of one model for `month` (pure).
 *
 * @example
 * planRotation({ node, dialect: dialects.redshift, month: '2026-12', tables: { months: ['2026-11'], columns: ['id', 'created_at'], modelRelation: 'view' } })
 */
export function planRotation(input: { node: ModelNode; dialect: Dialect; month: Month; tables: MonthTables; runId?: string }): RotationPlan {
  const { node, dialect, month, tables } = input;
  // The view is staged under the rotation run's name (`__lf_view_<token>`), never a name another run shares.
  const runId = input.runId ?? defaultRotationRunId(month);
  const config = partitionConfigOf(node.config);
  if (!config) throw new NotPartitionedModelError(node.name, []);
  const plan: RotationPlan = { model: node.name, month, created: [], expired: [], kept: [...tables.months], unloadTo: config.unloadBeforeDrop, steps: [] };
  const newest = tables.months[tables.months.length - 1];
  if (!newest) return plan; // never built: its first build creates the months

  const firstKept = config.retentionMonths ? addMonths(month, 1 - config.retentionMonths) : undefined;
  plan.expired = firstKept ? tables.months.filter((m) => m < firstKept) : [];
  // Every month after the newest table up to next month: a skipped rotation leaves no gap.
  plan.created = newest < addMonths(month, 1) ? monthRange(addMonths(newest, 1), addMonths(month, 1)) : [];
  plan.kept = [...tables.months.filter((m) => !plan.expired.includes(m)), ...plan.created].sort();
  if (plan.created.length === 0 && plan.expired.length === 0) return plan;

  const partitionSql = partitionDialectOf(dialect);
  const like = monthRelation(node.relation, newest);
  const create = plan.created.flatMap((m) => [
    partitionSql.createEmptyMonth(monthRelation(node.relation, m), like),
    ...partitionSql.afterMonthBuilt(monthRelation(node.relation, m), config.field, rangePredicate(config.field, monthBounds(m)), uniqueKeys(node)),
  ]);
  const view = replaceView(dialect, node, unionViewSql(node.relation, config.field, plan.kept, tables.columns, partitionSql.branchFilters, tables.hasNullsTable), tables.modelRelation, runId);
  plan.steps.push({ sqls: [...create, ...view] });
  for (const m of plan.expired) {
    const table = monthRelation(node.relation, m);
    if (config.unloadBeforeDrop) plan.steps.push({ sqls: partitionSql.unloadMonth(table, config.unloadBeforeDrop, config.unloadIamRole) });
    plan.steps.push({ sqls: [dialect.drop(table, 'table')] });
  }
  return plan;
}

/** The run id of a rotation started outside a state machine execution (the CLI): one per month. */
export function defaultRotationRunId(month: Month): string {
  return `rotate-${month}`;
}

export interface RotationResult {
  model: string;
  month: Month;
  status: 'rotated' | 'unchanged' | 'failed';
  created: Month[];
  dropped: Month[];
  unloadedTo?: string;
  /** Where each dropped month was archived, in words: an S3 prefix (Redshift UNLOAD) or, locally, the copy in a schema. */
  archivedTo?: string[];
  error?: string;
}

/** The partitioned models of a project, or the named ones (by model name). */
export function partitionedModels(manifest: Manifest, names?: string[]): ModelNode[] {
  const all = Object.values(manifest.models).filter((m) => partitionConfigOf(m.config) !== undefined).sort((a, b) => a.name.localeCompare(b.name));
  if (!names?.length) return all;
  return names.map((name) => all.find((m) => m.name === name || m.uniqueId === name) ?? (() => { throw new NotPartitionedModelError(name, all.map((m) => m.name)); })());
}

/**
 * Rotate one model: read its month tables, plan, run the steps in order. A failure is reported in the
 * result (status `failed`), never thrown, so one model's failure does not stop the others.
 *
 * @example
 * await rotateModelPartitions(manifest.models['model.landfall_demo.fct_transfers'], '2026-12', { dialect, warehouse })
 */
export async function rotateModelPartitions(node: ModelNode, month: Month, deps: { dialect: Dialect; warehouse: Warehouse; runId?: string }): Promise<RotationResult> {
  const result: RotationResult = { model: node.name, month, status: 'unchanged', created: [], dropped: [] };
  try {
    const plan = planRotation({ node, dialect: deps.dialect, month, tables: await readMonthTables(node, deps), runId: deps.runId });
    if (plan.unloadTo && plan.expired.length) await checkUnloadRole(node, deps);
    for (const [index, step] of plan.steps.entries()) {
      await runQuery(deps.warehouse, step.sqls.length === 1 ? step.sqls[0]! : step.sqls, undefined, { name: `landfall/rotate/${node.name}/${month}/${index}` });
    }
    const archivedTo = plan.unloadTo ? plan.expired.map((m) => partitionDialectOf(deps.dialect).archiveTarget(monthRelation(node.relation, m), plan.unloadTo)) : [];
    return {
      ...result, status: plan.steps.length ? 'rotated' : 'unchanged', created: plan.created, dropped: plan.expired,
      unloadedTo: plan.expired.length ? plan.unloadTo : undefined, ...(archivedTo.length ? { archivedTo } : {}),
    };
  } catch (error) {
    return { ...result, status: 'failed', error: (error as Error).message };
  }
}

/**
 * Before anything is archived or dropped: the role UNLOAD will use exists (on Redshift, with no `unload_iam_role`,
 * the cluster's default role), so a rotation never fails halfway through its expired months for want of a role.
 */
async function checkUnloadRole(node: ModelNode, deps: { dialect: Dialect; warehouse: Warehouse }): Promise<void> {
  const config = partitionConfigOf(node.config);
  const query = partitionDialectOf(deps.dialect).unloadRoleQuery(config?.unloadIamRole);
  if (!query) return;
  const result = await runQuery(deps.warehouse, query, undefined, { name: `landfall/rotate/${node.name}/unload-role` });
  const role = result.rows[0]?.[0];
  if (role === null || role === undefined || String(role).trim() === '') {
    throw new Error(`${node.name}: rotation would UNLOAD expired months to ${config?.unloadBeforeDrop} with the cluster's default IAM role, `
      + `but the cluster has none (select default_iam_role() returned nothing); set unload_iam_role in the model's config to a role ARN `
      + `attached to the cluster, or make a role the cluster's default. Nothing was rotated.`);
  }
}

/**
 * Rotate every partitioned model (or the named ones) for `month` (default: the current month).
 *
 * @example
 * const results = await rotateMonthlyPartitions({ manifest, dialect, warehouse, month: '2026-12' });
 */
export async function rotateMonthlyPartitions(input: {
  manifest: Manifest;
  dialect: Dialect;
  warehouse: Warehouse;
  month?: Month;
  models?: string[];
  now?: Date;
  runId?: string;
}): Promise<RotationResult[]> {
  const month = input.month ?? monthOf(input.now ?? new Date());
  const results: RotationResult[] = [];
  for (const node of partitionedModels(input.manifest, input.models)) results.push(await rotateModelPartitions(node, month, input));
  return results;
}
