/**
 * LockRun: the per-model run locks (run-locks.ts) of a planned run, in a Task of their own between PlanRun (or a
 * redriven EndFailedRun) and the first AdvanceRun. It locks what the run will build — the nodes still pending: all
 * of them after PlanRun, the failed, skipped and unfinished ones after a redrive — for the attempt the run state was
 * planned for, and answers with the payload it was given. While a live execution holds one of those models it throws
 * RunLockedError, which the state machine retries. The first AdvanceRun then takes the catalog snapshot
 * (prepare-run.ts), after the locks, and submits.
 *
 * Its own Task so that only this function carries DynamoDB and Step Functions' DescribeExecution (~80 KiB of SDK
 * with their JSON protocol): PlanRun and EndFailedRun need neither (bench/RESULTS-lambda-bundles.md).
 */
import type { RunLocks } from './run-locks';
import type { RunStateStore } from './run-state-store';
import type { RunTrigger, TransformRunPayload } from './transform-run';

export interface LockRunDependencies {
  runStates: RunStateStore;
  /** None when the deployment has no lock table (run-locks-aws.ts warns once): nothing to take. */
  locks?: RunLocks;
}

/**
 * @example
 * await lockTransformRun(planRunOutput, { runStates, locks }); // the same payload, once the locks are held
 */
export async function lockTransformRun(payload: TransformRunPayload, deps: LockRunDependencies): Promise<TransformRunPayload> {
  if (!deps.locks || payload.done) return payload;
  const stored = await deps.runStates.read<RunTrigger>(payload.state);
  const toBuild = stored.run.nodes.filter((node) => node.status === 'pending');
  await deps.locks.acquireFor({ nodes: toBuild }, { ...stored.execution, redriveCount: stored.redriveCount });
  return payload;
}
