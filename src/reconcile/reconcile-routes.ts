/**
 * What the reconciler watches, read from the compiled project's source routes (`meta.landfall`): Fivetran connector
 * ids, DMS tasks (by ARN or console identifier) and Serverless replication configs, and the S3 routes.
 */
import type { Manifest } from '../engine';
import { s3RoutesOf, type S3Route } from '../ingest/s3-routes';

export interface DmsRouteRef {
  taskArn?: string;
  taskId?: string;
  replicationConfigArn?: string;
  /** `meta.landfall.dms.expected_every_minutes`: how often a full load is expected (silence alert). */
  expectedEveryMinutes?: number;
}

export interface ReconcileRoutes {
  fivetranConnectorIds: string[];
  dms: DmsRouteRef[];
  s3: S3Route[];
}

export function reconcileRoutesOf(manifest: Manifest): ReconcileRoutes {
  const fivetran = new Set<string>();
  const dms = new Map<string, DmsRouteRef>();
  for (const source of Object.values(manifest.sources)) {
    const landfall = (source.meta as { landfall?: { fivetran?: { connector_id?: unknown }; dms?: Record<string, unknown> } }).landfall;
    const connectorId = landfall?.fivetran?.connector_id;
    if (typeof connectorId === 'string' && connectorId) fivetran.add(connectorId);
    const route = landfall?.dms;
    if (route && typeof route === 'object' && route.schedule === undefined) {
      const ref: DmsRouteRef = {
        ...(typeof route.task_arn === 'string' && { taskArn: route.task_arn }),
        ...(typeof route.task_id === 'string' && { taskId: route.task_id }),
        ...(typeof route.replication_config_arn === 'string' && { replicationConfigArn: route.replication_config_arn }),
        ...(typeof route.expected_every_minutes === 'number' && { expectedEveryMinutes: route.expected_every_minutes }),
      };
      const key = ref.taskArn ?? ref.taskId ?? ref.replicationConfigArn;
      if (key) dms.set(key, ref);
    }
  }
  return { fivetranConnectorIds: [...fivetran].sort(), dms: [...dms.values()], s3: s3RoutesOf(manifest) };
}
