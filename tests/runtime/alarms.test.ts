/**
 * Every CloudWatch alarm serverless.yml deploys watches a metric that exists: one AWS emits for that kind of
 * resource, with that dimension pointing at a resource of the right type, or one landfall emits itself (the
 * Embedded Metric Format lines of src/runtime/run-metrics.ts). An alarm on a metric nobody emits never fires.
 *
 * AWS's metrics and dimensions: Step Functions https://docs.aws.amazon.com/step-functions/latest/dg/procedure-cw-metrics.html
 * (execution metrics, dimension StateMachineArn); Lambda https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html
 * (Errors, Throttles, dimension FunctionName); SQS https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-available-cloudwatch-metrics.html
 * (ApproximateNumberOfMessagesVisible…, dimension QueueName).
 */
import fs from 'node:fs';
import path from 'node:path';
import { ServerlessTemplate, type TemplateResource } from '../../src/deploy/serverless-template';
import { RUN_METRICS_NAMESPACE, runMetricLine } from '../../src/runtime/run-metrics';

const REPO = path.resolve(__dirname, '..', '..');

interface WatchedMetric {
  alarm: string;
  namespace: string;
  metricName: string;
  dimensions: { Name: string; Value: unknown }[];
}

/** What AWS emits: metric names per namespace, the dimension they carry, and how that dimension's value refers to a resource. */
const AWS_METRICS: Record<string, { metrics: string[]; dimension: string; resourceType: string; reference: (value: unknown) => string | undefined }> = {
  'AWS/States': {
    metrics: ['ExecutionsFailed', 'ExecutionsTimedOut', 'ExecutionsAborted', 'ExecutionThrottled', 'ExecutionsStarted', 'ExecutionsSucceeded', 'ExecutionTime'],
    dimension: 'StateMachineArn',
    resourceType: 'AWS::StepFunctions::StateMachine',
    reference: (value) => (value as { Ref?: string }).Ref, // Ref of a state machine is its ARN
  },
  'AWS/Lambda': {
    metrics: ['Errors', 'Throttles', 'Invocations', 'Duration', 'ConcurrentExecutions'],
    dimension: 'FunctionName',
    resourceType: 'AWS::Lambda::Function',
    reference: (value) => (value as { Ref?: string }).Ref, // Ref of a function is its name
  },
  'AWS/SQS': {
    metrics: ['ApproximateNumberOfMessagesVisible', 'ApproximateAgeOfOldestMessage', 'NumberOfMessagesSent', 'NumberOfMessagesReceived'],
    dimension: 'QueueName',
    resourceType: 'AWS::SQS::Queue',
    reference: (value) => {
      const getAtt = (value as { 'Fn::GetAtt'?: string[] })['Fn::GetAtt'];
      return getAtt?.[1] === 'QueueName' ? getAtt[0] : undefined;
    },
  },
};

const template = new ServerlessTemplate(REPO, { stage: 'prod', region: 'us-east-1', accountId: '123456789012', params: { alertEmail: 'a@example.com', redshiftWorkgroup: 'wg' } });

function watchedMetrics(): WatchedMetric[] {
  const watched: WatchedMetric[] = [];
  for (const [alarm, resource] of Object.entries(template.resources)) {
    if (resource.Type !== 'AWS::CloudWatch::Alarm') continue;
    const p = resource.Properties as Record<string, unknown>;
    if (p.MetricName) {
      watched.push({ alarm, namespace: String(p.Namespace), metricName: String(p.MetricName), dimensions: (p.Dimensions ?? []) as WatchedMetric['dimensions'] });
    }
    const queries = (p.Metrics ?? []) as { Id: string; Expression?: string; MetricStat?: { Metric: { Namespace: string; MetricName: string; Dimensions?: WatchedMetric['dimensions'] } } }[];
    const ids = new Set(queries.map((q) => q.Id));
    for (const query of queries) {
      if (query.MetricStat) {
        const m = query.MetricStat.Metric;
        watched.push({ alarm, namespace: m.Namespace, metricName: m.MetricName, dimensions: m.Dimensions ?? [] });
      }
      // A math expression may only use the ids defined beside it.
      for (const word of query.Expression?.match(/\b[a-z][a-zA-Z0-9_]*\b/g) ?? []) {
        if (!['FILL'].includes(word.toUpperCase())) expect({ alarm, id: word, defined: ids.has(word) }).toEqual({ alarm, id: word, defined: true });
      }
    }
  }
  return watched;
}

