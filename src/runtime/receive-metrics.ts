/**
 * Counts of loader deliveries landfall acknowledged without acting on them, as CloudWatch Embedded Metric Format
 * lines (Lambda ships stdout to CloudWatch Logs, which extracts the metric; no PutMetricData call):
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
 * The delivery's own event type is a property of the line (searchable in Logs Insights), never a dimension: a
 * sender could otherwise create one metric per word it invents.
 */
import { RUN_METRICS_NAMESPACE } from './run-metrics';

export const IGNORED_DELIVERIES_METRIC = 'LoaderDeliveriesIgnored';
/** Longest event type copied into the line; the rest is cut (a hostile body can send megabytes). */
const MAX_EVENT_TYPE_CHARS = 100;

/**
 * @example
 * ignoredDeliveryMetricLine('fivetran', 'dbt_run_succeeded', 'dbt_run_succeeded: only sync_end events report landed data');
 * // {"_aws":{…"Metrics":[{"Name":"LoaderDeliveriesIgnored","Unit":"Count"}]…},"Loader":"fivetran","LoaderDeliveriesIgnored":1,"eventType":"dbt_run_succeeded",…}
 */
export function ignoredDeliveryMetricLine(loader: 'fivetran' | 'dms' | 's3', eventType: string, reason: string, now = Date.now()): string {
  return JSON.stringify({
    _aws: {
      Timestamp: now,
      CloudWatchMetrics: [{ Namespace: RUN_METRICS_NAMESPACE, Dimensions: [['Loader']], Metrics: [{ Name: IGNORED_DELIVERIES_METRIC, Unit: 'Count' }] }],
    },
    Loader: loader,
    [IGNORED_DELIVERIES_METRIC]: 1,
    eventType: eventType.slice(0, MAX_EVENT_TYPE_CHARS),
    reason: reason.slice(0, 300),
  });
}
