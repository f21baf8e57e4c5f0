/**
 * An `AWS::Events::Rule` of the deployment as the local bus needs it: its event pattern and, for SQS targets,
 * everything EventBridge checks (src/local/aws/sqs-rule-target.ts), read from the same files osls deploys.
 */
import type { PolicyStatement, SqsRuleTarget } from '../local/aws/sqs-rule-target';
import { ServerlessTemplate, ServerlessTemplateError } from './serverless-template';

export interface DeployedRule {
  logicalId: string;
  ruleArn: string;
  pattern: unknown;
  sqsTargets: SqsRuleTarget[];
}

/**
 * @example
 * const rule = deployedRule(new ServerlessTemplate('.', { stage: 'local', region: 'us-east-1', accountId: '000000000000' }), 'DataArrivedRule');
 * rule.sqsTargets[0].contentBasedDeduplication; // true
 */
export function deployedRule(template: ServerlessTemplate, logicalId: string): DeployedRule {
  const rule = template.resource(logicalId, 'AWS::Events::Rule');
  const props = rule.Properties ?? {};
  if (props.EventPattern === undefined) throw new ServerlessTemplateError(`${logicalId} has no EventPattern`);
  const ruleArn = template.arnOf(logicalId);
  const targets = (props.Targets ?? []) as { Id: string; Arn: unknown; SqsParameters?: { MessageGroupId?: string } }[];
  const sqsTargets: SqsRuleTarget[] = [];
  for (const target of targets) {
    const queueId = sqsQueueLogicalId(template, target.Arn);
    if (!queueId) continue;
    const queue = template.resource(queueId).Properties ?? {};
    sqsTargets.push({
      ruleArn,
      targetId: target.Id,
      queueArn: template.arnOf(queueId),
      messageGroupId: target.SqsParameters?.MessageGroupId,
      fifoQueue: queue.FifoQueue === true,
      contentBasedDeduplication: queue.ContentBasedDeduplication === true,
      queuePolicy: queuePolicyStatements(template, queueId),
    });
  }
  return { logicalId, ruleArn, pattern: props.EventPattern, sqsTargets };
}

function sqsQueueLogicalId(template: ServerlessTemplate, arn: unknown): string | undefined {
  const getAtt = (arn as { 'Fn::GetAtt'?: [string, string] } | undefined)?.['Fn::GetAtt'];
  if (!getAtt) return undefined;
  return template.resources[getAtt[0]]?.Type === 'AWS::SQS::Queue' ? getAtt[0] : undefined;
}

/** Statements of every AWS::SQS::QueuePolicy naming the queue, intrinsics resolved. */
function queuePolicyStatements(template: ServerlessTemplate, queueId: string): PolicyStatement[] {
  return Object.values(template.resources)
    .filter((resource) => resource.Type === 'AWS::SQS::QueuePolicy')
    .filter((policy) => ((policy.Properties?.Queues ?? []) as unknown[]).some((queue) => (queue as { Ref?: string }).Ref === queueId))
    .flatMap((policy) => {
      const document = template.resolveIntrinsics(policy.Properties?.PolicyDocument) as { Statement?: PolicyStatement | PolicyStatement[] };
      return Array.isArray(document.Statement) ? document.Statement : document.Statement ? [document.Statement] : [];
    });
}
