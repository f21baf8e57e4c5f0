/** LockRun task: take the per-model run locks of a planned (or redriven) run; RunLockedError is retried by the state machine. */
import { taskHandler } from '../src/runtime/lambda/middleware';
import { awsRunStates } from '../src/runtime/aws-run-states';
import { runLocksFromEnvironment } from '../src/runtime/run-locks-aws';
import { lockTransformRun } from '../src/runtime/lock-transform-run';
import type { TransformRunPayload } from '../src/runtime/transform-run';

export const handler = taskHandler(async (payload: TransformRunPayload) => lockTransformRun(payload, { runStates: awsRunStates(), locks: runLocksFromEnvironment() }));
