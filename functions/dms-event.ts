/** Target of the DMS rule on the default bus: normalize a DMS task/replication event and put it on landfall's bus. */
import { DatabaseMigrationServiceClient } from '@aws-sdk/client-database-migration-service';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { CachedDmsTaskIdentifiers } from '../src/runtime/dms-task-identifiers';
import { logger, taskHandler } from '../src/runtime/lambda/middleware';
import { forwardDmsEvent } from '../src/runtime/receive-dms-event';

const eventBridge = new EventBridgeClient({});
const taskIdentifiers = new CachedDmsTaskIdentifiers(new DatabaseMigrationServiceClient({}));

export const handler = taskHandler(async (event: unknown) => {
  const outcome = await forwardDmsEvent(event, { eventBridge, eventBusName: process.env.LANDFALL_EVENT_BUS_NAME ?? 'default' }, taskIdentifiers);
  logger.info('DMS event', { outcome });
  return outcome;
});
