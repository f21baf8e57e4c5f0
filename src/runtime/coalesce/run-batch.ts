/**
 * Starting a coalesced batch: load its S3 objects (one COPY per route), then start the transform
 * execution under the batch's idempotent name. Shared by the local stack and the AWS coalescer.
 */
import type { Manifest } from '../../engine';
import { loadS3Batch, type BatchLoadResult, type ObjectToLoad } from '../../ingest/load-s3-batch';
import type { ObjectStore } from '../../ingest/object-store';
import { s3RouteForObject, s3RoutesOf, type S3Route } from '../../ingest/s3-routes';
import type { Warehouse } from '../../warehouse/warehouse';
import type { CoalescedBatch } from './coalescer';

export interface BatchLoadDependencies {
  manifest: Manifest;
  warehouse: Warehouse;
  objectStore: ObjectStore;
  iamRole: string;
}

/**
 * Loads every S3 object of the batch, grouped by route: one COPY per route with a manifest of exactly those objects.
 *
 * @example
 * const loads = await loadBatchObjects(batch, { manifest, warehouse, objectStore, iamRole: 'default' });
 */
export async function loadBatchObjects(batch: CoalescedBatch, deps: BatchLoadDependencies): Promise<BatchLoadResult[]> {
  const routes = s3RoutesOf(deps.manifest);
  const byRoute = new Map<S3Route, ObjectToLoad[]>();
  for (const { detail } of batch.arrivals) {
    if (detail.loader !== 's3') continue;
    const route = s3RouteForObject(routes, detail.connector.bucket, detail.connector.key);
    if (route) byRoute.set(route, [...(byRoute.get(route) ?? []), detail.connector]);
  }
  const results: BatchLoadResult[] = [];
  for (const [route, objects] of byRoute) results.push(await loadS3Batch(route, objects, deps));
  return results;
}
