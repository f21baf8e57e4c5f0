/**
 * What an S3 error from the AWS SDK means for a caller's next step, in one place. The SDK gives the error's `name`
 * (the S3 error code) and `$metadata.httpStatusCode`; either may be all a caller sees (a HEAD answer has no body,
 * so no code), so both are read.
 *
 * Conditional writes (https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html): a PutObject
 * with `If-Match: <ETag>` or `If-None-Match: *` fails with 412 Precondition Failed when the object changed (or
 * exists), and with 409 ConditionalRequestConflict when a concurrent write races it ("retry on 409"). The local S3
 * endpoint (src/local/aws/s3.ts) answers the same.
 */

interface SdkErrorShape {
  name?: string;
  $metadata?: { httpStatusCode?: number };
}

/**
 * A conditional write lost to another writer (412 PreconditionFailed or 409 ConditionalRequestConflict): read the
 * object again and retry.
 * @example
 * try { await s3.send(new PutObjectCommand({ ...put, IfMatch: etag })); } catch (error) { if (isConditionalWriteConflict(error)) retry(); else throw error; }
 */
export function isConditionalWriteConflict(error: unknown): boolean {
  const { name, $metadata } = (error ?? {}) as SdkErrorShape;
  const status = $metadata?.httpStatusCode;
  return name === 'PreconditionFailed' || name === 'ConditionalRequestConflict' || status === 412 || status === 409;
}

/**
 * No such object: GetObject's `NoSuchKey`, HeadObject's `NotFound` (a HEAD answer has no body, so no code), or any
 * other 404 except `NoSuchBucket`, which is a deployment error to surface, not an absent object.
 */
export function isObjectMissing(error: unknown): boolean {
  const { name, $metadata } = (error ?? {}) as SdkErrorShape;
  if (name === 'NoSuchBucket') return false;
  return name === 'NoSuchKey' || name === 'NotFound' || $metadata?.httpStatusCode === 404;
}
