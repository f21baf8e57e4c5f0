/** PlanRun task: execution input → a planned, started run. */
import { taskHandler } from '../src/runtime/lambda/middleware';
import { awsRunHistory, awsRunStates } from '../src/runtime/aws-run-states';
import { awsWarehouseTask } from '../src/runtime/aws-warehouse';
import { runLocksFromEnvironment } from '../src/runtime/run-locks-aws';
import { runSettings } from '../src/runtime/run-settings';
import { startTransformRun, type ExecutionContext } from '../src/runtime/transform-run';

export const handler = taskHandler(async (event: { input: unknown; execution: ExecutionContext }) =>
  startTransformRun(event.input, event.execution, { ...awsWarehouseTask(), ...runSettings(), runStates: awsRunStates(), history: awsRunHistory(), locks: runLocksFromEnvironment() }));
