/** AdvanceRun task: one step of the scheduler loop. */
import { taskHandler } from '../src/runtime/lambda/middleware';
import { awsLoadSteps, awsRunHistory, awsRunStates } from '../src/runtime/aws-run-states';
import { awsWarehouseTask } from '../src/runtime/aws-warehouse';
import { runSettings } from '../src/runtime/run-settings';
import { advanceTransformRun, type TransformRunPayload } from '../src/runtime/transform-run';

export const handler = taskHandler(async (payload: TransformRunPayload) => advanceTransformRun(payload, { ...awsWarehouseTask(), ...runSettings(), runStates: awsRunStates(), loads: awsLoadSteps(), history: awsRunHistory() }));
