/** HTTPS endpoint (Lambda function URL) that Fivetran calls after each sync. */
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { httpHandler, json } from '../src/runtime/lambda/middleware';
import { receiveFivetranWebhook } from '../src/runtime/receive-fivetran-webhook';

interface FunctionUrlEvent {
  body?: string;
  isBase64Encoded?: boolean;
  headers?: Record<string, string | undefined>;
}

const eventBridge = new EventBridgeClient({});

export const handler = httpHandler(async (event: FunctionUrlEvent) => {
  const rawBody = Buffer.from(event.body ?? '', event.isBase64Encoded ? 'base64' : 'utf8');
  const headers = Object.fromEntries(Object.entries(event.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  const outcome = await receiveFivetranWebhook({ rawBody, headers }, {
    eventBridge,
    eventBusName: process.env.LANDFALL_EVENT_BUS_NAME ?? 'default',
    secret: process.env.FIVETRAN_WEBHOOK_SECRET ?? '',
  });
  return json(200, outcome);
});
