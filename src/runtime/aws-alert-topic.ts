/** The alert topic (SNS, `LANDFALL_ALERT_TOPIC_ARN`) the alert tasks publish to, once per container. */
import { SNSClient } from '@aws-sdk/client-sns';
import { once } from './environment';

export const awsAlertTopic = /* @__PURE__ */ once(() => ({
  sns: new SNSClient({}),
  topicArn: process.env.LANDFALL_ALERT_TOPIC_ARN ?? '',
  region: process.env.AWS_REGION ?? 'us-east-1',
}));
