/**
 * How arrival runs are scheduled, from the project's `landfall.yml` (compiled into the manifest as
 * `alerting.settings.arrivals`) with an environment override for benchmarks and tests:
 *
 * ```yaml
 * arrivals:
 *   concurrency: dag               # dag (default): disjoint parts of the DAG run at once | serial: one run at a time
 *   max_concurrent_runs: 8         # dag: arrival runs active at once
 * warehouse:
 *   max_statements_in_flight: 16   # statements submitted to the warehouse and not finished, across all runs
 * ```
 *
 * `LANDFALL_ARRIVAL_CONCURRENCY=serial|dag` wins over the file (bench/freshness-lag.ts runs both in one process).
 * See docs/arrivals.md § 3 and § 3c.
 */
import type { Manifest } from '../../engine';
import type { ArrivalSettings, WarehouseSettings } from '../../schedules/landfall-settings';
import { ARRIVAL_CONCURRENCY_MODES, type ArrivalConcurrency } from './dag-parts';
import { DEFAULT_MAX_CONCURRENT_RUNS } from './coalescer';

export const ARRIVAL_CONCURRENCY_ENV = 'LANDFALL_ARRIVAL_CONCURRENCY';

/**
 * Statements in flight across runs by default. Provisioned Redshift with manual WLM admits at most 50 query slots
 * over all user queues, and its default queue runs 5 at once ("Concurrency level (query slots) for all user-defined
 * manual WLM queues: 50", https://docs.aws.amazon.com/redshift/latest/mgmt/amazon-redshift-limits.html;
 * https://docs.aws.amazon.com/redshift/latest/dg/cm-c-defining-query-queues.html); automatic WLM and Redshift
 * Serverless adjust concurrency to the workload (https://docs.aws.amazon.com/redshift/latest/dg/automatic-wlm.html)
 * and document no fixed number. 16 stays far under the 50-slot ceiling and equals the concurrency the local Data API's
 * Redshift latency mode admits before queueing (src/local/data-api/redshift-latency.ts), so past it statements
 * would only wait in the warehouse's queue. A provisioned cluster on manual WLM should set its queue's slot count.
 */
export const DEFAULT_MAX_STATEMENTS_IN_FLIGHT = 16;

export interface ArrivalScheduling {
  concurrency: ArrivalConcurrency;
  maxConcurrentRuns: number;
  maxStatementsInFlight: number;
}

/**
 * @example
 * arrivalSchedulingOf(loadCompiledManifest()) // { concurrency: 'dag', maxConcurrentRuns: 8, maxStatementsInFlight: 16 }
 * @throws Error naming the variable when LANDFALL_ARRIVAL_CONCURRENCY is neither serial nor dag
 */
export function arrivalSchedulingOf(manifest: Manifest, env: NodeJS.ProcessEnv = process.env): ArrivalScheduling {
  const project = (manifest as { alerting?: { settings?: { arrivals?: ArrivalSettings; warehouse?: WarehouseSettings } } }).alerting?.settings;
  const settings = project?.arrivals ?? {};
  const override = env[ARRIVAL_CONCURRENCY_ENV]?.trim();
  if (override && !ARRIVAL_CONCURRENCY_MODES.includes(override as ArrivalConcurrency)) {
    throw new Error(`${ARRIVAL_CONCURRENCY_ENV}=${JSON.stringify(override)}: expected one of ${ARRIVAL_CONCURRENCY_MODES.join(', ')}`);
  }
  return {
    concurrency: (override as ArrivalConcurrency | undefined) || settings.concurrency || 'dag',
    maxConcurrentRuns: settings.max_concurrent_runs ?? DEFAULT_MAX_CONCURRENT_RUNS,
    maxStatementsInFlight: project?.warehouse?.max_statements_in_flight ?? DEFAULT_MAX_STATEMENTS_IN_FLIGHT,
  };
}
