/**
 * The local stand-ins doctor talks to answer the SDK clients in each service's wire protocol, errors included:
 * CloudFormation (Query: unknown stack, pagination), SQS (JSON 1.0: unknown queue, counts), CloudWatch
 * (JSON 1.0: state changes, name limits), SNS subscriptions (Query: pending → confirmed), S3 `?notification`
 * (REST XML: replace semantics, malformed XML, unknown bucket).
 */
import fs from 'node:fs';
import path from 'node:path';
import { CloudFormationClient, DescribeStacksCommand, ListStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient, DescribeAlarmsCommand, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import { GetBucketNotificationConfigurationCommand, PutBucketNotificationConfigurationCommand, S3Client } from '@aws-sdk/client-s3';
import { ConfirmSubscriptionCommand, ListSubscriptionsByTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { type LocalCloud, startLocalCloud } from '../../../src/local/aws/local-cloud';
import { LOCAL_ALARM, LOCAL_DEAD_LETTER_QUEUE, LOCAL_STACK_NAME, LocalDeployment } from '../../../src/local/aws/local-deployment';
import { LocalS3 } from '../../../src/local/aws/s3';
import { LocalSnsOutbox } from '../../../src/local/aws/sns-outbox';
import { clientConfig, makeStateDir } from './support';

const TOPIC = 'arn:aws:sns:us-east-1:000000000000:landfall-alerts';
let cloud: LocalCloud;
let deployment: LocalDeployment;
let stateDir: string;
let remove: () => void;

beforeAll(async () => {
  ({ stateDir, remove } = makeStateDir());
  deployment = new LocalDeployment();
  const s3Dir = path.join(stateDir, 's3');
  cloud = await startLocalCloud({ sns: new LocalSnsOutbox({ stateDir }), s3: new LocalS3(s3Dir), extraRoutes: deployment.extraRoutes, queryRoutes: deployment.queryRoutes });
  deployment.endpointEnvironment(cloud.url);
  deployment.register({ webhookUrl: 'http://127.0.0.1:1/webhooks/fivetran', transformStateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:t', alertTopicArn: TOPIC, alertEmails: ['team@example.com'], buckets: ['landing-bucket'], s3Dir });
});
afterAll(async () => {
  await cloud.close();
  remove();
});

describe('local deployment endpoints', () => {
  it('CloudFormation: describes the registered stack, refuses an unknown one as AWS does, pages resources', async () => {
    const cfn = new CloudFormationClient(clientConfig(cloud.url));
    const { Stacks } = await cfn.send(new DescribeStacksCommand({ StackName: LOCAL_STACK_NAME }));
    expect(Stacks?.[0]).toMatchObject({ StackName: LOCAL_STACK_NAME, StackStatus: 'CREATE_COMPLETE' });
    expect(Stacks?.[0]?.Outputs?.map((o) => o.OutputKey).sort()).toEqual(['FivetranWebhookUrl', 'TransformRunStateMachineArn']);
    await expect(cfn.send(new DescribeStacksCommand({ StackName: 'landfall-prod' }))).rejects.toMatchObject({ name: 'ValidationError', message: 'Stack with id landfall-prod does not exist' });

    deployment.cloudFormation.putStack({ name: 'big', outputs: {}, resources: Array.from({ length: 150 }, (_, i) => ({ logicalId: `Q${i}`, physicalId: `q${i}`, type: 'AWS::SQS::Queue' })) });
    const first = await cfn.send(new ListStackResourcesCommand({ StackName: 'big' }));
    const second = await cfn.send(new ListStackResourcesCommand({ StackName: 'big', NextToken: first.NextToken }));
    expect([first.StackResourceSummaries?.length, second.StackResourceSummaries?.length, second.NextToken]).toEqual([100, 50, undefined]);
  });

  it('SQS: counts what is visible and in flight, and refuses an unknown queue', async () => {
    const sqs = new SQSClient(clientConfig(cloud.url));
    const QueueUrl = `${cloud.url}/000000000000/${LOCAL_DEAD_LETTER_QUEUE}`;
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'one' }));
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'two' }));
    await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 1 }));
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }));
    expect(Attributes).toEqual({ ApproximateNumberOfMessages: '1', ApproximateNumberOfMessagesNotVisible: '1' });
    await expect(sqs.send(new GetQueueAttributesCommand({ QueueUrl: `${cloud.url}/000000000000/nope`, AttributeNames: ['All'] }))).rejects.toMatchObject({ name: 'QueueDoesNotExist' });
  });

  it('CloudWatch: a new alarm has no data; SetAlarmState moves it; an unknown state is refused', async () => {
    const cw = new CloudWatchClient(clientConfig(cloud.url));
    expect((await cw.send(new DescribeAlarmsCommand({ AlarmNames: [LOCAL_ALARM] }))).MetricAlarms?.[0]?.StateValue).toBe('INSUFFICIENT_DATA');
    await cw.send(new SetAlarmStateCommand({ AlarmName: LOCAL_ALARM, StateValue: 'OK', StateReason: 'test' }));
    const [alarm] = (await cw.send(new DescribeAlarmsCommand({ AlarmNames: [LOCAL_ALARM] }))).MetricAlarms ?? [];
    expect(alarm).toMatchObject({ StateValue: 'OK', StateReason: 'test' });
    expect(alarm?.StateUpdatedTimestamp).toBeInstanceOf(Date);
    await expect(cw.send(new SetAlarmStateCommand({ AlarmName: LOCAL_ALARM, StateValue: 'BROKEN' as never, StateReason: 'x' }))).rejects.toThrow(/enum value set/);
  });

  it('SNS: an email subscription is PendingConfirmation until confirmed with its token', async () => {
    const sns = new SNSClient(clientConfig(cloud.url));
    expect((await sns.send(new SubscribeCommand({ TopicArn: TOPIC, Protocol: 'email', Endpoint: 'new@example.com' }))).SubscriptionArn).toBe('pending confirmation');
    const listed = async () => (await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: TOPIC }))).Subscriptions?.map((s) => [s.Endpoint, s.SubscriptionArn === 'PendingConfirmation' ? 'pending' : 'confirmed']);
    expect(await listed()).toEqual([['team@example.com', 'confirmed'], ['new@example.com', 'pending']]);
    await sns.send(new ConfirmSubscriptionCommand({ TopicArn: TOPIC, Token: deployment.snsSubscriptions.confirmationToken(TOPIC, 'new@example.com')! }));
    expect(await listed()).toEqual([['team@example.com', 'confirmed'], ['new@example.com', 'confirmed']]);
    await expect(sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: `${TOPIC}-other` }))).rejects.toMatchObject({ name: 'NotFoundException' });
  });

  it('S3: ?notification is replaced whole by a put, refuses malformed XML and unknown buckets, and never lists as an object', async () => {
    const s3 = new S3Client({ ...clientConfig(cloud.url), forcePathStyle: true });
    expect((await s3.send(new GetBucketNotificationConfigurationCommand({ Bucket: 'landing-bucket' }))).EventBridgeConfiguration).toEqual({});
    await s3.send(new PutBucketNotificationConfigurationCommand({ Bucket: 'landing-bucket', NotificationConfiguration: { QueueConfigurations: [{ QueueArn: 'arn:aws:sqs:us-east-1:000000000000:q', Events: ['s3:ObjectCreated:*'] }] } }));
    const replaced = await s3.send(new GetBucketNotificationConfigurationCommand({ Bucket: 'landing-bucket' }));
    expect(replaced.EventBridgeConfiguration).toBeUndefined();
    expect(replaced.QueueConfigurations?.[0]?.QueueArn).toBe('arn:aws:sqs:us-east-1:000000000000:q');
    await expect(s3.send(new GetBucketNotificationConfigurationCommand({ Bucket: 'no-such-bucket' }))).rejects.toMatchObject({ name: 'NoSuchBucket' });
    const raw = await fetch(`${cloud.url}/landing-bucket?notification`, { method: 'PUT', body: '<Nope/>' });
    expect([raw.status, await raw.text()]).toEqual([400, expect.stringContaining('<Code>MalformedXML</Code>')]);
    expect(fs.readdirSync(path.join(stateDir, 's3', 'landing-bucket'))).toEqual([]);
  });
});
