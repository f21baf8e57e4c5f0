/** The versioned item (lease, incident book) on the local DynamoDB endpoint: first write, compare-and-set, conflicts. */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { isConditionalCheckFailed, putVersionedItem, readVersionedItem } from '../../src/aws/dynamodb-versioned-item';
import { startLocalDynamoDbClient } from '../local/aws/support';

describe('putVersionedItem / readVersionedItem', () => {
  let client: DynamoDBClient;
  let close: () => Promise<void>;
  beforeAll(async () => ({ client, close } = await startLocalDynamoDbClient(['items'])));
  afterAll(() => close());

  it('reads a missing item as version 0, and writes it once from version 0', async () => {
    expect(await readVersionedItem(client, 'items', 'a')).toEqual({ version: 0 });
    expect(await putVersionedItem(client, 'items', 'a', { body: { S: 'first' } }, 0)).toBe(true);
    expect(await putVersionedItem(client, 'items', 'a', { body: { S: 'second writer' } }, 0)).toBe(false);
    const read = await readVersionedItem(client, 'items', 'a');
    expect(read.version).toBe(1);
    expect(read.item?.body).toEqual({ S: 'first' });
  });

  it('writes version n+1 only over version n, and refuses a stale or future version', async () => {
    expect(await putVersionedItem(client, 'items', 'b', { body: { S: 'v1' } }, 0)).toBe(true);
    expect(await putVersionedItem(client, 'items', 'b', { body: { S: 'v2' } }, 1)).toBe(true);
    expect(await putVersionedItem(client, 'items', 'b', { body: { S: 'stale' } }, 1)).toBe(false);
    expect(await putVersionedItem(client, 'items', 'b', { body: { S: 'future' } }, 5)).toBe(false);
    expect(await readVersionedItem(client, 'items', 'b')).toEqual({ item: { pk: { S: 'b' }, version: { N: '2' }, body: { S: 'v2' } }, version: 2 });
  });

  it('keeps the key and version its own: attributes cannot overwrite them', async () => {
    expect(await putVersionedItem(client, 'items', 'c', { pk: { S: 'other' }, version: { N: '99' } }, 0)).toBe(true);
    expect(await readVersionedItem(client, 'items', 'c')).toMatchObject({ version: 1 });
    expect(await readVersionedItem(client, 'items', 'other')).toEqual({ version: 0 });
  });

  it('throws any other error (a missing table), and tells a refused condition by class or by name', async () => {
    await expect(putVersionedItem(client, 'no-such-table', 'a', {}, 0)).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    expect(isConditionalCheckFailed(Object.assign(new Error('x'), { name: 'ConditionalCheckFailedException' }))).toBe(true);
    expect(isConditionalCheckFailed(new Error('ConditionalCheckFailedException'))).toBe(false);
    expect(isConditionalCheckFailed(null)).toBe(false);
  });
});
