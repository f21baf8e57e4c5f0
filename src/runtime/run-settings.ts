/** The transform run's tunables from the environment (no client). */
import { positiveInteger } from './environment';

export function runSettings(): { settleMs: number; sampleBudgetMs: number; concurrency?: number } {
  return {
    settleMs: Number(process.env.LANDFALL_SETTLE_SECONDS ?? '5') * 1000,
    sampleBudgetMs: Number(process.env.LANDFALL_ALERT_SAMPLE_BUDGET_SECONDS ?? '20') * 1000,
    concurrency: process.env.LANDFALL_RUN_CONCURRENCY ? positiveInteger('LANDFALL_RUN_CONCURRENCY') : undefined,
  };
}
