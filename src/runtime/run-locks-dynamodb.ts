/**
 * The run locks in one DynamoDB table (partition key `pk`, TTL attribute `ttl`):
 *
 * - a lock: `{ pk: <unique id>, owner: <execution ARN>, ownerLabel, attempt: <redrive count>, acquiredAt, expiresAtMs, ttl }`;
 * - an owner record, in chunks of {@link OWNER_CHUNK} keys: `{ pk: "owner#<execution ARN>#<n>", keys: SS, ttl }`.
 *
 * Every change is a single-item conditional write: "If the condition expression evaluates to true, the operation
 * succeeds; otherwise, the operation fails" — a conditional put with `attribute_not_exists(pk)` never overwrites
 * an existing item (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ConditionExpressions.html).
 * Reads are strongly consistent. TTL only cleans up: "DynamoDB typically deletes expired items within a few
 * days" (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/howitworks-ttl.html), so an expired
 * lock is treated as free by reading `expiresAtMs`, never by waiting for its deletion.
 *
 * Not the versioned item of the lease and the incident book (src/aws/dynamodb-versioned-item.ts), on purpose: those
 * are one record that every writer rewrites whole (compare-and-set on a version); a lock is one item per model, taken
 * on its owner (free, mine, or expired and taken over from the owner read), with an expiry the caller judges.
 */
import { DeleteItemCommand, GetItemCommand, PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { isConditionalCheckFailed } from '../aws/dynamodb-versioned-item';
import type { HeldLock, LockOwner, RunLockStore } from './run-locks';

/** Keys per owner-record item: 1,000 unique ids of ~60 bytes stay far under the 400 KB item limit. */
export const OWNER_CHUNK = 1000;

const ownerPk = (owner: string, chunk: number) => `owner#${owner}#${chunk}`;

/**
 * @example
 * const store = new DynamoDbRunLockStore(new DynamoDBClient({}), process.env.LANDFALL_RUN_LOCK_TABLE!);
 */
export class DynamoDbRunLockStore implements RunLockStore {
  constructor(private readonly client: DynamoDBClient, private readonly tableName: string) {}

  async putIfFreeOrMine(lock: HeldLock): Promise<boolean> {
    return this.conditionalPut(lock, 'attribute_not_exists(pk) OR #owner = :owner', { ':owner': { S: lock.owner } });
  }

  async takeOver(lock: HeldLock, previousOwner: string): Promise<boolean> {
    return this.conditionalPut(lock, '#owner = :previous', { ':previous': { S: previousOwner } });
  }

  async read(key: string): Promise<HeldLock | undefined> {
    const { Item } = await this.client.send(new GetItemCommand({ TableName: this.tableName, Key: { pk: { S: key } }, ConsistentRead: true }));
    if (!Item?.owner?.S) return undefined;
    return {
      key,
      owner: Item.owner.S,
      ownerLabel: Item.ownerLabel?.S ?? Item.owner.S,
      attempt: Number(Item.attempt?.N ?? 0),
      acquiredAt: Number(Item.acquiredAt?.N ?? 0),
      expiresAt: Number(Item.expiresAtMs?.N ?? 0),
    };
  }

  async deleteIfOwner(key: string, owner: string, attempt?: number): Promise<void> {
    try {
      await this.client.send(new DeleteItemCommand({
        TableName: this.tableName,
        Key: { pk: { S: key } },
        ConditionExpression: attempt === undefined ? '#owner = :owner' : '#owner = :owner AND #attempt = :attempt',
        ExpressionAttributeNames: { '#owner': 'owner', ...(attempt !== undefined && { '#attempt': 'attempt' }) },
        ExpressionAttributeValues: { ':owner': { S: owner }, ...(attempt !== undefined && { ':attempt': { N: String(attempt) } }) },
      }));
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
    }
  }

  async recordOwnerKeys(owner: LockOwner, keys: readonly string[], expiresAt: number): Promise<void> {
    const chunks: string[][] = [];
    for (let at = 0; at < keys.length; at += OWNER_CHUNK) chunks.push(keys.slice(at, at + OWNER_CHUNK));
    await Promise.all(chunks.map((chunk, i) => this.client.send(new PutItemCommand({
      TableName: this.tableName,
      Item: { pk: { S: ownerPk(owner.id, i) }, keys: { SS: chunk }, ownerLabel: { S: owner.label }, ttl: { N: String(Math.ceil(expiresAt / 1000)) } },
    }))));
  }

  async ownerKeys(owner: string): Promise<string[]> {
    const keys: string[] = [];
    for (let chunk = 0; ; chunk++) {
      const { Item } = await this.client.send(new GetItemCommand({ TableName: this.tableName, Key: { pk: { S: ownerPk(owner, chunk) } }, ConsistentRead: true }));
      if (!Item?.keys?.SS) return keys;
      keys.push(...Item.keys.SS);
    }
  }

  async forgetOwner(owner: string): Promise<void> {
    for (let chunk = 0; ; chunk++) {
      const Key = { pk: { S: ownerPk(owner, chunk) } };
      const { Item } = await this.client.send(new GetItemCommand({ TableName: this.tableName, Key, ConsistentRead: true }));
      if (!Item) return;
      await this.client.send(new DeleteItemCommand({ TableName: this.tableName, Key }));
    }
  }

  private async conditionalPut(lock: HeldLock, condition: string, values: Record<string, { S: string }>): Promise<boolean> {
    try {
      await this.client.send(new PutItemCommand({
        TableName: this.tableName,
        Item: {
          pk: { S: lock.key },
          owner: { S: lock.owner },
          ownerLabel: { S: lock.ownerLabel },
          attempt: { N: String(lock.attempt) },
          acquiredAt: { N: String(lock.acquiredAt) },
          expiresAtMs: { N: String(lock.expiresAt) },
          ttl: { N: String(Math.ceil(lock.expiresAt / 1000)) },
        },
        ConditionExpression: condition,
        ExpressionAttributeNames: { '#owner': 'owner' },
        ExpressionAttributeValues: values,
      }));
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }
}
