/** The AWS adapter of {@link ObjectStore}: PutObject with the SDK's S3 client (needs `@aws-sdk/client-s3`). */
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { ObjectStore } from './object-store';

export class S3ObjectStore implements ObjectStore {
  constructor(private readonly client: S3Client = new S3Client({})) {}

  async putObject(bucket: string, key: string, body: string): Promise<void> {
    await this.client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: 'application/json' }));
  }
}

/**
 * The object store the functions use: S3 through the SDK (path-style when `LANDFALL_S3_FORCE_PATH_STYLE=true`,
 * as against the local S3 endpoint).
 */
export function objectStoreFromEnvironment(): S3ObjectStore {
  return new S3ObjectStore(new S3Client({ forcePathStyle: process.env.LANDFALL_S3_FORCE_PATH_STYLE === 'true' }));
}
