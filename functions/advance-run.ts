/** AdvanceRun task: one step of the scheduler loop. */
import { logger, taskHandler } from '../src/runtime/lambda/middleware';
import { logRunEvents } from '../src/runtime/lambda/node-log';
import { awsLoadSteps, awsRunHistory, awsRunStates } from '../src/runtime/aws-run-states';
import { awsWarehouseTask } from '../src/runtime/aws-warehouse';
import { runSettings } from '../src/runtime/run-settings';
import { advanceTransformRun, type TransformRunPayload } from '../src/runtime/transform-run';

// One structured log line per node started and finished (src/runtime/lambda/node-log.ts), for Logs Insights.
export const handler = taskHandler(async (payload: TransformRunPayload) => advanceTransformRun(payload, { ...awsWarehouseTask(), ...runSettings(), runStates: awsRunStates(), loads: awsLoadSteps(), history: awsRunHistory(), onEvent: logRunEvents(logger, payload.execution) }));
