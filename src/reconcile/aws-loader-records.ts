/**
 * What DMS and S3 say they delivered, through the real SDK clients (the local stack's endpoints locally):
 * - DMS: DescribeReplicationTasks (filters `replication-task-arn` / `replication-task-id`) → `FullLoadFinishDate`;
 *   DescribeReplications (`replication-config-arn`) for Serverless. A task DMS no longer knows is skipped.
 * - S3: ListObjectsV2 under each routed prefix, objects modified in the last `lookbackMs` (older ones were reconciled
 *   by earlier runs), at most `maxKeys` per route.
 * Needs dms:DescribeReplicationTasks, dms:DescribeReplications and s3:ListBucket on the routed buckets.
 */
import { DatabaseMigrationServiceClient, DescribeReplicationTasksCommand, DescribeReplicationsCommand } from '@aws-sdk/client-database-migration-service';
import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import type { S3Route } from '../ingest/s3-routes';
import type { DmsTaskStatus, ListedObject } from './plan-reconciliation';
import type { DmsRouteRef } from './reconcile-routes';

const iso = (date: Date | undefined) => (date ? date.toISOString() : undefined);
const isNotFound = (error: unknown) => (error as { name?: string }).name === 'ResourceNotFoundFault';

export async function dmsTaskStatuses(client: DatabaseMigrationServiceClient, routes: readonly DmsRouteRef[]): Promise<DmsTaskStatus[]> {
  const statuses: DmsTaskStatus[] = [];
  for (const route of routes) {
    try {
      if (route.replicationConfigArn) {
        const answer = await client.send(new DescribeReplicationsCommand({ Filters: [{ Name: 'replication-config-arn', Values: [route.replicationConfigArn] }] }));
        const replication = answer.Replications?.[0];
        if (replication) {
          statuses.push({
            arn: route.replicationConfigArn,
            ...(replication.ReplicationStats?.FullLoadFinishDate && { fullLoadFinishedAt: iso(replication.ReplicationStats.FullLoadFinishDate) }),
            ...(route.expectedEveryMinutes && { expectedEveryMinutes: route.expectedEveryMinutes }),
          });
        }
        continue;
      }
      const filter = route.taskArn ? { Name: 'replication-task-arn', Values: [route.taskArn] } : { Name: 'replication-task-id', Values: [route.taskId!] };
      const answer = await client.send(new DescribeReplicationTasksCommand({ Filters: [filter], WithoutSettings: true }));
      const task = answer.ReplicationTasks?.[0];
      if (task?.ReplicationTaskArn) {
        statuses.push({
          arn: task.ReplicationTaskArn,
          ...(task.ReplicationTaskIdentifier && { taskIdentifier: task.ReplicationTaskIdentifier }),
          ...(task.ReplicationTaskStats?.FullLoadFinishDate && { fullLoadFinishedAt: iso(task.ReplicationTaskStats.FullLoadFinishDate) }),
          ...(route.expectedEveryMinutes && { expectedEveryMinutes: route.expectedEveryMinutes }),
        });
      }
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }
  return statuses;
}

export async function listRoutedObjects(client: S3Client, routes: readonly S3Route[], now: number, lookbackMs = 3 * 86_400_000, maxKeys = 5000): Promise<ListedObject[]> {
  const objects: ListedObject[] = [];
  for (const route of routes) {
    let token: string | undefined;
    let listed = 0;
    do {
      const page = await client.send(new ListObjectsV2Command({ Bucket: route.bucket, Prefix: route.prefix, ContinuationToken: token, MaxKeys: 1000 }));
      for (const object of page.Contents ?? []) {
        listed++;
        if (!object.Key || !object.LastModified || now - object.LastModified.getTime() > lookbackMs) continue;
        objects.push({
          bucket: route.bucket, key: object.Key, lastModified: object.LastModified.toISOString(),
          // ListObjectsV2 quotes the ETag; the Object Created event does not: one identity for both.
          ...(object.ETag && { etag: object.ETag.replace(/^"|"$/g, '') }),
          ...(object.Size !== undefined && { size: object.Size }),
        });
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token && listed < maxKeys);
  }
  return objects;
}
