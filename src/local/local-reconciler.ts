/**
 * The reconciler on the local stack (`serve` runs it on a timer, tests call it): the same ports as the Lambda
 * (src/reconcile/reconciler-ports.ts) with the SDK clients pointed at the local endpoints, the coalescer's in-memory
 * last arrivals, and the local Fivetran REST API (src/local/fivetran-api.ts) instead of api.fivetran.com.
 */
import { DatabaseMigrationServiceClient } from '@aws-sdk/client-database-migration-service';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import type { Manifest } from '../engine';
import { reconcilerPorts } from '../reconcile/reconciler-ports';
import { reconcileOnce, type ReconcileOutcome } from '../reconcile/run-reconciler';
import type { TimedCoalescer } from '../runtime/coalesce/timed-coalescer';
import { readConnectionTarget } from '../warehouse/connection-config';
import { RedshiftDataWarehouse } from '../warehouse/redshift-data-warehouse';
import type { LocalFivetranApi } from './fivetran-api';

export interface LocalReconcilerOptions {
  manifest: () => Manifest;
  coalescer: TimedCoalescer;
  fivetranApi: LocalFivetranApi;
  eventBusName: string;
  topicArn: string;
}

/** Call after the local stack set the AWS_ENDPOINT_URL_* variables: the clients are built on the first call. */
export function localReconciler(options: LocalReconcilerOptions): (now?: number, settings?: { graceMs?: number }) => Promise<ReconcileOutcome> {
  let clients: { eventBridge: EventBridgeClient; sns: SNSClient; dms: DatabaseMigrationServiceClient; s3: S3Client; warehouse: RedshiftDataWarehouse } | undefined;
  return async (now = Date.now(), settings = {}) => {
    clients ??= {
      eventBridge: new EventBridgeClient({}), sns: new SNSClient({}), dms: new DatabaseMigrationServiceClient({}),
      s3: new S3Client({ forcePathStyle: true }), warehouse: new RedshiftDataWarehouse({ target: readConnectionTarget() }),
    };
    const manifest = options.manifest();
    const ports = reconcilerPorts({
      ...clients,
      eventBusName: options.eventBusName,
      topicArn: options.topicArn,
      project: manifest.projectName,
      lastArrivals: async () => options.coalescer.lastArrivals(),
      env: { FIVETRAN_API_KEY: 'local', FIVETRAN_API_SECRET: 'local', LANDFALL_FIVETRAN_API_URL: options.fivetranApi.url },
    });
    return reconcileOnce(manifest, ports, now, settings);
  };
}
