/**
 * The deployed CloudFormation stack: it exists, it is in a complete state, and it has the outputs the
 * operator needs (the Fivetran webhook URL, the state machine). Its resources (topic, queues, alarms) feed
 * the other checks. DescribeStacks and ListStackResources only (read-only).
 */
import { type CloudFormationClient, DescribeStacksCommand, ListStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import { type CheckResult, describeError, fail, pass } from './check-result';

export const REQUIRED_OUTPUTS = ['FivetranWebhookUrl', 'TransformRunStateMachineArn'] as const;

export interface StackResource {
  logicalId: string;
  physicalId: string;
  type: string;
}

export interface DeployedStack {
  name: string;
  status: string;
  outputs: Record<string, string>;
  resources: StackResource[];
}

// A stack whose last operation finished; *_IN_PROGRESS and *_FAILED/ROLLBACK states are not a usable deployment.
const USABLE_STATUSES = new Set(['CREATE_COMPLETE', 'UPDATE_COMPLETE', 'UPDATE_ROLLBACK_COMPLETE', 'IMPORT_COMPLETE']);

/**
 * @example
 * const { results, stack } = await checkStackOutputs(new CloudFormationClient({}), 'landfall-prod');
 */
export async function checkStackOutputs(cloudFormation: CloudFormationClient, stackName: string, deployCommand: string): Promise<{ results: CheckResult[]; stack?: DeployedStack }> {
  const check = `stack ${stackName}`;
  let described;
  try {
    described = (await cloudFormation.send(new DescribeStacksCommand({ StackName: stackName }))).Stacks?.[0];
  } catch (error) {
    const missing = /does not exist/i.test(describeError(error));
    return {
      results: [
        fail(check, missing ? 'not found in this account and region' : `DescribeStacks failed (${describeError(error)})`,
          missing ? `deploy it (${deployCommand}), or pass the --stage/--region it was deployed with` : 'check your AWS credentials and region (cloudformation:DescribeStacks)'),
      ],
    };
  }
  if (!described) return { results: [fail(check, 'DescribeStacks returned no stack', `deploy it (${deployCommand})`)] };
  const status = described.StackStatus ?? 'UNKNOWN';
  const outputs = Object.fromEntries((described.Outputs ?? []).flatMap((o) => (o.OutputKey && o.OutputValue !== undefined ? [[o.OutputKey, o.OutputValue]] : [])));
  const resources: StackResource[] = [];
  let nextToken: string | undefined;
  do {
    const page = await cloudFormation.send(new ListStackResourcesCommand({ StackName: stackName, NextToken: nextToken }));
    for (const r of page.StackResourceSummaries ?? []) {
      if (r.LogicalResourceId && r.PhysicalResourceId && r.ResourceType) resources.push({ logicalId: r.LogicalResourceId, physicalId: r.PhysicalResourceId, type: r.ResourceType });
    }
    nextToken = page.NextToken;
  } while (nextToken);
  const stack: DeployedStack = { name: stackName, status, outputs, resources };

  const results: CheckResult[] = [];
  results.push(USABLE_STATUSES.has(status)
    ? pass(check, `${status}, ${resources.length} resources`)
    : fail(check, `status ${status}${described.StackStatusReason ? ` (${described.StackStatusReason})` : ''}`, `see the stack's Events tab in the CloudFormation console, fix the cause and deploy again (${deployCommand})`));
  const missing = REQUIRED_OUTPUTS.filter((key) => !outputs[key]);
  results.push(missing.length === 0
    ? pass('stack outputs', REQUIRED_OUTPUTS.map((key) => `${key}=${outputs[key]}`).join(', '))
    : fail('stack outputs', `missing ${missing.join(', ')}`, `the deployed template predates these outputs: deploy again from this checkout (${deployCommand})`));
  return { results, stack };
}

/** The physical ids of a stack's resources of one type whose logical id matches. */
export function resourcesOf(stack: DeployedStack, type: string, logicalId: RegExp = /.*/): StackResource[] {
  return stack.resources.filter((r) => r.type === type && logicalId.test(r.logicalId));
}
