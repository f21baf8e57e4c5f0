/**
 * Objects under a routed prefix that are not data to COPY, and why. Checked before an S3 arrival is put on the bus
 * (functions/s3-object-created.ts) and by the reconciler when it lists a prefix, so neither starts a load of them:
 * - Firehose's error output: records Firehose could not process, convert or deliver are written under
 *   `!{firehose:error-output-type}/…` (or the stream's ErrorOutputPrefix), one JSON document per failed record
 *   with `rawData` — not rows of the table (https://docs.aws.amazon.com/firehose/latest/dev/s3-prefixes.html,
 *   https://docs.aws.amazon.com/firehose/latest/dev/record-format-conversion-error-handling.html). A path segment
 *   equal to one of the error output types marks them, wherever the stream's error prefix puts it.
 * - Zero-byte objects: the console's "Create folder" writes a zero-byte `key/`, tools write `_SUCCESS` or
 *   `…_$folder$` markers; a COPY of an empty file loads nothing and, in a manifest with `mandatory`, fails locally.
 */
export const FIREHOSE_ERROR_OUTPUT_TYPES = [
  'processing-failed',
  'format-conversion-failed',
  'splunk-failed',
  'elasticsearch-failed',
  'AmazonOpenSearchService-failed',
  'AmazonOpenSearchServerless-failed',
  'http-endpoint-failed',
] as const;

const MARKER_NAMES = new Set(['_SUCCESS', '_started', '_committed']);

/**
 * @returns why the object is not loaded, or undefined when it is data
 * @example
 * skippedObjectReason('firehose/product_events/processing-failed/2026/12/05/x', 512); // 'Firehose error output (processing-failed/)'
 * skippedObjectReason('firehose/product_events/2026/12/05/', 0); // 'zero-byte object (folder or marker)'
 */
export function skippedObjectReason(key: string, size: number | undefined): string | undefined {
  const segments = key.split('/');
  const errorType = FIREHOSE_ERROR_OUTPUT_TYPES.find((type) => segments.slice(0, -1).includes(type));
  if (errorType) return `Firehose error output (${errorType}/)`;
  if (key.endsWith('/')) return 'folder placeholder (key ends with /)';
  const name = segments[segments.length - 1]!;
  if (name.endsWith('_$folder$') || MARKER_NAMES.has(name)) return `marker object (${name})`;
  if (size === 0) return 'zero-byte object (folder or marker)';
  return undefined;
}
