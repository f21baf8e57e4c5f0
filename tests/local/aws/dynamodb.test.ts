import { ConditionalCheckFailedException, DynamoDBClient, GetItemCommand, PutItemCommand, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { evaluateCondition, LocalDynamoDb, startLocalDynamoDb } from '../../../src/local/aws/dynamodb';
import { clientConfig } from './support';

describe('local DynamoDB endpoint', () => {
  let server: Awaited<ReturnType<typeof startLocalDynamoDb>>;
  let client: DynamoDBClient;
  beforeAll(async () => {
    server = await startLocalDynamoDb(new LocalDynamoDb({ tables: { leases: { partitionKey: 'pk' } } }));
    client = new DynamoDBClient(clientConfig(server.url));
  });
  afterAll(async () => {
    client.destroy();
    await server.close();
  });

  it('stores an item and returns it, binary attributes included', async () => {
    await client.send(new PutItemCommand({ TableName: 'leases', Item: { pk: { S: 'a' }, n: { N: '1' }, b: { B: Buffer.from([0, 1, 255]) } } }));
    const { Item } = await client.send(new GetItemCommand({ TableName: 'leases', Key: { pk: { S: 'a' } }, ConsistentRead: true }));
    expect(Item?.n).toEqual({ N: '1' });
    expect(Buffer.from(Item!.b!.B!)).toEqual(Buffer.from([0, 1, 255]));
  });

  it('returns no item for a missing key', async () => {
    expect((await client.send(new GetItemCommand({ TableName: 'leases', Key: { pk: { S: 'missing' } } }))).Item).toBeUndefined();
  });

  it('refuses a conditional put whose condition does not hold, with the SDK exception class', async () => {
    const put = (condition: string, version: string) => client.send(new PutItemCommand({
      TableName: 'leases', Item: { pk: { S: 'c' }, v: { N: version } }, ConditionExpression: condition,
      ...(condition.includes(':v') ? { ExpressionAttributeNames: { '#v': 'v' }, ExpressionAttributeValues: { ':v': { N: String(Number(version) - 1) } } } : {}),
    }));
    await put('attribute_not_exists(pk)', '1');
    await expect(put('attribute_not_exists(pk)', '1')).rejects.toBeInstanceOf(ConditionalCheckFailedException);
    await put('#v = :v', '2');
    await expect(put('#v = :v', '2')).rejects.toBeInstanceOf(ConditionalCheckFailedException);
    expect((await client.send(new GetItemCommand({ TableName: 'leases', Key: { pk: { S: 'c' } } }))).Item?.v).toEqual({ N: '2' });
  });

  it('answers ResourceNotFoundException for an unknown table', async () => {
    await expect(client.send(new GetItemCommand({ TableName: 'nope', Key: { pk: { S: 'a' } } }))).rejects.toBeInstanceOf(ResourceNotFoundException);
  });
});

describe('evaluateCondition', () => {
  const item = { pk: { S: 'x' }, v: { N: '3' } };
  it('combines comparisons with AND before OR', () => {
    expect(evaluateCondition('attribute_not_exists(pk) OR v = :three', item, {}, { ':three': { N: '3.0' } })).toBe(true);
    expect(evaluateCondition('attribute_exists(pk) AND v = :two', item, {}, { ':two': { N: '2' } })).toBe(false);
    expect(evaluateCondition('attribute_not_exists(pk)', undefined, {}, {})).toBe(true);
  });

  it('refuses what it does not support rather than guessing', () => {
    expect(() => evaluateCondition('v > :two', item, {}, { ':two': { N: '2' } })).toThrow(/unsupported condition/);
    expect(() => evaluateCondition('#missing = :two', item, {}, { ':two': { N: '2' } })).toThrow(/#missing/);
  });
});
