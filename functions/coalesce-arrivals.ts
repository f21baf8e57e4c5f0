/**
 * Consumer of the arrivals FIFO queue and of the window-check queue: buffers Data Arrived events in the
 * DynamoDB lease, deduplicates them, and starts one transform execution per closed window (never two at once).
 */
import { S3ObjectStore } from '../src/ingest/s3-object-store';
import { logger, taskHandler } from '../src/runtime/lambda/middleware';
import { awsCoalescerOptions, coalesceSqsRecords, type SqsRecord } from '../src/runtime/coalesce/aws-coalescer';

// Writes the COPY manifests of Firehose/S3 batches next to the delivered objects.
const objectStore = new S3ObjectStore();

export const handler = taskHandler(async (event: { Records: SqsRecord[] }) => {
  const { started, expiredLease, batchItemFailures } = await coalesceSqsRecords(event.Records, awsCoalescerOptions(objectStore));
  logger.info('coalesced', { records: event.Records.length, started: started?.name, arrivals: started?.arrivals.length, expiredLease, rejected: batchItemFailures.length });
  return { batchItemFailures };
});
