/** Target of the DMS rule on the default bus: normalize a DMS task/replication event and put it on landfall's bus. */
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { logger, taskHandler } from '../src/runtime/lambda/middleware';
import { forwardDmsEvent } from '../src/runtime/receive-dms-event';

const eventBridge = new EventBridgeClient({});

export const handler = taskHandler(async (event: unknown) => {
  const outcome = await forwardDmsEvent(event, { eventBridge, eventBusName: process.env.LANDFALL_EVENT_BUS_NAME ?? 'default' });
  logger.info('DMS event', { outcome });
  return outcome;
});
