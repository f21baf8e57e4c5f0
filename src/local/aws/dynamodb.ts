/**
 * A local DynamoDB endpoint (AWS JSON 1.0, `X-Amz-Target: DynamoDB_20120810.<Operation>`) with just what
 * the coalescer's lease and the run locks need: GetItem, and PutItem/DeleteItem with a ConditionExpression. Conditions support
 * `attribute_exists(p)`, `attribute_not_exists(p)`, `p = q` (names, `#name` placeholders or `:value`
 * placeholders), combined with AND / OR (AND binds tighter); anything else is a ValidationException,
 * so a caller that needs more fails loudly instead of being answered wrongly.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LocalAwsError, UnknownOperationError } from './errors';
import { type JsonProtocol, readRequestBody, sendJsonError, sendJsonResult } from './wire';

/** An attribute value on the wire: `{ "S": "x" }`, `{ "N": "1" }`, `{ "B": "<base64>" }`, … */
export type AttributeValue = Record<string, unknown>;
export type Item = Record<string, AttributeValue>;

const DYNAMODB_PROTOCOL: JsonProtocol = { version: '1.0', errorNamespace: 'com.amazonaws.dynamodb.v20120810' };
const TARGET_PREFIX = 'DynamoDB_20120810.';

export class ConditionalCheckFailedError extends LocalAwsError {
  constructor() {
    super('ConditionalCheckFailedException', 'The conditional request failed');
    this.name = 'ConditionalCheckFailedError';
  }
}

export class DynamoDbValidationError extends LocalAwsError {
  constructor(message: string) {
    super('ValidationException', message);
    this.name = 'DynamoDbValidationError';
  }
}

interface PutItemInput {
  TableName: string;
  Item: Item;
  ConditionExpression?: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Record<string, AttributeValue>;
}

/**
 * @example
 * const db = new LocalDynamoDb({ tables: { 'landfall-lease': { partitionKey: 'pk' } } });
 * const server = await startLocalDynamoDb(db); // AWS_ENDPOINT_URL_DYNAMODB = server.url
 */
export class LocalDynamoDb {
  private readonly items = new Map<string, Map<string, Item>>();

  constructor(private readonly options: { tables: Record<string, { partitionKey: string }> }) {
    for (const name of Object.keys(options.tables)) this.items.set(name, new Map());
  }

  async getItem(input: { TableName: string; Key: Item }): Promise<{ Item?: Item }> {
    const item = this.table(input.TableName).get(this.keyOf(input.TableName, input.Key));
    return item ? { Item: structuredClone(item) } : {};
  }

  async putItem(input: PutItemInput): Promise<Record<string, never>> {
    const table = this.table(input.TableName);
    const key = this.keyOf(input.TableName, input.Item);
    if (input.ConditionExpression !== undefined) {
      const holds = evaluateCondition(input.ConditionExpression, table.get(key), input.ExpressionAttributeNames ?? {}, input.ExpressionAttributeValues ?? {});
      if (!holds) throw new ConditionalCheckFailedError();
    }
    table.set(key, structuredClone(input.Item));
    return {};
  }

  async deleteItem(input: Omit<PutItemInput, 'Item'> & { Key: Item }): Promise<Record<string, never>> {
    const table = this.table(input.TableName);
    const key = this.keyOf(input.TableName, input.Key);
    if (input.ConditionExpression !== undefined) {
      const holds = evaluateCondition(input.ConditionExpression, table.get(key), input.ExpressionAttributeNames ?? {}, input.ExpressionAttributeValues ?? {});
      if (!holds) throw new ConditionalCheckFailedError();
    }
    table.delete(key);
    return {};
  }

  /** Answers one HTTP request (mountable in `startLocalCloud`'s `extraRoutes` under `DynamoDB_20120810.`). */
  async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    try {
      const target = String(request.headers['x-amz-target'] ?? '');
      const body = JSON.parse((await readRequestBody(request)) || '{}');
      const operation = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : target;
      if (operation === 'GetItem') return sendJsonResult(response, DYNAMODB_PROTOCOL, await this.getItem(body));
      if (operation === 'PutItem') return sendJsonResult(response, DYNAMODB_PROTOCOL, await this.putItem(body));
      if (operation === 'DeleteItem') return sendJsonResult(response, DYNAMODB_PROTOCOL, await this.deleteItem(body));
      throw new UnknownOperationError(operation);
    } catch (error) {
      sendJsonError(response, DYNAMODB_PROTOCOL, error);
    }
  }

  private table(name: string): Map<string, Item> {
    const table = this.items.get(name);
    if (!table) throw new LocalAwsError('ResourceNotFoundException', `Requested resource not found: Table: ${name} not found`);
    return table;
  }

  private keyOf(tableName: string, item: Item): string {
    const attribute = this.options.tables[tableName]!.partitionKey;
    const value = item[attribute];
    if (!value) throw new DynamoDbValidationError(`One of the required keys was not given a value: ${attribute}`);
    return JSON.stringify(value);
  }
}

/** Starts `db` on its own port on 127.0.0.1. */
export async function startLocalDynamoDb(db: LocalDynamoDb, port = 0): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer((request, response) => void db.handle(request, response));
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
  const { port: actual } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${actual}`,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

function sameValue(a: AttributeValue | undefined, b: AttributeValue | undefined): boolean {
  if (!a || !b) return false;
  if ('N' in a && 'N' in b) return Number(a.N) === Number(b.N);
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Evaluates the supported subset of DynamoDB condition expressions against the current item (undefined: none).
 *
 * @example
 * evaluateCondition('#v = :v', { v: { N: '2' } }, { '#v': 'v' }, { ':v': { N: '2' } }); // true
 */
export function evaluateCondition(expression: string, item: Item | undefined, names: Record<string, string>, values: Record<string, AttributeValue>): boolean {
  const attributeName = (token: string): string => {
    if (!token.startsWith('#')) {
      if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(token)) throw new DynamoDbValidationError(`Invalid ConditionExpression: unsupported operand '${token}'`);
      return token;
    }
    const name = names[token];
    if (name === undefined) throw new DynamoDbValidationError(`Value provided in ExpressionAttributeNames unused or undefined: ${token}`);
    return name;
  };
  const operand = (token: string): AttributeValue | undefined => {
    if (!token.startsWith(':')) return item?.[attributeName(token)];
    const value = values[token];
    if (value === undefined) throw new DynamoDbValidationError(`An expression attribute value used in expression is not defined: ${token}`);
    return value;
  };
  const comparison = (text: string): boolean => {
    const fn = /^(attribute_exists|attribute_not_exists)\(\s*([#A-Za-z0-9_]+)\s*\)$/.exec(text);
    if (fn) {
      const present = item !== undefined && item[attributeName(fn[2]!)] !== undefined;
      return fn[1] === 'attribute_exists' ? present : !present;
    }
    const equals = /^([#:A-Za-z0-9_]+)\s*=\s*([#:A-Za-z0-9_]+)$/.exec(text);
    if (equals) return sameValue(operand(equals[1]!), operand(equals[2]!));
    throw new DynamoDbValidationError(`Invalid ConditionExpression: unsupported condition '${text}'`);
  };
  return expression
    .split(/\s+OR\s+/i)
    .some((conjunction) => conjunction.split(/\s+AND\s+/i).every((part) => comparison(part.trim())));
}