/** `planRun` in serverless.yml becomes the `PlanRunLambdaFunction` resource (Serverless Framework naming). */
function functionKeys(): Set<string> {
  const files = [path.join(REPO, 'serverless.yml'), ...fs.readdirSync(path.join(REPO, 'serverless')).filter((f) => f.endsWith('.functions.yml')).map((f) => path.join(REPO, 'serverless', f))];
  const keys = new Set<string>();
  for (const file of files) {
    for (const match of fs.readFileSync(file, 'utf8').matchAll(/^\s*-?\s*([A-Za-z0-9]+):\s*\n\s+handler: functions\/([a-z0-9-]+)\.handler/gm)) {
      expect(fs.existsSync(path.join(REPO, 'functions', `${match[2]}.ts`))).toBe(true);
      keys.add(`${match[1]![0]!.toUpperCase()}${match[1]!.slice(1)}LambdaFunction`);
    }
  }
  return keys;
}

function resourceType(logicalId: string, functions: Set<string>): string | undefined {
  if (functions.has(logicalId)) return 'AWS::Lambda::Function';
  return (template.resources[logicalId] as TemplateResource | undefined)?.Type;
}

describe('CloudWatch alarms', () => {
  const watched = watchedMetrics();
  const functions = functionKeys();

  it('cover crashed runs, executions that failed without an alert, timeouts, task errors and dead-lettered events', () => {
    const names = new Set(watched.map((w) => `${w.namespace}:${w.metricName}`));
    for (const expected of ['Landfall:RunsCrashed', 'AWS/States:ExecutionsFailed', 'AWS/States:ExecutionsTimedOut', 'AWS/Lambda:Errors', 'AWS/SQS:ApproximateNumberOfMessagesVisible']) {
      expect(names).toContain(expected);
    }
  });

  it.each(watchedMetrics().map((w) => [`${w.alarm}: ${w.namespace} ${w.metricName}`, w] as const))('%s is a metric emitted for the resource it names', (_label, w) => {
    if (w.namespace === RUN_METRICS_NAMESPACE) {
      // Emitted by EndFailedRun as an EMF line: same namespace, metric and dimension; its value is the state machine's name.
      const line = JSON.parse(runMetricLine(w.metricName as 'RunsFailed', 'arn:aws:states:us-east-1:123456789012:execution:landfall-prod-transform-run:run-1'));
      const directive = line._aws.CloudWatchMetrics[0];
      expect(directive.Namespace).toBe(w.namespace);
      expect(directive.Metrics.map((m: { Name: string }) => m.Name)).toEqual([w.metricName]);
      expect(directive.Dimensions).toEqual([w.dimensions.map((d) => d.Name)]);
      const getAtt = (w.dimensions[0]!.Value as { 'Fn::GetAtt': string[] })['Fn::GetAtt'];
      expect(getAtt[1]).toBe('Name');
      const machine = template.resource(getAtt[0]!, 'AWS::StepFunctions::StateMachine');
      expect(line[w.dimensions[0]!.Name]).toBe((machine.Properties as { StateMachineName: string }).StateMachineName);
      return;
    }
    const known = AWS_METRICS[w.namespace];
    expect(known).toBeDefined();
    expect(known!.metrics).toContain(w.metricName);
    expect(w.dimensions.map((d) => d.Name)).toEqual([known!.dimension]);
    const logicalId = known!.reference(w.dimensions[0]!.Value);
    expect(logicalId).toBeDefined();
    expect(resourceType(logicalId!, functions)).toBe(known!.resourceType);
  });

  it('can see a timed-out execution: the transform definition sets TimeoutSeconds', () => {
    const definition = JSON.parse(fs.readFileSync(path.join(REPO, 'state-machines', 'transform-run.asl.json'), 'utf8'));
    expect(definition.TimeoutSeconds).toBeGreaterThan(0);
  });
});
