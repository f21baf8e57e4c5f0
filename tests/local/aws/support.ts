/** Shared set-up for the local AWS endpoint tests: a temporary state folder and SDK client settings. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { LocalDynamoDb, startLocalDynamoDb } from '../../../src/local/aws/dynamodb';
import { startLocalCloud } from '../../../src/local/aws/local-cloud';
import { LocalS3 } from '../../../src/local/aws/s3';

/** Dummy credentials and region: the local endpoints accept any signature. */
export function clientConfig(endpoint: string) {
  return {
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  };
}

export function makeStateDir(): { stateDir: string; remove: () => void } {
  const stateDir = mkdtempSync(join(tmpdir(), 'landfall-local-aws-'));
  return { stateDir, remove: () => rmSync(stateDir, { recursive: true, force: true }) };
}

export interface StartedLocalS3 {
  /** The production SDK client, pointed at the endpoint (path-style). */
  client: S3Client;
  url: string;
  /** The temporary folder; objects are files under `<stateDir>/s3/<bucket>/<key>`. */
  stateDir: string;
  /** Stops the endpoint and removes the folder. */
  close: () => Promise<void>;
}

/** A local S3 endpoint with these buckets in a temporary folder, and an S3Client to it. */
export async function startLocalS3(buckets: readonly string[]): Promise<StartedLocalS3> {
  const { stateDir, remove } = makeStateDir();
  const s3 = new LocalS3(join(stateDir, 's3'));
  for (const bucket of buckets) s3.createBucket(bucket);
  const cloud = await startLocalCloud({ s3 });
  const client = new S3Client({ ...clientConfig(cloud.url), forcePathStyle: true });
  return {
    client,
    url: cloud.url,
    stateDir,
    close: async () => {
      client.destroy();
      await cloud.close();
      remove();
    },
  };
}

/** A local DynamoDB endpoint with these tables (partition key `pk`), and a DynamoDBClient to it; `close` stops both. */
export async function startLocalDynamoDbClient(tables: readonly string[]): Promise<{ client: DynamoDBClient; close: () => Promise<void> }> {
  const server = await startLocalDynamoDb(new LocalDynamoDb({ tables: Object.fromEntries(tables.map((name) => [name, { partitionKey: 'pk' }])) }));
  const client = new DynamoDBClient(clientConfig(server.url));
  return { client, close: async () => { client.destroy(); await server.close(); } };
}

/** A promise with its resolve function, to hold a task open until the test releases it. */
export function gate(): { opened: Promise<void>; open: () => void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}
