/**
 * What EventBridge requires of an SQS rule target, checked when the local bus adds the rule, so wiring that would
 * drop every event in AWS fails on a laptop first. Stricter than PutTargets (which accepts the first two mistakes
 * and then fails every delivery):
 *
 * 1. A FIFO queue needs `SqsParameters.MessageGroupId` (CloudFormation `AWS::Events::Rule SqsParameters`:
 *    MessageGroupId "Required: Yes").
 * 2. A FIFO queue needs content-based deduplication: "If you specify an SQS FIFO queue as a target, the queue must
 *    have content-based deduplication enabled" (EventBridge API reference, Target.SqsParameters) — a rule target
 *    cannot set a MessageDeduplicationId.
 * 3. The queue's resource policy must let `events.amazonaws.com` call `sqs:SendMessage` on it, scoped to the rule
 *    with `aws:SourceArn` ("Using resource-based policies for Amazon EventBridge", Amazon SQS permissions). Without a
 *    matching statement EventBridge's deliveries are denied; without the condition any rule of any account could
 *    write to the queue (confused deputy), which landfall does not allow either.
 */
import { ValidationError } from './errors';

export interface PolicyStatement {
  Effect?: string;
  Principal?: unknown;
  Action?: string | string[];
  Resource?: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

export interface SqsRuleTarget {
  /** ARN of the rule delivering to the queue. */
  ruleArn: string;
  targetId: string;
  queueArn: string;
  /** `SqsParameters.MessageGroupId` of the target. */
  messageGroupId?: string;
  fifoQueue: boolean;
  contentBasedDeduplication: boolean;
  /** Statements of the queue's `AWS::SQS::QueuePolicy` (none: no policy). */
  queuePolicy: PolicyStatement[];
}

const asList = (value: string | string[] | undefined): string[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/** IAM's ArnLike: `*` and `?` wildcards within each colon-separated field (the whole string here, which is close enough). */
function arnLike(pattern: string, arn: string): boolean {
  const regex = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  return regex.test(arn);
}

function allowsRule(statement: PolicyStatement, target: SqsRuleTarget): boolean {
  if (statement.Effect !== 'Allow') return false;
  const principal = statement.Principal as { Service?: string | string[] } | undefined;
  if (!asList(principal?.Service).includes('events.amazonaws.com')) return false;
  if (!asList(statement.Action).some((action) => action === 'sqs:SendMessage' || action === 'sqs:*')) return false;
  if (!asList(statement.Resource).some((resource) => arnLike(resource, target.queueArn))) return false;
  const conditions = statement.Condition ?? {};
  const sourceArns = [
    ...asList(conditions.ArnEquals?.['aws:SourceArn']),
    ...asList(conditions.StringEquals?.['aws:SourceArn']),
    ...asList(conditions.ArnLike?.['aws:SourceArn']),
    ...asList(conditions.StringLike?.['aws:SourceArn']),
  ];
  return sourceArns.some((pattern) => arnLike(pattern, target.ruleArn));
}

/** Everything wrong with the target, as AWS-style messages (empty when EventBridge can deliver to it). */
export function sqsRuleTargetProblems(target: SqsRuleTarget): string[] {
  const problems: string[] = [];
  const where = `target ${target.targetId} of rule ${target.ruleArn} (queue ${target.queueArn})`;
  if (target.fifoQueue && !target.messageGroupId) {
    problems.push(`${where}: Parameter(s) SqsParameters must be specified for target: ${target.targetId}. A FIFO queue target needs SqsParameters.MessageGroupId.`);
  }
  if (target.fifoQueue && !target.contentBasedDeduplication) {
    problems.push(
      `${where}: the FIFO queue must have content-based deduplication enabled (ContentBasedDeduplication: true); a rule target cannot set a MessageDeduplicationId, so EventBridge would fail every delivery.`,
    );
  }
  if (!target.queuePolicy.some((statement) => allowsRule(statement, target))) {
    problems.push(
      `${where}: no queue policy statement allows events.amazonaws.com to sqs:SendMessage to the queue with an aws:SourceArn condition matching the rule; EventBridge's deliveries would be denied.`,
    );
  }
  return problems;
}

/** @throws ValidationError listing every problem, when EventBridge could not deliver to the target. */
export function assertSqsRuleTarget(target: SqsRuleTarget): void {
  const problems = sqsRuleTargetProblems(target);
  if (problems.length > 0) throw new ValidationError(problems.join('\n'));
}
