/**
 * The lease record as one DynamoDB item: `{ pk: "lease", version: N, state: B }`, where `state` is the
 * gzipped JSON of the record (a burst of pending arrivals compresses well; an item is at most 400 KB).
 * Reads are strongly consistent; a write is a PutItem conditioned on the version that was read.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { ConditionalCheckFailedException, GetItemCommand, PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LeaseConflictError, normalizeLeaseRecord, type LeaseRecord, type LeaseStore, type VersionedLease } from './lease-store';

export const LEASE_ITEM_KEY = 'lease';

/**
 * @example
 * const store = new DynamoDbLeaseStore(new DynamoDBClient({}), process.env.LANDFALL_LEASE_TABLE!);
 */
export class DynamoDbLeaseStore implements LeaseStore {
  constructor(private readonly client: DynamoDBClient, private readonly tableName: string) {}

  async read(): Promise<VersionedLease> {
    const { Item } = await this.client.send(new GetItemCommand({ TableName: this.tableName, Key: { pk: { S: LEASE_ITEM_KEY } }, ConsistentRead: true }));
    if (!Item?.state?.B || !Item.version?.N) return { record: null, version: 0 };
    return { record: normalizeLeaseRecord(JSON.parse(gunzipSync(Item.state.B).toString('utf8')) as LeaseRecord), version: Number(Item.version.N) };
  }

  async write(record: LeaseRecord, expectedVersion: number): Promise<void> {
    try {
      await this.client.send(new PutItemCommand({
        TableName: this.tableName,
        Item: {
          pk: { S: LEASE_ITEM_KEY },
          version: { N: String(expectedVersion + 1) },
          state: { B: gzipSync(JSON.stringify(record)) },
        },
        ConditionExpression: expectedVersion === 0 ? 'attribute_not_exists(pk)' : '#version = :expected',
        ...(expectedVersion === 0 ? {} : { ExpressionAttributeNames: { '#version': 'version' }, ExpressionAttributeValues: { ':expected': { N: String(expectedVersion) } } }),
      }));
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw new LeaseConflictError(expectedVersion);
      throw error;
    }
  }
}
