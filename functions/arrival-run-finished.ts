/**
 * Target of the `Step Functions Execution Status Change` rule for the transform state machine (every execution,
 * whatever started it): releases the execution's run locks, then the coalescer's lease when it was the arrival
 * run, and starts the follow-up run for arrivals buffered meanwhile. The event is best effort; a lost one is
 * repaired by DescribeExecution (run-locks.ts, lease-coalescer.ts).
 */
import { logger, taskHandler } from '../src/runtime/lambda/middleware';
import { awsCoalescerOptions } from '../src/runtime/coalesce/aws-coalescer';
import { releaseRun } from '../src/runtime/coalesce/lease-coalescer';
import { runLocksFromEnvironment } from '../src/runtime/run-locks-aws';

export const handler = taskHandler(async (event: { detail: { executionArn: string; name: string; status: string } }) => {
  const releasedLocks = (await runLocksFromEnvironment()?.releaseFor(event.detail.executionArn)) ?? [];
  const { started, expiredLease, closedRun } = await releaseRun(event.detail.name, awsCoalescerOptions());
  logger.info('run finished', { execution: event.detail.name, status: event.detail.status, releasedLocks: releasedLocks.length, followUp: started?.name, expiredLease, closedRun });
  return { followUp: started?.name ?? null, releasedLocks: releasedLocks.length };
});
