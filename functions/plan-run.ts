/** PlanRun task: execution input → a planned, started run. */
import { taskHandler } from '../src/runtime/lambda/middleware';
import { awsDependencies } from '../src/runtime/aws-dependencies';
import { startTransformRun, type ExecutionContext } from '../src/runtime/transform-run';

export const handler = taskHandler(async (event: { input: unknown; execution: ExecutionContext }) =>
  startTransformRun(event.input, event.execution, awsDependencies()));
