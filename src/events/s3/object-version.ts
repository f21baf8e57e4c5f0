/**
 * What makes two deliveries of an S3 object the same object. Its own module so that the load steps (AdvanceRun)
 * use it without importing the S3 event schemas, and classic zod with them.
 */

/** What makes two deliveries the same object: its version id, else its ETag, else nothing (key only). */
export function objectVersionOf(object: { versionId?: string; etag?: string }): string {
  return object.versionId ?? object.etag ?? '';
}
