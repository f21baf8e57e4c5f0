import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DescribeStatementCommand, RedshiftDataClient } from '@aws-sdk/client-redshift-data';
import { ListStateMachinesCommand, SFNClient } from '@aws-sdk/client-sfn';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { LocalEventBus } from '../../../src/local/aws/event-bus';
import { type LocalCloud, localCloudEndpointEnvironment, startLocalCloud } from '../../../src/local/aws/local-cloud';
import { LocalSnsOutbox } from '../../../src/local/aws/sns-outbox';
import { LocalStepFunctions } from '../../../src/local/aws/step-functions';
import { readRequestBody } from '../../../src/local/aws/wire';
import { clientConfig, makeStateDir } from './support';

describe('Function: startLocalCloud', () => {
  let stateDir: string;
  let removeStateDir: () => void;
  let cloud: LocalCloud;
  let dataApiRequests: { target: string; body: unknown }[];
  const savedEnvironment = { ...process.env };

  beforeAll(async () => {
    ({ stateDir, remove: removeStateDir } = makeStateDir());
    dataApiRequests = [];
    cloud = await startLocalCloud({
      stepFunctions: new LocalStepFunctions({
        stateDir,
        stateMachines: { noop: { definition: { StartAt: 'Nothing', States: { Nothing: { Type: 'Pass', End: true } } }, taskHandlers: {} } },
      }),
      eventBus: new LocalEventBus({ stateDir }),
      sns: new LocalSnsOutbox({ stateDir }),
      extraRoutes: {
        'RedshiftData.': async (request, response) => {
          dataApiRequests.push({ target: String(request.headers['x-amz-target']), body: JSON.parse(await readRequestBody(request)) });
          response.writeHead(200, { 'Content-Type': 'application/x-amz-json-1.1' });
          response.end(JSON.stringify({ Id: 'd2e1ec9d-2ee3-49a0-819f-905fa7d75a4a', Status: 'FINISHED', Duration: 1000 }));
        },
      },
    });
  });

  afterEach(() => {
    process.env = { ...savedEnvironment };
  });

  afterAll(async () => {
    await cloud.close();
    removeStateDir();
  });

  it('listens on 127.0.0.1 on a free port', () => {
    expect(cloud.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(cloud.port).toBeGreaterThan(0);
  });

  it('serves every SDK client that reads its endpoint from the AWS_ENDPOINT_URL_* variables', async () => {
    Object.assign(process.env, localCloudEndpointEnvironment(cloud.url), {
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_REGION: 'us-east-1',
    });
    const sfn = new SFNClient({});
    const eventBridge = new EventBridgeClient({});
    const sns = new SNSClient({});
    const redshiftData = new RedshiftDataClient({});

    const machines = await sfn.send(new ListStateMachinesCommand({}));
    const put = await eventBridge.send(new PutEventsCommand({ Entries: [{ Source: 'landfall', DetailType: 'Ping', Detail: '{}' }] }));
    const publish = await sns.send(new PublishCommand({ TopicArn: 'arn:aws:sns:us-east-1:000000000000:alerts', Message: 'ping' }));
    const statement = await redshiftData.send(new DescribeStatementCommand({ Id: 'd2e1ec9d-2ee3-49a0-819f-905fa7d75a4a' }));

    expect(machines.stateMachines!.map((machine) => machine.name)).toEqual(['noop']);
    expect(put.FailedEntryCount).toBe(0);
    expect(publish.MessageId).toBeDefined();
    expect(statement.Status).toBe('FINISHED');
    expect(dataApiRequests).toEqual([
      { target: 'RedshiftData.DescribeStatement', body: { Id: 'd2e1ec9d-2ee3-49a0-819f-905fa7d75a4a' } },
    ]);
    for (const client of [sfn, eventBridge, sns, redshiftData]) client.destroy();
  });

  it('answers an unsupported JSON operation with UnknownOperationException', async () => {
    const response = await fetch(cloud.url, {
      method: 'POST',
      headers: { 'X-Amz-Target': 'AWSStepFunctions.CreateActivity', 'Content-Type': 'application/x-amz-json-1.0' },
      body: '{}',
    });

    expect(response.status).toBe(400);
    expect(response.headers.get('x-amzn-errortype')).toBe('UnknownOperationException');
    expect(await response.json()).toMatchObject({ __type: 'com.amazonaws.sfn#UnknownOperationException' });
  });

  it('answers an unsupported Query action with an InvalidAction XML error', async () => {
    const response = await fetch(cloud.url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'Action=CreateTopic&Version=2010-03-31&Name=x',
    });
    const text = await response.text();

    expect(response.status).toBe(400);
    expect(text).toContain('<Code>InvalidAction</Code>');
    expect(text).toContain('<Type>Sender</Type>');
  });

  it('works with clients given the endpoint explicitly', async () => {
    const sfn = new SFNClient(clientConfig(cloud.url));

    await expect(sfn.send(new ListStateMachinesCommand({}))).resolves.toMatchObject({ stateMachines: [expect.objectContaining({ type: 'STANDARD' })] });
    sfn.destroy();
  });
});
