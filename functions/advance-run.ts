/** AdvanceRun task: one step of the scheduler loop. */
import { logger, taskHandler } from '../src/runtime/lambda/middleware';
import { logRunEvents } from '../src/runtime/lambda/node-log';
import { awsLoadSteps, awsRunStates, awsStatementSlots } from '../src/runtime/aws-run-states';
import { awsWarehouseTask } from '../src/runtime/aws-warehouse';
import { awsRenderer } from '../src/runtime/aws-renderer';
import { runSettings } from '../src/runtime/run-settings';
import { advanceTransformRun, type TransformRunPayload } from '../src/runtime/transform-run';

// One structured log line per node started and finished (src/runtime/lambda/node-log.ts), for Logs Insights.
// Statements in flight across runs are bounded by a ledger in the run-state bucket (src/runtime/statement-slots.ts).
// Plans and statements are rendered by the RenderPlans function (src/runtime/lambda-renderer.ts): no template engine here.
export const handler = taskHandler(async (payload: TransformRunPayload) => {
  const task = awsWarehouseTask();
  return advanceTransformRun(payload, {
    ...task, ...runSettings(), runStates: awsRunStates(), loads: awsLoadSteps(), onEvent: logRunEvents(logger, payload.execution),
    statementSlots: awsStatementSlots(task.manifest), renderer: awsRenderer(task.manifest),
  });
});
