/**
 * Which models an arrival refreshes. A dbt source declares the loader that fills it in its `meta`:
 *
 *   sources:
 *     - name: app
 *       meta: { landfall: { fivetran: { connector_id: wetransfer_app_db } } }
 *
 * An arrival selects `source:<source>.<table>+` for every table routed to it: exactly the models
 * downstream of what landed, and their tests.
 */
import type { Manifest } from '../engine';
import type { DataArrivedDetail } from '../events/arrival';

export interface Route {
  sourceId: string;
  selector: string;
}

function landfallMeta(meta: Record<string, unknown>): Record<string, Record<string, unknown>> {
  const value = meta.landfall;
  return value && typeof value === 'object' ? (value as Record<string, Record<string, unknown>>) : {};
}

/**
 * A DMS route names its task by ARN (`task_arn`), by the identifier shown in the console or the ARN's resource id
 * (`task_id`: matched against the identifier the forwarder resolved with DescribeReplicationTasks, and the ARN's
 * last part), or a DMS Serverless replication by its config ARN (`replication_config_arn`).
 */
function dmsRouteMatches(route: Record<string, unknown> | undefined, connector: { taskArn: string; taskIdentifier?: string }): boolean {
  if (!route) return false;
  const { task_arn: taskArn, task_id: taskId, replication_config_arn: configArn } = route;
  if (typeof taskArn === 'string' && connector.taskArn === taskArn) return true;
  if (typeof configArn === 'string' && connector.taskArn === configArn) return true;
  if (typeof taskId === 'string' && (connector.taskIdentifier === taskId || connector.taskArn.endsWith(`:task:${taskId}`))) return true;
  return false;
}

/**
 * @example
 * routeArrival(manifest, { loader: 'fivetran', connector: { connectorId: 'wetransfer_app_db', ... }, ... })
 * // [{ sourceId: 'source.landfall_demo.app.users', selector: 'source:app.users+' }, ...]
 */
export function routeArrival(manifest: Manifest, arrival: DataArrivedDetail): Route[] {
  const routes: Route[] = [];
  for (const source of Object.values(manifest.sources)) {
    const meta = landfallMeta(source.meta);
    const matches = (() => {
      switch (arrival.loader) {
        case 'fivetran':
          return meta.fivetran?.connector_id === arrival.connector.connectorId;
        case 'dms':
          return dmsRouteMatches(meta.dms, arrival.connector);
        case 's3': {
          const route = meta.s3;
          return route?.bucket === arrival.connector.bucket && typeof route.prefix === 'string' && arrival.connector.key.startsWith(route.prefix);
        }
        default:
          return false;
      }
    })();
    if (matches) routes.push({ sourceId: source.uniqueId, selector: `source:${source.sourceName}.${source.name}+` });
  }
  return routes;
}
