/**
 * Runs every check of `landfall doctor` in order over clients it is given (the real AWS SDK clients; locally
 * the same clients against the local stack's endpoints), and returns one result per line. The stack comes
 * first: its resources tell the later checks which topic, queues and alarms to look at.
 */
import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { STSClient } from '@aws-sdk/client-sts';
import type { Warehouse } from '../../engine/warehouse/warehouse';
import { checkAlarms } from './alarms';
import { checkBucketNotifications } from './bucket-notifications';
import { type CheckResult, skip } from './check-result';
import { checkCallerIdentity } from './caller-identity';
import { checkDeployedRole } from './deployed-role';
import { checkDataApiPrivileges, type PrivilegeExpectations } from './data-api-privileges';
import { checkDeadLetterQueues } from './dead-letter-queues';
import { checkFivetranWebhook, type FivetranApiCredentials } from './fivetran-webhook';
import { checkSecretsReadable, type ExpectedSecret } from './secret-readable';
import { checkAlertSubscriptions } from './sns-subscription';
import { checkStackOutputs, resourcesOf, type DeployedStack } from './stack-outputs';

export interface DoctorClients {
  /** Undefined: the credentials line is left out (the other checks still say what fails). */
  sts?: STSClient;
  cloudFormation: CloudFormationClient;
  sns: SNSClient;
  s3: S3Client;
  sqs: SQSClient;
  cloudWatch: CloudWatchClient;
  /** Undefined: the secrets check is skipped with `secretsSkippedBecause`. */
  secretsManager?: SecretsManagerClient;
  /** Undefined: the Data API check fails with `warehouseMissingBecause`. */
  warehouse?: Warehouse;
  fetch?: typeof fetch;
}

export interface DoctorPlan {
  stackName: string;
  region: string;
  deployCommand: string;
  privileges: PrivilegeExpectations;
  /** Buckets the S3 routes read from. */
  buckets: string[];
  secrets: ExpectedSecret[];
  secretsSkippedBecause?: string;
  warehouseMissingBecause?: string;
  fivetran?: FivetranApiCredentials;
}

/** Dead-letter queues: by logical id or name (`…DeadLetterQueue`, `…-dlq`). */
const DEAD_LETTER = /dead|dlq/i;
/** The topic alerts go to (`AlertTopic`); when the stack names none so, every topic. */
const ALERT_TOPIC = /alert/i;

/**
 * @example
 * const results = await runDoctor(clients, plan);
 * const failed = results.some((r) => r.status === 'fail');
 */
export async function runDoctor(clients: DoctorClients, plan: DoctorPlan, onResult: (result: CheckResult) => void = () => undefined): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  const report = (batch: CheckResult[]) => {
    for (const result of batch) {
      results.push(result);
      onResult(result);
    }
  };
  if (clients.sts) {
    const identity = await checkCallerIdentity(clients.sts, plan.region);
    report([identity]);
    if (identity.status === 'fail') {
      report([skip('everything else', 'not checked without AWS credentials')]);
      return results;
    }
  }
  const { results: stackResults, stack } = await checkStackOutputs(clients.cloudFormation, plan.stackName, plan.deployCommand);
  report(stackResults);
  const iamRole = /^IAMR:(.+)$/.exec(plan.privileges.dbUser ?? '')?.[1];
  if (stack && iamRole) report(checkDeployedRole(stack, iamRole, plan.deployCommand));

  report(clients.warehouse
    ? await checkDataApiPrivileges(clients.warehouse, plan.privileges)
    : [{ check: 'Data API', status: 'fail', detail: plan.warehouseMissingBecause ?? 'no connection target', fix: 'set LANDFALL_REDSHIFT_WORKGROUP (or LANDFALL_REDSHIFT_CLUSTER) and LANDFALL_REDSHIFT_DATABASE as the stage was deployed with' }]);

  report(clients.secretsManager ? await checkSecretsReadable(clients.secretsManager, plan.secrets) : [skip('secrets', plan.secretsSkippedBecause ?? 'no Secrets Manager client')]);

  const needsStack = (what: string): CheckResult[] => [skip(what, `not checked: stack ${plan.stackName} could not be read`)];
  report(stack ? await alertSubscriptions(clients.sns, stack) : needsStack('alert subscriptions'));
  report(plan.buckets.length > 0 ? await checkBucketNotifications(clients.s3, plan.buckets) : [skip('S3 buckets', 'no source has an S3 route (meta.landfall.s3)')]);
  report(await checkFivetranWebhook(plan.fivetran, stack?.outputs.FivetranWebhookUrl, clients.fetch));
  report(stack ? await checkDeadLetterQueues(clients.sqs, deadLetterQueueUrls(stack)) : needsStack('dead-letter queues'));
  report(stack ? await checkAlarms(clients.cloudWatch, resourcesOf(stack, 'AWS::CloudWatch::Alarm').map((r) => r.physicalId), plan.region) : needsStack('alarms'));
  return results;
}

async function alertSubscriptions(sns: SNSClient, stack: DeployedStack): Promise<CheckResult[]> {
  const topics = resourcesOf(stack, 'AWS::SNS::Topic');
  const alertTopics = topics.some((t) => ALERT_TOPIC.test(t.logicalId)) ? topics.filter((t) => ALERT_TOPIC.test(t.logicalId)) : topics;
  if (alertTopics.length === 0) return [{ check: 'alert subscriptions', status: 'fail', detail: `stack ${stack.name} has no SNS topic`, fix: 'deploy again from this checkout' }];
  const results: CheckResult[] = [];
  for (const topic of alertTopics) results.push(...(await checkAlertSubscriptions(sns, topic.physicalId)));
  return results;
}

function deadLetterQueueUrls(stack: DeployedStack): string[] {
  return resourcesOf(stack, 'AWS::SQS::Queue').filter((q) => DEAD_LETTER.test(q.logicalId) || DEAD_LETTER.test(q.physicalId)).map((q) => q.physicalId);
}
