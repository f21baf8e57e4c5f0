/**
 * The statement slot ledger (statement-slots.ts) as one JSON object in the run-state bucket
 * (`LANDFALL_RUN_STATE_BUCKET`, key `statement-slots/ledger.json`), changed by compare-and-swap with S3 conditional
 * writes: PutObject with `If-Match: <ETag read>` fails with 412 Precondition Failed when the object changed, and
 * with 409 ConditionalRequestConflict when a concurrent write races it; the first write uses `If-None-Match: *`
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html). Reads are strongly consistent
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/Welcome.html#ConsistencyModel). The local S3 endpoint
 * enforces the same headers (src/local/aws/s3.ts). S3 rather than DynamoDB: AdvanceRun already has the S3 client,
 * so its bundle gains no SDK client.
 */
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { isConditionalWriteConflict, isObjectMissing } from '../aws/s3-errors';
import type { SlotLedger, SlotLedgerStore } from './statement-slots';

export const STATEMENT_SLOTS_KEY = 'statement-slots/ledger.json';

/**
 * @example
 * const store = new S3SlotLedgerStore(new S3Client({}), 'landfall-prod-run-state');
 */
export class S3SlotLedgerStore implements SlotLedgerStore {
  constructor(private readonly client: S3Client, private readonly bucket: string, private readonly key = STATEMENT_SLOTS_KEY) {}

  async read(): Promise<{ ledger: SlotLedger; version: string | null }> {
    try {
      const object = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.key }));
      const ledger = JSON.parse(await object.Body!.transformToString()) as SlotLedger;
      return { ledger: { holders: ledger.holders ?? {} }, version: object.ETag ?? null };
    } catch (error) {
      if (isObjectMissing(error)) return { ledger: { holders: {} }, version: null };
      throw error;
    }
  }

  async write(ledger: SlotLedger, version: string | null): Promise<boolean> {
    try {
      await this.client.send(new PutObjectCommand({
        Bucket: this.bucket, Key: this.key, Body: JSON.stringify(ledger), ContentType: 'application/json',
        ...(version === null ? { IfNoneMatch: '*' } : { IfMatch: version }),
      }));
      return true;
    } catch (error) {
      if (isConditionalWriteConflict(error)) return false;
      throw error;
    }
  }
}
