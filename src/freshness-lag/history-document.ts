/**
 * The freshness lag of one run as stored beside its run_results.json in the run history
 * (`history/runs/<execution>/freshness_lag.json`, src/artifacts/README.md), and the small summary the index entry
 * carries so listings (docs site, `landfall executions`) need not open every run. Pure.
 */
import type { ArrivalLag } from './arrival-lag';
import { aggregateLags, type LagAggregate } from './aggregate';
import type { LagSummary } from './percentiles';

export const FRESHNESS_LAG_FILE = 'freshness_lag.json';

export interface FreshnessLagDocument {
  version: 1;
  execution: string;
  runStartedAt: string;
  arrivals: ArrivalLag[];
  aggregate: LagAggregate;
}

/** `history/runs/<execution>/freshness_lag.json`, beside run_results.json. */
export function freshnessLagKey(runResultsKey: string): string {
  if (!runResultsKey.endsWith('/run_results.json')) throw new Error(`'${runResultsKey}' is not a run_results.json key`);
  return runResultsKey.replace(/run_results\.json$/, FRESHNESS_LAG_FILE);
}

export function freshnessLagDocument(execution: string, runStartedAt: string, arrivals: ArrivalLag[]): FreshnessLagDocument {
  return { version: 1, execution, runStartedAt, arrivals, aggregate: aggregateLags(arrivals) };
}

/** What the index entry keeps: the overall summary and the key of the full document. */
export interface FreshnessLagIndexSummary {
  key: string;
  arrivals: number;
  overall: LagSummary | null;
}
