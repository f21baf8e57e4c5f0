/**
 * The S3 error predicates, on the SDK's own exception class and on the errors the local S3 endpoint returns
 * through the real S3Client.
 */
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { isConditionalWriteConflict, isObjectMissing } from '../../src/aws/s3-errors';
import { type StartedLocalS3, startLocalS3 } from '../local/aws/support';

function sdkError(name: string, httpStatusCode: number): S3ServiceException {
  return new S3ServiceException({ name, $fault: 'client', $metadata: { httpStatusCode } });
}

describe('isConditionalWriteConflict', () => {
  it('is true for 412 PreconditionFailed and 409 ConditionalRequestConflict, by code or by status alone', () => {
    expect(isConditionalWriteConflict(sdkError('PreconditionFailed', 412))).toBe(true);
    expect(isConditionalWriteConflict(sdkError('ConditionalRequestConflict', 409))).toBe(true);
    expect(isConditionalWriteConflict(sdkError('Unknown', 412))).toBe(true);
    expect(isConditionalWriteConflict(sdkError('Unknown', 409))).toBe(true);
  });

  it('is false for other errors, a missing object, and non-errors', () => {
    expect(isConditionalWriteConflict(sdkError('AccessDenied', 403))).toBe(false);
    expect(isConditionalWriteConflict(sdkError('NoSuchKey', 404))).toBe(false);
    expect(isConditionalWriteConflict(new Error('socket hang up'))).toBe(false);
    expect(isConditionalWriteConflict(undefined)).toBe(false);
  });
});

describe('isObjectMissing', () => {
  it('is true for NoSuchKey, NotFound and a bare 404', () => {
    expect(isObjectMissing(sdkError('NoSuchKey', 404))).toBe(true);
    expect(isObjectMissing(sdkError('NotFound', 404))).toBe(true);
    expect(isObjectMissing(sdkError('Unknown', 404))).toBe(true);
  });

  it('is false for a missing bucket, a conflict, access denied and non-errors', () => {
    expect(isObjectMissing(sdkError('NoSuchBucket', 404))).toBe(false);
    expect(isObjectMissing(sdkError('PreconditionFailed', 412))).toBe(false);
    expect(isObjectMissing(sdkError('AccessDenied', 403))).toBe(false);
    expect(isObjectMissing(null)).toBe(false);
  });
});

describe('on the errors the S3 client raises (local S3 endpoint)', () => {
  let local: StartedLocalS3;
  let s3: S3Client;

  beforeAll(async () => {
    local = await startLocalS3(['run-state']);
    s3 = local.client;
  });

  afterAll(() => local.close());

  async function errorOf(send: () => Promise<unknown>): Promise<unknown> {
    try {
      await send();
    } catch (error) {
      return error;
    }
    throw new Error('expected the call to fail');
  }

  it('a stale If-Match and an If-None-Match on an existing object are conflicts, not missing objects', async () => {
    const put = await s3.send(new PutObjectCommand({ Bucket: 'run-state', Key: 'ledger.json', Body: '{}' }));
    await s3.send(new PutObjectCommand({ Bucket: 'run-state', Key: 'ledger.json', Body: '{"a":1}', IfMatch: put.ETag }));
    const stale = await errorOf(() => s3.send(new PutObjectCommand({ Bucket: 'run-state', Key: 'ledger.json', Body: '{"b":2}', IfMatch: put.ETag })));
    const exists = await errorOf(() => s3.send(new PutObjectCommand({ Bucket: 'run-state', Key: 'ledger.json', Body: '{}', IfNoneMatch: '*' })));
    for (const error of [stale, exists]) {
      expect(isConditionalWriteConflict(error)).toBe(true);
      expect(isObjectMissing(error)).toBe(false);
    }
  });

  it('a GetObject in a bucket that does not exist is not a missing object', async () => {
    const error = await errorOf(() => s3.send(new GetObjectCommand({ Bucket: 'no-such-bucket', Key: 'a.json' })));
    expect(isObjectMissing(error)).toBe(false);
  });

  it('GetObject and HeadObject of an absent key are missing objects, not conflicts', async () => {
    const get = await errorOf(() => s3.send(new GetObjectCommand({ Bucket: 'run-state', Key: 'absent.json' })));
    const head = await errorOf(() => s3.send(new HeadObjectCommand({ Bucket: 'run-state', Key: 'absent.json' })));
    for (const error of [get, head]) {
      expect(isObjectMissing(error)).toBe(true);
      expect(isConditionalWriteConflict(error)).toBe(false);
    }
  });
});
