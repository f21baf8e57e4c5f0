/**
 * Consumer of the arrivals FIFO queue and of the window-check queue: buffers Data Arrived events in the
 * DynamoDB lease, deduplicates them, and starts one transform execution per part of the DAG whose window closed (parts
 * that share a model never at once; docs/arrivals.md § 3c).
 * It runs no SQL: the S3 objects of a window are COPYed by load nodes of the execution it starts.
 */
import { logger, taskHandler } from '../src/runtime/lambda/middleware';
import { awsCoalescerOptions, coalesceSqsRecords, type SqsRecord } from '../src/runtime/coalesce/aws-coalescer';

export const handler = taskHandler(async (event: { Records: SqsRecord[] }) => {
  const { started, startedBatches, expiredLease, closedRun, batchItemFailures } = await coalesceSqsRecords(event.Records, awsCoalescerOptions());
  logger.info('coalesced', { records: event.Records.length, started: started?.name, arrivals: started?.arrivals.length, runsStarted: startedBatches?.length ?? 0, expiredLease, closedRun, rejected: batchItemFailures.length });
  return { batchItemFailures };
});
