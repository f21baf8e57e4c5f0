/** Target of the `Loader Failed` rule: email the team that a loader sync failed (no run is started). */
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { composeLoaderFailureAlert } from '../src/alerts';
import { alertAttributes } from '../src/alerts/alert-subscriptions';
import { LoaderFailedEventSchema } from '../src/events/arrival';
import { taskHandler } from '../src/runtime/lambda/middleware';

const sns = new SNSClient({});

export const handler = taskHandler(async (event: unknown) => {
  const { detail } = LoaderFailedEventSchema.parse(event);
  const connectorId = detail.loader === 'fivetran' ? detail.connector.connectorId
    : detail.loader === 'dms' ? detail.connector.taskArn : `s3://${detail.connector.bucket}/${detail.connector.key}`;
  const email = composeLoaderFailureAlert({ loader: detail.loader, connectorId, status: detail.status, reason: detail.reason, at: detail.failedAt });
  const result = await sns.send(new PublishCommand({
    TopicArn: process.env.LANDFALL_ALERT_TOPIC_ARN, Subject: email.subject, Message: email.body,
    // Every alert carries `audience` so the subscriptions' filter policies route it (src/alerts/alert-subscriptions.ts).
    MessageAttributes: alertAttributes({ audience: 'all', kind: 'loader', project: 'landfall', severity: 'error' }),
  }));
  return { subject: email.subject, messageId: result.MessageId };
});
