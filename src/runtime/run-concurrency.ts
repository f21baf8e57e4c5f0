/**
 * Statements a transform run keeps in flight at once, per target: the profile output's `threads` (dbt's own
 * setting for how many queries run at once; profiles.yml → compiled into the manifest's `target`), else a default
 * that suits the warehouse. `LANDFALL_RUN_CONCURRENCY` (run-settings.ts) overrides both for a deployment.
 *
 * The Redshift default, 16: Redshift Serverless manages query concurrency itself (automatic WLM, queues per
 * workgroup: https://docs.aws.amazon.com/redshift/latest/mgmt/serverless-workgroup-query-queues.html,
 * https://docs.aws.amazon.com/redshift/latest/dg/automatic-wlm.html) and documents no fixed slot count; 16 is an
 * ASSUMPTION for a small workgroup (the same figure the local Data API's latency mode admits before queueing,
 * src/local/data-api/redshift-latency.ts). Statements past what the workgroup runs wait in its queue, which costs
 * wall time but no money; the Data API refuses more than its active-statement limit with
 * ActiveStatementsExceededException (retried as WarehouseBusyError). The embedded PostgreSQL keeps dbt's 4.
 */
import type { Target } from '../engine/target';

export const DEFAULT_RUN_CONCURRENCY: Readonly<Record<Target['type'], number>> = { redshift: 16, postgres: 4 };
/** The most a run may ask for: well under the Data API's 500 active statements, shared by every run. */
export const MAX_RUN_CONCURRENCY = 64;

/**
 * @throws Error naming the setting when the profile's threads is out of range.
 * @example
 * runConcurrencyFor({ name: 'prod', type: 'redshift', schema: 'analytics', database: 'dev' }) // 16
 */
export function runConcurrencyFor(target: Pick<Target, 'type' | 'threads' | 'name'>, override?: number): number {
  if (override !== undefined) return override;
  if (target.threads === undefined) return DEFAULT_RUN_CONCURRENCY[target.type] ?? 4;
  if (!Number.isInteger(target.threads) || target.threads < 1 || target.threads > MAX_RUN_CONCURRENCY) {
    throw new Error(`profiles.yml: target '${target.name}' has threads: ${target.threads}; a transform run needs an integer from 1 to ${MAX_RUN_CONCURRENCY} (statements in flight at once)`);
  }
  return target.threads;
}
