/**
 * The monthly-partitioned materialization as a pure plan. For each month the run touches, three steps:
 *
 *   1. build   the month into a shadow table: the published month's rows outside the run's window
 *              (minus rows whose unique_key comes again) plus the model's rows inside the window —
 *              or, on a rebuild, the model's rows for the whole month;
 *   2. audit   the model's error-severity tests on the shadow; a failure ends the statement with an
 *              error naming the test, so nothing is published and readers keep the previous month;
 *   3. publish in one transaction: swap the shadow in, replace the view over all months, and (after the
 *              last month) record the window as published.
 *
 * The cost of a run follows the months it touches, never the months of history.
 */
import type { Dialect } from '../../dialects';
import { EngineError } from '../../errors';
import type { ModelNode, Relation } from '../../manifest';
import { qualified, quoteIdentifier } from '../../render/relation';
import { buildTestBatchSql } from '../../tests/test-batch';
import type { Materializer, MaterializationPlan, PlanStep } from '../plan';
import { dropLeftovers } from '../staging';
import { stagingRelation } from '../../dialects/dialect';
import { partitionConfigOf } from './config';
import type { Month } from './months';
import { partitionDialectOf } from './partition-dialects';
import {
  columnList, monthBounds, monthRelation, outsideRangePredicate, rangePredicate, recordWindowSql, shadowRelation, type TimeRange,
  unionViewSql,
} from './relations';

/** What a run decided for one partitioned model (plain JSON, kept in the run state). */
export interface PartitionRunContext {
  /** The run's window on the partition field, `[start, end)`, ISO timestamps. */
  window: { start: string; end: string; source: 'vars' | 'since-last-window' | 'first-build' };
  /** Months this run writes, ascending. */
  months: Month[];
  /** Month tables that existed when the run was prepared. */
  existingMonths: Month[];
  /** Columns of the newest existing month table, in order (empty before the first build). */
  columns: string[];
  /** `merge`: replace the window's rows inside each touched month; `rebuild`: rebuild each touched month whole. */
  mode: 'merge' | 'rebuild';
  runId: string;
}

/** {@link PartitionRunContext} plus what planning needs and the run state does not keep. */
export interface PartitionPlanContext extends PartitionRunContext {
  /** The model's error-severity tests, rendered against `target` (a month's shadow). */
  auditTests?: (target: Relation) => { id: string; sql: string }[];
}

/**
 * @example
 * planPartitioned({ node, sql, dialect: dialects.redshift, existing: { kind: 'view', columns: [] }, fullRefresh: false, partition })
 */
export const planPartitioned: Materializer<ModelNode> = (input) => {
  const { node, sql, dialect, existing, partition } = input;
  const config = partitionConfigOf(node.config);
  if (!config) throw new EngineError(`${node.origin.file}: planPartitioned needs partition_by`);
  if (!partition) throw new EngineError(`${node.origin.file}: a partitioned model is planned from its run window; prepare the run first (prepareRun)`);
  const window: TimeRange = { start: new Date(partition.window.start), end: new Date(partition.window.end) };
  const existingMonths = new Set(partition.existingMonths);
  const inView = new Set(partition.existingMonths);
  const keys = uniqueKeys(node);
  const steps: PlanStep[] = [];
  let viewKind = existing?.kind;
  // Nothing to write (an empty window): only remember that the window was seen.
  if (partition.months.length === 0) return { steps: [{ sqls: [recordWindowSql(node.uniqueId, window, [], partition.runId)] }], keepsRelation: true };

  partition.months.forEach((month, index) => {
    const table = monthRelation(node.relation, month);
    const shadow = shadowRelation(node.relation, month, partition.runId, dialect.maxIdentifierBytes);
    const bounds = monthBounds(month);
    const merge = partition.mode === 'merge' && existingMonths.has(month);
    // A month without a table is built whole, whatever the window.
    const range: TimeRange = merge
      ? { start: later(window.start, bounds.start), end: earlier(window.end, bounds.end) }
      : bounds;
    const select = merge
      ? mergeSelect({ sql, table, field: config.field, range, keys, columns: partition.columns })
      : `select ${columnList(partition.columns)} from (\n${sql}\n) as model_rows\nwhere ${rangePredicate(config.field, range)}`;
    steps.push({
      sqls: [
        ...(index === 0 ? dropLeftovers(input, node.relation.schema) : []),
        dialect.drop(shadow, 'table'),
        dialect.createTableAs(shadow, select, node.config),
        ...partitionDialectOf(dialect).afterMonthBuilt(shadow, rangePredicate(config.field, bounds)),
      ],
    });

    const audits = partition.auditTests?.(shadow) ?? [];
    if (audits.length) steps.push({ sqls: [auditSql(audits, node.name, month, shadow)] });

    inView.add(month);
    const viewSql = unionViewSql(node.relation, config.field, [...inView], partition.columns, partitionDialectOf(dialect).branchFilters);
    const publish = [
      ...dialect.swap(shadow, table, 'table', existingMonths.has(month) ? 'table' : undefined, partition.runId),
      ...replaceView(dialect, node, viewSql, viewKind, partition.runId),
    ];
    viewKind = 'view';
    if (index === partition.months.length - 1) publish.push(recordWindowSql(node.uniqueId, window, partition.months, partition.runId));
    steps.push({ sqls: publish });
  });
  // The model's view over the months is replaced in place when it exists, keeping its grants.
  return { steps, keepsRelation: existing?.kind === 'view' };
};

