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
import type { ArrivalSettings } from '../../schedules/landfall-settings';
import { maxStatementsInFlightOf } from '../statement-slots';
import { ARRIVAL_CONCURRENCY_MODES, type ArrivalConcurrency } from './dag-parts';
import { DEFAULT_MAX_CONCURRENT_RUNS } from './coalescer';

export const ARRIVAL_CONCURRENCY_ENV = 'LANDFALL_ARRIVAL_CONCURRENCY';

export { DEFAULT_MAX_STATEMENTS_IN_FLIGHT } from '../statement-slots';

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
  const settings = (manifest as { alerting?: { settings?: { arrivals?: ArrivalSettings } } }).alerting?.settings?.arrivals ?? {};
  const override = env[ARRIVAL_CONCURRENCY_ENV]?.trim();
  if (override && !ARRIVAL_CONCURRENCY_MODES.includes(override as ArrivalConcurrency)) {
    throw new Error(`${ARRIVAL_CONCURRENCY_ENV}=${JSON.stringify(override)}: expected one of ${ARRIVAL_CONCURRENCY_MODES.join(', ')}`);
  }
  return {
    concurrency: (override as ArrivalConcurrency | undefined) || settings.concurrency || 'dag',
    maxConcurrentRuns: settings.max_concurrent_runs ?? DEFAULT_MAX_CONCURRENT_RUNS,
    maxStatementsInFlight: maxStatementsInFlightOf(manifest),
  };
}
