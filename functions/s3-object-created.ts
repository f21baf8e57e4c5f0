/** Target of the S3 Object Created rule on the default bus: a routed object becomes a Data Arrived event on landfall's bus. */
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { loadCompiledManifest } from '../src/runtime/compiled-project';
import { logger, taskHandler } from '../src/runtime/lambda/middleware';
import { forwardS3Event } from '../src/runtime/receive-s3-event';

const eventBridge = new EventBridgeClient({});

export const handler = taskHandler(async (event: unknown) => {
  const outcome = await forwardS3Event(event, loadCompiledManifest(), { eventBridge, eventBusName: process.env.LANDFALL_EVENT_BUS_NAME ?? 'default' });
  logger.info('S3 event', { outcome });
  return outcome;
});
