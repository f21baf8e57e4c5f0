/**
 * Backfill of a partitioned model: rebuild the months `from`…`to` from the model's SQL, as one run with
 * bounded concurrency. Each month is built into its own delta and audited on its own (several at once), with
 * the same three steps as a run (materializations/partitioned/plan.ts); publishing happens one month at a time,
 * so the view always reads exactly the months published, and only months whose tests pass are published.
 * Months older than `retention_months` are refused (rotation would drop them again). Running it twice gives the
 * same tables and rows.
 */
import { planFor } from '../engine/run/plan-node';
import { planRun } from '../engine/run/plan-run';
import { prepareRun } from '../engine/run/prepare-run';
import type { Dialect } from '../engine/dialects';
import type { Manifest } from '../engine/manifest';
import { addMonths, type Month, monthOf, monthRange, monthStart } from '../engine/materializations/partitioned/months';
import { partitionConfigOf } from '../engine/materializations/partitioned/config';
import type { FetchedColumns } from '../engine/materializations/plan';
import type { RunState } from '../engine/run/run-state';
import { runQuery } from '../engine/warehouse/run-query';
import type { Warehouse } from '../engine/warehouse/warehouse';
import { PartitionError } from './errors';
import { partitionedModels } from './rotation';

export interface BackfillRequest {
  model: string;
  from: Month;
  to: Month;
  /** Months built at once (default 4). */
  concurrency?: number;
  runId?: string;
  now?: Date;
}

export interface BackfillMonthResult {
  month: Month;
  status: 'published' | 'failed';
  /** Which step failed: the build, the audit (a test found rows) or the publish. */
  failedAt?: 'build' | 'audit' | 'publish';
  error?: string;
}

export interface BackfillResult {
  model: string;
  runId: string;
  months: BackfillMonthResult[];
  failed: boolean;
}

/**
 * @example
 * const result = await backfillPartitionedModel({ model: 'fct_transfers', from: '2025-01', to: '2025-06', concurrency: 3 }, { manifest, dialect, warehouse });
 */
export async function backfillPartitionedModel(
  request: BackfillRequest,
  deps: { manifest: Manifest; dialect: Dialect; warehouse: Warehouse },
): Promise<BackfillResult> {
  const [node] = partitionedModels(deps.manifest, [request.model]);
  if (request.to < request.from) throw new PartitionError(`--to ${request.to} is before --from ${request.from}`);
  const now = request.now ?? new Date();
  const retention = partitionConfigOf(node!.config)!.retentionMonths;
  const firstKept = retention ? addMonths(monthOf(now), 1 - retention) : undefined;
  if (firstKept && request.from < firstKept) {
    throw new PartitionError(`${node!.name} keeps ${retention} months (retention_months), the oldest being ${firstKept}: --from ${request.from} is older, and the next rotation would drop it again. Backfill from ${firstKept}, or raise retention_months.`);
  }
  const runId = request.runId ?? `backfill-${node!.name}-${request.from}-${request.to}`;
  const ctx = { ...deps };
  const planned = planRun(deps.manifest, {
    runId,
    command: 'run',
    select: [node!.name],
    fullRefresh: true,
    startedAt: now.toISOString(),
    vars: { window_start: monthStart(request.from).toISOString(), window_end: monthStart(addMonths(request.to, 1)).toISOString() },
  });
  const prepared = await prepareRun(planned, ctx);
  const runNode = prepared.nodes.find((n) => n.id === node!.uniqueId)!;
  const base = prepared.partitions![node!.uniqueId]!;
  const published = new Set(base.existingMonths);
  let hasNullsTable = base.hasNullsTable;

  // One month's plan: the same materialization a run uses, narrowed to that month, staged under its own names.
  const planMonth = (month: Month, columns?: FetchedColumns) => {
    const end = new Date(Math.min(monthStart(addMonths(month, 1)).getTime(), now.getTime()));
    const monthRunId = `${runId}-${month}`;
    const state: RunState = {
      ...prepared,
      runId: monthRunId,
      nodes: [{ ...runNode, columns }],
      // The months' deltas are staged under per-month names, which are not this run's: none is a leftover to drop
      // (other runs' leftovers go with the model's next build).
      stagingLeftovers: {},
      partitions: {
        [node!.uniqueId]: {
          ...base, runId: monthRunId, months: [month], mode: 'rebuild', existingMonths: [...published].sort(), hasNullsTable,
          window: { start: monthStart(month).toISOString(), end: end.toISOString(), source: 'vars' },
        },
      },
    };
    return planFor(state.nodes[0]!, state, ctx).steps;
  };
  const run = (sqls: string[], label: string) =>
    runQuery(deps.warehouse, sqls.length === 1 ? sqls[0]! : sqls, undefined, { name: `landfall/${runId}/${label}`.slice(0, 500) });

  let publishing = Promise.resolve();
  const backfillMonth = async (month: Month): Promise<BackfillMonthResult> => {
    let columns: FetchedColumns;
    try {
      const fetched = await run(planMonth(month)[0]!.sqls, `${month}/build`);
      columns = {};
      for (const [schema, relation, name, type] of fetched.rows) (columns[`${String(schema)}.${String(relation)}`] ??= []).push({ name: String(name), type: String(type) });
    } catch (error) {
      return { month, status: 'failed', failedAt: 'build', error: (error as Error).message };
    }
    const [, ...rest] = planMonth(month, columns);
    const failWith = rest.find((s) => s.failWith)?.failWith;
    if (failWith) return { month, status: 'failed', failedAt: 'build', error: failWith };
    if (rest.length > 1) {
      try {
        await run(rest[0]!.sqls, `${month}/audit`);
      } catch (error) {
        return { month, status: 'failed', failedAt: 'audit', error: (error as Error).message };
      }
    }
    // Publish one month at a time, each planned against the months published so far.
    const turn = publishing.then(async (): Promise<BackfillMonthResult> => {
      try {
        await run(planMonth(month, columns).at(-1)!.sqls, `${month}/publish`);
        published.add(month);
        hasNullsTable = true;
        return { month, status: 'published' };
      } catch (error) {
        return { month, status: 'failed', failedAt: 'publish', error: (error as Error).message };
      }
    });
    publishing = turn.then(() => undefined);
    return turn;
  };

  const months = monthRange(request.from, request.to);
  const results = await mapWithConcurrency(months, Math.max(1, request.concurrency ?? 4), backfillMonth);
  return { model: node!.name, runId, months: results, failed: results.some((r) => r.status === 'failed') };
}

async function mapWithConcurrency<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
