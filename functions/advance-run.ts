/** AdvanceRun task: one step of the scheduler loop. */
import { taskHandler } from '../src/runtime/lambda/middleware';
import { awsDependencies } from '../src/runtime/aws-dependencies';
import { advanceTransformRun, type TransformRunPayload } from '../src/runtime/transform-run';

export const handler = taskHandler(async (payload: TransformRunPayload) => advanceTransformRun(payload, awsDependencies()));
