/** The AWS adapter of {@link ObjectStore}: PutObject with the SDK's S3 client (needs `@aws-sdk/client-s3`). */
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { isObjectMissing } from '../aws/s3-errors';
import type { ObjectStore } from './object-store';

export class S3ObjectStore implements ObjectStore {
  constructor(private readonly client: S3Client = new S3Client({})) {}

  async putObject(bucket: string, key: string, body: string): Promise<void> {
    await this.client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: 'application/json' }));
  }

  /** A ranged GetObject (`bytes=0-<maxBytes-1>`); NoSuchKey → undefined. Needs s3:GetObject on the routed prefix. */
  async getObjectStart(bucket: string, key: string, maxBytes: number): Promise<Buffer | undefined> {
    try {
      const answer = await this.client.send(new GetObjectCommand({ Bucket: bucket, Key: key, Range: `bytes=0-${maxBytes - 1}` }));
      // subarray: an endpoint that ignores Range (the local one) still gives no more than asked.
      return answer.Body ? Buffer.from(await answer.Body.transformToByteArray()).subarray(0, maxBytes) : undefined;
    } catch (error) {
      if (isObjectMissing(error)) return undefined;
      throw error;
    }
  }
}

/**
 * The object store the functions use: S3 through the SDK (path-style when `LANDFALL_S3_FORCE_PATH_STYLE=true`,
 * as against the local S3 endpoint).
 */
export function objectStoreFromEnvironment(): S3ObjectStore {
  return new S3ObjectStore(new S3Client({ forcePathStyle: process.env.LANDFALL_S3_FORCE_PATH_STYLE === 'true' }));
}
