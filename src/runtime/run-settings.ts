/** The transform run's tunables from the environment (no client). */
import { positiveInteger } from './environment';

/**
 * The longest one AdvanceRun invocation keeps stepping while statements end less than a second apart (transform-run.ts).
 * Every return costs a Wait (≥ 1 s) and 3 transitions, the price of ~9 s of the 512 MB function: with Redshift's
 * latencies, 1,000 models took 124 s and 83 transitions at 5 s, 106 s and 32 transitions at 20 s, for the same
 * Lambda-seconds (bench/RESULTS-issue-16.md). Within the function's 60 s timeout with room for a step.
 */
export const DEFAULT_SETTLE_SECONDS = 20;

export function runSettings(): { settleMs: number; sampleBudgetMs: number; concurrency?: number } {
  return {
    settleMs: Number(process.env.LANDFALL_SETTLE_SECONDS ?? DEFAULT_SETTLE_SECONDS) * 1000,
    sampleBudgetMs: Number(process.env.LANDFALL_ALERT_SAMPLE_BUDGET_SECONDS ?? '20') * 1000,
    concurrency: process.env.LANDFALL_RUN_CONCURRENCY ? positiveInteger('LANDFALL_RUN_CONCURRENCY') : undefined,
  };
}
