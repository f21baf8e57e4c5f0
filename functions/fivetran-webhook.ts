/** HTTPS endpoint (Lambda function URL) that Fivetran calls after each sync. */
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SecretsManagerWebhookSecret, type WebhookSecret } from '../src/runtime/fivetran-webhook-secret';
import { httpHandler, json, logger } from '../src/runtime/lambda/middleware';
import { receiveFivetranWebhook } from '../src/runtime/receive-fivetran-webhook';
import { ignoredDeliveryMetricLine } from '../src/runtime/receive-metrics';

interface FunctionUrlEvent {
  body?: string;
  isBase64Encoded?: boolean;
  headers?: Record<string, string | undefined>;
}

const eventBridge = new EventBridgeClient({});
let secret: WebhookSecret | undefined;

export const handler = httpHandler(async (event: FunctionUrlEvent) => {
  const rawBody = Buffer.from(event.body ?? '', event.isBase64Encoded ? 'base64' : 'utf8');
  const headers = Object.fromEntries(Object.entries(event.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  const outcome = await receiveFivetranWebhook({ rawBody, headers }, {
    eventBridge,
    eventBusName: process.env.LANDFALL_EVENT_BUS_NAME ?? 'default',
    // Built on the first request (the container's), then cached with its value for the container's life.
    secret: (secret ??= new SecretsManagerWebhookSecret(new SecretsManagerClient({}), process.env.FIVETRAN_WEBHOOK_SECRET_ID ?? '')),
  });
  if (outcome.status === 'ignored') {
    // Acknowledged (Fivetran disables a webhook that keeps failing) and counted: metric LoaderDeliveriesIgnored.
    if (process.env.AWS_LAMBDA_FUNCTION_NAME) process.stdout.write(`${ignoredDeliveryMetricLine('fivetran', outcome.eventType, outcome.reason)}\n`);
    else logger.info('webhook acknowledged, nothing to do', { eventType: outcome.eventType, reason: outcome.reason });
  }
  return json(200, outcome);
});
