/**
 * EventBridge Scheduler target (every 15 minutes): the safety net for lost webhooks and events. Compares what the
 * loaders say they delivered with what landfall recorded and starts the missed arrivals (src/reconcile/).
 */
import { DatabaseMigrationServiceClient } from '@aws-sdk/client-database-migration-service';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { reconcilerPorts } from '../src/reconcile/reconciler-ports';
import { reconcileOnce } from '../src/reconcile/run-reconciler';
import { awsManifest } from '../src/runtime/aws-manifest';
import { awsWarehouse } from '../src/runtime/aws-warehouse';
import { DynamoDbLeaseStore } from '../src/runtime/coalesce/dynamodb-lease-store';
import { logger, taskHandler } from '../src/runtime/lambda/middleware';

const clients = {
  eventBridge: new EventBridgeClient({}),
  sns: new SNSClient({}),
  dms: new DatabaseMigrationServiceClient({}),
  s3: new S3Client({}),
  leases: new DynamoDbLeaseStore(new DynamoDBClient({}), process.env.LANDFALL_LEASE_TABLE ?? ''),
};

export const handler = taskHandler(async () => {
  const manifest = awsManifest();
  const outcome = await reconcileOnce(manifest, reconcilerPorts({
    ...clients,
    eventBusName: process.env.LANDFALL_EVENT_BUS_NAME ?? 'default',
    topicArn: process.env.LANDFALL_ALERT_TOPIC_ARN ?? '',
    warehouse: awsWarehouse(),
    project: manifest.projectName,
    // The coalescer's lease item holds the last arrival per connector.
    lastArrivals: async () => (await clients.leases.read()).record?.state.lastArrivals ?? {},
  }), Date.now());
  logger.info('reconciled', { ...outcome });
  return outcome;
});
