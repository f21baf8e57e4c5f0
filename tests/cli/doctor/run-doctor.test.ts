/**
 * runDoctor when nothing is deployed: the stack line fails with the deploy command, the checks that need the
 * stack's resources say they were not run and why, and a missing Data API target fails with the variables to set.
 */
import path from 'node:path';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { STSClient } from '@aws-sdk/client-sts';
import { doctorPlan } from '../../../src/cli/doctor/doctor-command';
import { runDoctor } from '../../../src/cli/doctor/run-doctor';
import { compileManifest, readProjectFiles } from '../../../src/engine/compile';
import { type LocalCloud, startLocalCloud } from '../../../src/local/aws/local-cloud';
import { LocalDeployment } from '../../../src/local/aws/local-deployment';
import { LocalS3 } from '../../../src/local/aws/s3';
import { LocalSnsOutbox } from '../../../src/local/aws/sns-outbox';
import { clientConfig, makeStateDir } from '../../local/aws/support';

const REPO = path.resolve(__dirname, '..', '..', '..');
let cloud: LocalCloud;
let remove: () => void;
let deployment: LocalDeployment;

beforeAll(async () => {
  const dir = makeStateDir();
  remove = dir.remove;
  deployment = new LocalDeployment();
  cloud = await startLocalCloud({ sns: new LocalSnsOutbox({ stateDir: dir.stateDir }), s3: new LocalS3(path.join(dir.stateDir, 's3')), extraRoutes: deployment.extraRoutes, queryRoutes: deployment.queryRoutes });
});
afterAll(async () => {
  await cloud.close();
  remove();
});

it('reports an undeployed stage: what failed, what was not checked, and the fixes', async () => {
  const manifest = compileManifest(readProjectFiles(path.join(REPO, 'dbt')), { target: { name: 'prod', type: 'redshift', schema: 'analytics', database: 'dev' }, cliVars: {} });
  const plan = doctorPlan(manifest, { stackName: 'landfall-prod', region: 'eu-west-1', database: 'dev', dbUser: 'IAMR:landfall-prod-eu-west-1-data-api', deployCommand: 'npx osls deploy --stage prod', grantsCommand: 'npx landfall grants --stage prod' });
  plan.warehouseMissingBecause = 'Invalid Redshift connection configuration: set LANDFALL_REDSHIFT_WORKGROUP or LANDFALL_REDSHIFT_CLUSTER';
  const config = clientConfig(cloud.url);
  const results = await runDoctor({
    cloudFormation: new CloudFormationClient(config), sns: new SNSClient(config), s3: new S3Client({ ...config, forcePathStyle: true }), sqs: new SQSClient(config), cloudWatch: new CloudWatchClient(config),
  }, plan);
  const byCheck = Object.fromEntries(results.map((r) => [r.check, r]));
  expect(byCheck['stack landfall-prod']).toMatchObject({ status: 'fail', detail: 'not found in this account and region', fix: expect.stringContaining('npx osls deploy --stage prod') });
  expect(byCheck['Data API']).toMatchObject({ status: 'fail', fix: expect.stringContaining('LANDFALL_REDSHIFT_WORKGROUP') });
  expect(byCheck['alert subscriptions']).toMatchObject({ status: 'skip', detail: 'not checked: stack landfall-prod could not be read' });
  expect(byCheck['dead-letter queues']!.status).toBe('skip');
  expect(byCheck.alarms!.status).toBe('skip');
  // The routed bucket does not exist in this (local) account either: named, with what to do.
  expect(byCheck['bucket landfall-landing']).toMatchObject({ status: 'fail', fix: expect.stringContaining('create the bucket') });
  expect(plan.privileges.loadTables).toEqual([{ schema: 'raw', identifier: 'product_events' }]);
  expect(plan.secrets).toEqual([]);
});

it("fails when the stack runs another role than this checkout's deployment files name (privileges would be checked for the wrong user)", async () => {
  const manifest = compileManifest(readProjectFiles(path.join(REPO, 'dbt')), { target: { name: 'prod', type: 'redshift', schema: 'analytics', database: 'dev' }, cliVars: {} });
  const plan = doctorPlan(manifest, { stackName: 'landfall-old', region: 'us-east-1', database: 'dev', dbUser: 'IAMR:landfall-old-us-east-1-data-api', deployCommand: 'npx osls deploy --stage old', grantsCommand: 'npx landfall grants --stage old' });
  deployment.cloudFormation.putStack({ name: 'landfall-old', outputs: {}, resources: [{ logicalId: 'IamRoleLambdaExecution', type: 'AWS::IAM::Role', physicalId: 'landfall-old-us-east-1-lambdaRole' }] });
  const config = clientConfig(cloud.url);
  const results = await runDoctor({ cloudFormation: new CloudFormationClient(config), sns: new SNSClient(config), s3: new S3Client({ ...config, forcePathStyle: true }), sqs: new SQSClient(config), cloudWatch: new CloudWatchClient(config) }, plan);
  expect(results.find((r) => r.check === "functions' role")).toMatchObject({
    status: 'fail',
    detail: "this checkout's Data API role landfall-old-us-east-1-data-api is not in the stack (its roles: landfall-old-us-east-1-lambdaRole)",
    fix: expect.stringContaining('deploy this checkout (npx osls deploy --stage old)'),
  });
  expect(results.find((r) => r.check === 'stack outputs')).toMatchObject({ status: 'fail', detail: 'missing FivetranWebhookUrl, TransformRunStateMachineArn' });
});

it('stops at the first line without usable AWS credentials, saying how to sign in', async () => {
  const manifest = compileManifest(readProjectFiles(path.join(REPO, 'dbt')), { target: { name: 'prod', type: 'redshift', schema: 'analytics', database: 'dev' }, cliVars: {} });
  const plan = doctorPlan(manifest, { stackName: 'landfall-prod', region: 'eu-west-1', database: 'dev', deployCommand: 'npx osls deploy', grantsCommand: 'npx landfall grants' });
  const config = clientConfig(cloud.url);
  const noCredentials = { ...config, credentials: async () => { throw Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }); } };
  const results = await runDoctor({ sts: new STSClient(noCredentials), cloudFormation: new CloudFormationClient(config), sns: new SNSClient(config), s3: new S3Client(config), sqs: new SQSClient(config), cloudWatch: new CloudWatchClient(config) }, plan);
  expect(results.map((r) => [r.check, r.status])).toEqual([['AWS credentials', 'fail'], ['everything else', 'skip']]);
  expect(results[0]!.fix).toContain('aws sso login');
});
