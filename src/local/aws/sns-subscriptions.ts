/**
 * Subscriptions of the local SNS topics (AWS Query protocol, beside `sns-outbox.ts`'s Publish):
 * ListSubscriptionsByTopic, Subscribe and ConfirmSubscription. An email subscription starts as
 * `PendingConfirmation` (SNS lists it with that SubscriptionArn until the recipient confirms; Subscribe
 * answers "pending confirmation"), as in AWS:
 * https://docs.aws.amazon.com/sns/latest/api/API_Subscribe.html, API_ListSubscriptionsByTopic.html.
 * The local stack registers its alert topic with the addresses it delivers to, confirmed.
 */
import { randomUUID } from 'node:crypto';
import { InvalidParameterError, LocalAwsError, TopicNotFoundError } from './errors';
import { offsetPage } from './offset-pages';
import { type QueryRoute, queryRoutes, requiredString } from './protocol-routes';

export const SNS_XML_NAMESPACE = 'http://sns.amazonaws.com/doc/2010-03-31/';
const PENDING = 'PendingConfirmation';
/** ListSubscriptionsByTopic returns at most 100 per page. */
const PAGE_SIZE = 100;

interface LocalSubscription {
  topicArn: string;
  protocol: string;
  endpoint: string;
  /** The ARN once confirmed; undefined while pending. */
  arn?: string;
  token: string;
}

export class LocalSnsSubscriptions {
  private readonly topics = new Map<string, LocalSubscription[]>();

  constructor(private readonly accountId = '000000000000') {}

  /** A topic and its already confirmed email subscribers. */
  addTopic(topicArn: string, confirmedEmails: string[] = []): void {
    const subscriptions = this.topics.get(topicArn) ?? [];
    for (const endpoint of confirmedEmails) subscriptions.push({ topicArn, protocol: 'email', endpoint, arn: `${topicArn}:${randomUUID()}`, token: randomUUID() });
    this.topics.set(topicArn, subscriptions);
  }

  /** The token SNS would mail to a pending subscriber (the local stand-in for the confirmation email). */
  confirmationToken(topicArn: string, endpoint: string): string | undefined {
    return this.topics.get(topicArn)?.find((s) => s.endpoint === endpoint && !s.arn)?.token;
  }

  private subscriptionsOf(topicArn: unknown): LocalSubscription[] {
    const arn = requiredString(topicArn, 'TopicArn', (m) => new InvalidParameterError(m));
    const subscriptions = this.topics.get(arn);
    if (!subscriptions) throw new TopicNotFoundError(arn);
    return subscriptions;
  }

  /** Routes by `Action` for `startLocalCloud({ queryRoutes })`. */
  readonly queryRoutes: Record<string, QueryRoute> = queryRoutes(SNS_XML_NAMESPACE, {
    ListSubscriptionsByTopic: async (form) => {
      const subscriptions = this.subscriptionsOf(form.TopicArn);
      const { page, nextToken } = offsetPage(subscriptions, form.NextToken, PAGE_SIZE, () => new InvalidParameterError('Invalid parameter: NextToken'));
      return {
        Subscriptions: page.map((s) => ({
          SubscriptionArn: s.arn ?? PENDING,
          Owner: this.accountId,
          Protocol: s.protocol,
          Endpoint: s.endpoint,
          TopicArn: s.topicArn,
        })),
        NextToken: nextToken,
      };
    },
    Subscribe: async (form) => {
      const subscriptions = this.subscriptionsOf(form.TopicArn);
      const protocol = requiredString(form.Protocol, 'Protocol', (m) => new InvalidParameterError(m));
      const endpoint = requiredString(form.Endpoint, 'Endpoint', (m) => new InvalidParameterError(m));
      if (protocol !== 'email' && protocol !== 'email-json') throw new InvalidParameterError(`Invalid parameter: the local SNS supports email subscriptions, not ${protocol}`);
      if (!/^[^@\s]+@[^@\s]+$/.test(endpoint)) throw new InvalidParameterError('Invalid parameter: Email address');
      let subscription = subscriptions.find((s) => s.protocol === protocol && s.endpoint === endpoint);
      if (!subscription) {
        subscription = { topicArn: form.TopicArn!, protocol, endpoint, token: randomUUID() };
        subscriptions.push(subscription);
      }
      return { SubscriptionArn: subscription.arn ?? (form.ReturnSubscriptionArn === 'true' ? `${form.TopicArn}:${subscription.token}` : 'pending confirmation') };
    },
    ConfirmSubscription: async (form) => {
      const subscriptions = this.subscriptionsOf(form.TopicArn);
      const token = requiredString(form.Token, 'Token', (m) => new InvalidParameterError(m));
      const subscription = subscriptions.find((s) => s.token === token);
      if (!subscription) throw new LocalAwsError('InvalidParameter', 'Invalid token');
      subscription.arn ??= `${subscription.topicArn}:${randomUUID()}`;
      return { SubscriptionArn: subscription.arn };
    },
  });
}
