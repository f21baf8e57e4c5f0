/**
 * Custom CloudWatch metrics, written as Embedded Metric Format log lines: Lambda ships stdout to CloudWatch
 * Logs, which extracts the metric — no PutMetricData call, no IAM permission, no latency in the task.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
 *
 * serverless.yml's alarms watch these names; tests/runtime/alarms.test.ts checks that each alarm's metric is
 * one AWS emits or one of these.
 */
export const RUN_METRICS_NAMESPACE = 'Landfall';
export type RunMetricName = 'RunsFailed' | 'RunsCrashed';
/** Dimension of every run metric: the state machine, so each deployment (stage) alarms on its own runs. */
export const RUN_METRIC_DIMENSION = 'StateMachine';

/** One EMF line counting one run, e.g. `RunsCrashed` for `arn:aws:states:…:execution:landfall-prod-transform-run:x`. */
export function runMetricLine(metric: RunMetricName, executionArn: string, now = Date.now()): string {
  const stateMachine = /:execution:([^:]+):/.exec(executionArn)?.[1] ?? 'unknown';
  return JSON.stringify({
    _aws: {
      Timestamp: now,
      CloudWatchMetrics: [{ Namespace: RUN_METRICS_NAMESPACE, Dimensions: [[RUN_METRIC_DIMENSION]], Metrics: [{ Name: metric, Unit: 'Count' }] }],
    },
    [RUN_METRIC_DIMENSION]: stateMachine,
    [metric]: 1,
    executionArn,
  });
}
