/**
 * One DynamoDB item kept with optimistic concurrency (the coalescer's lease, the incident book): it carries a
 * `version` number; a reader remembers the version it read and writes the next one only if the item still has it —
 * "If the condition expression evaluates to true, the operation succeeds; otherwise, the operation fails"
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ConditionExpressions.html). Version 0
 * means "no item yet": the first write is conditioned on `attribute_not_exists(pk)`.
 * The run locks are not kept this way: a lock is owned (the condition is on its owner), see run-locks-dynamodb.ts.
 */
import { ConditionalCheckFailedException, GetItemCommand, PutItemCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';

type Item = Record<string, AttributeValue>;

/** A conditional write refused because its condition was false (by class, or by name from another copy of the SDK). */
export function isConditionalCheckFailed(error: unknown): boolean {
  return error instanceof ConditionalCheckFailedException || (error as { name?: string } | null)?.name === 'ConditionalCheckFailedException';
}

/** The item under `pk` read strongly consistent, with its version (0 and no item when there is none). */
export async function readVersionedItem(client: DynamoDBClient, tableName: string, pk: string): Promise<{ item?: Item; version: number }> {
  const { Item } = await client.send(new GetItemCommand({ TableName: tableName, Key: { pk: { S: pk } }, ConsistentRead: true }));
  return Item?.version?.N ? { item: Item, version: Number(Item.version.N) } : { version: 0 };
}

/**
 * Writes `attributes` under `pk` as version `readVersion + 1` if the item is still at `readVersion`.
 *
 * @returns false when another writer got there first (read again and retry).
 */
export async function putVersionedItem(client: DynamoDBClient, tableName: string, pk: string, attributes: Item, readVersion: number): Promise<boolean> {
  try {
    await client.send(new PutItemCommand({
      TableName: tableName,
      Item: { ...attributes, pk: { S: pk }, version: { N: String(readVersion + 1) } },
      ...(readVersion === 0
        ? { ConditionExpression: 'attribute_not_exists(pk)' }
        : { ConditionExpression: '#version = :read', ExpressionAttributeNames: { '#version': 'version' }, ExpressionAttributeValues: { ':read': { N: String(readVersion) } } }),
    }));
    return true;
  } catch (error) {
    if (isConditionalCheckFailed(error)) return false;
    throw error;
  }
}
