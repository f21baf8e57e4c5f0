/**
 * The console's task identifier (`ReplicationTaskIdentifier`) of a DMS task ARN. A DMS event names its task only by
 * ARN (`resources[0]`, whose last part is a random resource id), while people route a source by the identifier they
 * chose (`meta.landfall.dms.task_id: app-full-load`). The DMS forwarder resolves it with DescribeReplicationTasks
 * (filter `replication-task-arn`, https://docs.aws.amazon.com/dms/latest/APIReference/API_DescribeReplicationTasks.html)
 * and caches the answer for the container's life (an identifier of an ARN never changes; a renamed task keeps its
 * ARN and is re-read after `ttlMs`). The function needs `dms:DescribeReplicationTasks`.
 */
import { DatabaseMigrationServiceClient, DescribeReplicationTasksCommand } from '@aws-sdk/client-database-migration-service';

export interface DmsTaskIdentifiers {
  /** undefined when the ARN is not a task's (a Serverless config) or DMS knows no such task. */
  identifierOf(taskArn: string): Promise<string | undefined>;
}

/**
 * @example
 * const identifiers = new CachedDmsTaskIdentifiers(new DatabaseMigrationServiceClient({}));
 * await identifiers.identifierOf('arn:aws:dms:eu-west-1:123456789012:task:E2FDDWUKQ…'); // 'app-full-load'
 */
export class CachedDmsTaskIdentifiers implements DmsTaskIdentifiers {
  private readonly cache = new Map<string, { identifier: string | undefined; at: number }>();
  /** Lookups sent to DMS (tests check the cache with it). */
  lookups = 0;

  constructor(
    private readonly client: DatabaseMigrationServiceClient,
    private readonly ttlMs = 60 * 60 * 1000,
    private readonly now: () => number = Date.now,
  ) {}

  async identifierOf(taskArn: string): Promise<string | undefined> {
    if (!/^arn:[^:]+:dms:[^:]*:[^:]*:task:/.test(taskArn)) return undefined;
    const cached = this.cache.get(taskArn);
    if (cached && this.now() - cached.at < this.ttlMs) return cached.identifier;
    this.lookups += 1;
    let identifier: string | undefined;
    try {
      const answer = await this.client.send(new DescribeReplicationTasksCommand({
        Filters: [{ Name: 'replication-task-arn', Values: [taskArn] }],
        WithoutSettings: true,
      }));
      identifier = answer.ReplicationTasks?.find((task) => task.ReplicationTaskArn === taskArn)?.ReplicationTaskIdentifier;
    } catch (error) {
      // A deleted task: no identifier (the route by ARN still works). Anything else (throttling, access denied)
      // fails the invocation, so EventBridge retries and then dead-letters it — never a silently unrouted arrival.
      if ((error as { name?: string }).name !== 'ResourceNotFoundFault') throw error;
    }
    this.cache.set(taskArn, { identifier, at: this.now() });
    return identifier;
  }
}
