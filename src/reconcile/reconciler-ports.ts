/**
 * The reconciler's ports over AWS SDK clients (and the same clients against the local stack's endpoints): the bus
 * for missed arrivals, the alert topic for silence, DMS and S3 for what those loaders delivered, the warehouse for
 * the ledger, the Fivetran REST API when `FIVETRAN_API_KEY`/`FIVETRAN_API_SECRET` are set.
 */
import { DatabaseMigrationServiceClient } from '@aws-sdk/client-database-migration-service';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { S3Client } from '@aws-sdk/client-s3';
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { alertAttributes } from '../alerts/alert-subscriptions';
import { composeSilentConnectorAlert } from '../alerts/compose-silent-connector-alert';
import { putLandfallEvent } from '../runtime/put-landfall-event';
import type { Warehouse } from '../engine/warehouse/warehouse';
import { dmsTaskStatuses, listRoutedObjects } from './aws-loader-records';
import { FivetranRestApi } from './fivetran-rest-api';
import { recordedObjectsIn, type ReconcilerPorts } from './run-reconciler';

export interface ReconcilerClients {
  eventBridge: EventBridgeClient;
  eventBusName: string;
  sns: SNSClient;
  topicArn: string;
  dms: DatabaseMigrationServiceClient;
  s3: S3Client;
  warehouse: Warehouse;
  lastArrivals: () => Promise<Record<string, string>>;
  project?: string;
  /** The process environment (FIVETRAN_API_KEY, FIVETRAN_API_SECRET, LANDFALL_FIVETRAN_API_URL). */
  env?: Record<string, string | undefined>;
}

export function reconcilerPorts(clients: ReconcilerClients): ReconcilerPorts {
  const env = clients.env ?? process.env;
  const fivetran = env.FIVETRAN_API_KEY && env.FIVETRAN_API_SECRET
    ? new FivetranRestApi({ apiKey: env.FIVETRAN_API_KEY, apiSecret: env.FIVETRAN_API_SECRET, ...(env.LANDFALL_FIVETRAN_API_URL && { baseUrl: env.LANDFALL_FIVETRAN_API_URL }) })
    : undefined;
  return {
    lastArrivals: clients.lastArrivals,
    ...(fivetran && { fivetranStatus: (id: string) => fivetran.connectionStatus(id) }),
    dmsStatuses: (routes) => dmsTaskStatuses(clients.dms, routes),
    listObjects: (routes, now) => listRoutedObjects(clients.s3, routes, now),
    recordedObjects: () => recordedObjectsIn(clients.warehouse),
    putArrival: async (event) => {
      await putLandfallEvent(event, { eventBridge: clients.eventBridge, eventBusName: clients.eventBusName });
    },
    alertSilent: async (silent) => {
      const email = composeSilentConnectorAlert({ project: clients.project, connectors: silent });
      await clients.sns.send(new PublishCommand({
        TopicArn: clients.topicArn, Subject: email.subject, Message: email.body,
        MessageAttributes: alertAttributes({ audience: 'all', kind: 'loader', project: clients.project ?? 'landfall', severity: 'warn' }),
      }));
    },
  };
}
