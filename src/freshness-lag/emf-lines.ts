/**
 * The freshness lag as CloudWatch metrics: Embedded Metric Format lines the Lambda writes to its log, which
 * CloudWatch Logs turns into metrics — no PutMetricData call, no SDK client in the transform tasks, no IAM change.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
 * (a metric's value may be an array of numbers, at most 100 per member, so a run's lags go out in lines of 100;
 * CloudWatch computes percentile statistics — the alarm's p95 — over such values:
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_concepts.html#Percentiles).
 *
 * Metric `FreshnessLagSeconds` (namespace `Landfall`), one value per arrival (landed → its last downstream model
 * published), with dimension sets:
 *   [StateMachine]           — what the alarm watches (serverless/freshness-lag.resources.yml, p95 per hour)
 *   [StateMachine, Source]   — one line per dbt source, for the per-source graph
 * Per model it is NOT a metric: 500 models would be 500 custom metrics (billed per metric per month); per-model
 * p50/p95 are in the run data (freshness_lag.json), `landfall executions` and the docs site.
 */
import type { ArrivalLag } from './arrival-lag';

export const FRESHNESS_LAG_NAMESPACE = 'Landfall';
export const FRESHNESS_LAG_METRIC = 'FreshnessLagSeconds';
export const STATE_MACHINE_DIMENSION = 'StateMachine';
export const SOURCE_DIMENSION = 'Source';
/** EMF's limit on the values of one metric member. */
export const MAX_VALUES_PER_LINE = 100;

function line(values: number[], dimensions: Record<string, string>, timestamp: number): string {
  return JSON.stringify({
    _aws: {
      Timestamp: timestamp,
      CloudWatchMetrics: [{ Namespace: FRESHNESS_LAG_NAMESPACE, Dimensions: [Object.keys(dimensions)], Metrics: [{ Name: FRESHNESS_LAG_METRIC, Unit: 'Seconds' }] }],
    },
    ...dimensions,
    [FRESHNESS_LAG_METRIC]: values,
  });
}

function chunks(values: number[]): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < values.length; i += MAX_VALUES_PER_LINE) out.push(values.slice(i, i + MAX_VALUES_PER_LINE));
  return out;
}

/**
 * The EMF lines for one run's arrivals (none when no arrival published anything).
 *
 * @example
 * freshnessLagLines(lags, 'landfall-prod-transform-run', Date.now()).forEach((l) => console.log(l));
 */
export function freshnessLagLines(arrivals: readonly ArrivalLag[], stateMachine: string, timestamp: number): string[] {
  const measured = arrivals.filter((a): a is ArrivalLag & { lagMs: number } => a.lagMs !== null);
  const seconds = (ms: number) => Math.round(ms / 100) / 10;
  const lines = chunks(measured.map((a) => seconds(a.lagMs))).map((values) => line(values, { [STATE_MACHINE_DIMENSION]: stateMachine }, timestamp));
  const bySource = new Map<string, number[]>();
  for (const arrival of measured) {
    for (const source of arrival.sources) bySource.set(source, [...(bySource.get(source) ?? []), seconds(arrival.lagMs)]);
  }
  for (const [source, values] of [...bySource.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    for (const chunk of chunks(values)) lines.push(line(chunk, { [STATE_MACHINE_DIMENSION]: stateMachine, [SOURCE_DIMENSION]: source }, timestamp));
  }
  return lines;
}

/** The state machine's name from an execution ARN (`arn:aws:states:…:execution:<machine>:<name>`). */
export function stateMachineOf(executionArn: string): string {
  return /:execution:([^:]+):/.exec(executionArn)?.[1] ?? 'unknown';
}
