/**
 * The alert topic has at least one subscription and every one is confirmed: an email subscription stays
 * `PendingConfirmation` until someone clicks the link SNS mails, and receives nothing until then
 * (docs.aws.amazon.com/sns/latest/dg/sns-email-notifications.html). ListSubscriptionsByTopic only.
 */
import { ListSubscriptionsByTopicCommand, type SNSClient, type Subscription } from '@aws-sdk/client-sns';
import { type CheckResult, describeError, fail, pass } from './check-result';

export const PENDING_CONFIRMATION = 'PendingConfirmation';

export async function checkAlertSubscriptions(sns: SNSClient, topicArn: string): Promise<CheckResult[]> {
  const check = `alert subscriptions of ${topicArn.split(':').pop()}`;
  const subscriptions: Subscription[] = [];
  try {
    let nextToken: string | undefined;
    do {
      const page = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn, NextToken: nextToken }));
      subscriptions.push(...(page.Subscriptions ?? []));
      nextToken = page.NextToken;
    } while (nextToken);
  } catch (error) {
    return [fail(check, `ListSubscriptionsByTopic failed (${describeError(error)})`, 'check your credentials allow sns:ListSubscriptionsByTopic on the topic')];
  }
  if (subscriptions.length === 0) {
    return [fail(check, 'no subscriptions: alerts go nowhere', `subscribe the team: aws sns subscribe --topic-arn ${topicArn} --protocol email --notification-endpoint <address>, then confirm from the email`)];
  }
  const pending = subscriptions.filter((s) => s.SubscriptionArn === PENDING_CONFIRMATION);
  if (pending.length > 0) {
    return [fail(check, `${pending.length} of ${subscriptions.length} not confirmed (${pending.map((s) => `${s.Protocol}:${s.Endpoint}`).join(', ')})`,
      `open the "AWS Notification - Subscription Confirmation" email sent to ${pending.map((s) => s.Endpoint).join(', ')} and click "Confirm subscription" (no alert is delivered before); lost it? aws sns subscribe --topic-arn ${topicArn} --protocol email --notification-endpoint <address> sends a new one`)];
  }
  return [pass(check, `${subscriptions.length} confirmed (${subscriptions.map((s) => `${s.Protocol}:${s.Endpoint}`).join(', ')})`)];
}
