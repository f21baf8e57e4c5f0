/**
 * The lease record as one DynamoDB item: `{ pk: "lease", version: N, state: B }`, where `state` is the
 * gzipped JSON of the record (a burst of pending arrivals compresses well; an item is at most 400 KB).
 * Reads are strongly consistent; a write is a PutItem conditioned on the version that was read
 * (src/aws/dynamodb-versioned-item.ts).
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { putVersionedItem, readVersionedItem } from '../../aws/dynamodb-versioned-item';
import { LeaseConflictError, normalizeLeaseRecord, type LeaseRecord, type LeaseStore, type VersionedLease } from './lease-store';

export const LEASE_ITEM_KEY = 'lease';

/**
 * @example
 * const store = new DynamoDbLeaseStore(new DynamoDBClient({}), process.env.LANDFALL_LEASE_TABLE!);
 */
export class DynamoDbLeaseStore implements LeaseStore {
  constructor(private readonly client: DynamoDBClient, private readonly tableName: string) {}

  async read(): Promise<VersionedLease> {
    const { item, version } = await readVersionedItem(this.client, this.tableName, LEASE_ITEM_KEY);
    if (!item?.state?.B) return { record: null, version };
    return { record: normalizeLeaseRecord(JSON.parse(gunzipSync(item.state.B).toString('utf8')) as LeaseRecord), version };
  }

  async write(record: LeaseRecord, expectedVersion: number): Promise<void> {
    const written = await putVersionedItem(this.client, this.tableName, LEASE_ITEM_KEY, { state: { B: gzipSync(JSON.stringify(record)) } }, expectedVersion);
    if (!written) throw new LeaseConflictError(expectedVersion);
  }
}