function uniqueKeys(node: ModelNode): string[] {
  // Unset, the strategy is the adapter's default: delete+insert when there is a unique_key.
  if ((node.config.incremental_strategy ?? 'delete+insert') !== 'delete+insert' || node.config.unique_key === undefined) return [];
  return Array.isArray(node.config.unique_key) ? node.config.unique_key.map(String) : [String(node.config.unique_key)];
}

/** The published month's rows outside the window (and not replaced by key), then the window's new rows. */
function mergeSelect(input: { sql: string; table: Relation; field: string; range: TimeRange; keys: string[]; columns: string[] }): string {
  const { sql, table, field, range, keys, columns } = input;
  const list = columnList(columns);
  const replaced = keys.length
    ? `\n  and not exists (select 1 from window_rows where ${keys.map((k) => `window_rows.${quoteIdentifier(k)} = published.${quoteIdentifier(k)}`).join(' and ')})`
    : '';
  return `with window_rows as (\n  select * from (\n${sql}\n  ) as model_rows\n  where ${rangePredicate(field, range)}\n)\n` +
    `select ${list} from ${qualified(table)} as published\nwhere ${outsideRangePredicate(field, range)}${replaced}\n` +
    `union all\nselect ${list} from window_rows`;
}

/**
 * One statement that fails when any test finds rows: the error names the test, its failing rows and the
 * shadow to inspect. (A cast of text to integer is the one portable way for plain SQL to raise an error.)
 */
export function auditSql(tests: { id: string; sql: string }[], model: string, month: Month, shadow: Relation): string {
  const message = `'landfall audit failed for ${model} ${month}: ' || audit.test_id || ' found ' || cast(audit.failures as varchar) || ' failing rows in ${shadow.schema}.${shadow.identifier}; nothing was published, readers still see the previous data'`;
  return `select audit.test_id, audit.failures, case when audit.failures > 0 then cast(${message} as integer) else 0 end as verdict\nfrom (\n${buildTestBatchSql(tests)}\n) as audit`;
}

/** Replace the model's view: in place where the dialect can (late binding), else staged and swapped. */
export function replaceView(dialect: Dialect, node: ModelNode, sql: string, existing: 'table' | 'view' | undefined, runId?: string): string[] {
  const config = { ...node.config, bind: false };
  const staged = stagingRelation(node.relation, 'view', runId, dialect.maxIdentifierBytes);
  const inPlace = dialect.replaceViewInPlace(node.relation, sql, config, existing, staged);
  if (inPlace) return [inPlace];
  return [dialect.drop(staged, 'view'), dialect.createView(staged, sql, config), ...dialect.swap(staged, node.relation, 'view', existing, runId)];
}

function later(a: Date, b: Date): Date {
  return a.getTime() >= b.getTime() ? a : b;
}

function earlier(a: Date, b: Date): Date {
  return a.getTime() <= b.getTime() ? a : b;
}

export type { MaterializationPlan };
