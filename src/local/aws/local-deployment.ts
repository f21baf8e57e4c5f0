/**
 * What `serverless deploy` leaves in an account, for the local stack: a CloudFormation stack
 * (`landfall-local`) whose outputs and resources name what the local stack runs — the webhook URL, the state
 * machine, the alert topic with its confirmed subscribers, the arrival events' dead-letter queue, the alarm —
 * and the routed buckets with EventBridge notifications on (the deploy guide's step). `landfall doctor --local`
 * checks it with the same SDK calls as a real stage, through these endpoints on the local cloud's server.
 */
import fs from 'node:fs';
import type { RequestListener } from 'node:http';
import path from 'node:path';
import { LocalCloudFormation } from './cloudformation';
import { LocalCloudWatch } from './cloudwatch';
import type { QueryRoute } from './protocol-routes';
import { enableEventBridgeNotifications } from './s3-bucket-notifications';
import { LocalSnsSubscriptions } from './sns-subscriptions';
import { LocalSqs } from './sqs';
import { localStsRoutes } from './sts';

export const LOCAL_STACK_NAME = 'landfall-local';
export const LOCAL_DEAD_LETTER_QUEUE = 'landfall-local-arrival-events-dlq';
export const LOCAL_ALARM = 'landfall-local-transform-run-failed';

export interface LocalDeploymentFacts {
  webhookUrl: string;
  transformStateMachineArn: string;
  alertTopicArn: string;
  /** The addresses the local outbox delivers alerts to: confirmed subscribers of the topic. */
  alertEmails: string[];
  /** Buckets the S3 routes read from: created, with EventBridge notifications on. */
  buckets: string[];
  s3Dir: string;
}

export class LocalDeployment {
  readonly cloudFormation = new LocalCloudFormation();
  readonly cloudWatch = new LocalCloudWatch();
  readonly snsSubscriptions = new LocalSnsSubscriptions();
  readonly sqs: LocalSqs;
  private url = 'http://127.0.0.1';

  constructor() {
    this.sqs = new LocalSqs({ baseUrl: () => this.url });
  }

  /** JSON services for `startLocalCloud({ extraRoutes })`. */
  get extraRoutes(): Record<string, RequestListener> {
    return { 'AmazonSQS.': this.sqs.route, 'GraniteServiceVersion20100801.': this.cloudWatch.route };
  }

  /** Query operations for `startLocalCloud({ queryRoutes })`. */
  get queryRoutes(): Record<string, QueryRoute> {
    return { ...this.cloudFormation.queryRoutes, ...this.snsSubscriptions.queryRoutes, ...localStsRoutes() };
  }

  /** The SDK endpoint variables of these services, once the local cloud listens at `url`. */
  endpointEnvironment(url: string): Record<string, string> {
    this.url = url;
    return { AWS_ENDPOINT_URL_CLOUDFORMATION: url, AWS_ENDPOINT_URL_SQS: url, AWS_ENDPOINT_URL_CLOUDWATCH: url, AWS_ENDPOINT_URL_STS: url };
  }

  /** Records the local stack as deployed. */
  register(facts: LocalDeploymentFacts): void {
    const deadLetterQueueUrl = this.sqs.createQueue(LOCAL_DEAD_LETTER_QUEUE);
    this.cloudWatch.putAlarm({ name: LOCAL_ALARM, description: 'A transform execution failed', namespace: 'AWS/States', metricName: 'ExecutionsFailed' });
    this.snsSubscriptions.addTopic(facts.alertTopicArn, facts.alertEmails);
    for (const bucket of new Set(facts.buckets)) {
      fs.mkdirSync(path.join(facts.s3Dir, bucket), { recursive: true });
      enableEventBridgeNotifications(facts.s3Dir, bucket);
    }
    this.cloudFormation.putStack({
      name: LOCAL_STACK_NAME,
      outputs: { FivetranWebhookUrl: facts.webhookUrl, TransformRunStateMachineArn: facts.transformStateMachineArn },
      resources: [
        { logicalId: 'AlertTopic', type: 'AWS::SNS::Topic', physicalId: facts.alertTopicArn },
        { logicalId: 'ArrivalEventsDeadLetterQueue', type: 'AWS::SQS::Queue', physicalId: deadLetterQueueUrl },
        { logicalId: 'TransformRunFailedAlarm', type: 'AWS::CloudWatch::Alarm', physicalId: LOCAL_ALARM },
        { logicalId: 'TransformRunStateMachine', type: 'AWS::StepFunctions::StateMachine', physicalId: facts.transformStateMachineArn },
      ],
    });
  }
}
