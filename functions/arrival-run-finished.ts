/**
 * Target of the `Step Functions Execution Status Change` rule for the transform state machine: releases the
 * coalescer's lease when the run ends and starts the follow-up run for arrivals buffered meanwhile.
 */
import { S3ObjectStore } from '../src/ingest/s3-object-store';
import { logger, taskHandler } from '../src/runtime/lambda/middleware';
import { awsCoalescerOptions } from '../src/runtime/coalesce/aws-coalescer';
import { releaseRun } from '../src/runtime/coalesce/lease-coalescer';

// Writes the COPY manifests of Firehose/S3 batches next to the delivered objects.
const objectStore = new S3ObjectStore();

export const handler = taskHandler(async (event: { detail: { name: string; status: string } }) => {
  const { started, expiredLease } = await releaseRun(event.detail.name, awsCoalescerOptions(objectStore));
  logger.info('run finished', { execution: event.detail.name, status: event.detail.status, followUp: started?.name, expiredLease });
  return { followUp: started?.name ?? null };
});
