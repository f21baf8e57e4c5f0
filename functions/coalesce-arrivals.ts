/**
 * Consumer of the arrivals FIFO queue and of the window-check queue: buffers Data Arrived events in the
 * DynamoDB lease, deduplicates them, and starts one transform execution per closed window (never two at once).
 */
import { logger, taskHandler } from '../src/runtime/lambda/middleware';
import { awsCoalescerOptions, coalesceSqsRecords, type SqsRecord } from '../src/runtime/coalesce/aws-coalescer';

export const handler = taskHandler(async (event: { Records: SqsRecord[] }) => {
  const { started, expiredLease, batchItemFailures } = await coalesceSqsRecords(event.Records, awsCoalescerOptions());
  logger.info('coalesced', { records: event.Records.length, started: started?.name, arrivals: started?.arrivals.length, expiredLease, rejected: batchItemFailures.length });
  return { batchItemFailures };
});
