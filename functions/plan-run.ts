/** PlanRun task: execution input → a planned run in the run state store (LockRun and AdvanceRun go on from there). */
import { taskHandler } from '../src/runtime/lambda/middleware';
import { awsManifest } from '../src/runtime/aws-manifest';
import { awsModelDurations, awsRunStates } from '../src/runtime/aws-run-states';
import { runSettings } from '../src/runtime/run-settings';
import { startTransformRun, type ExecutionContext } from '../src/runtime/transform-run';

export const handler = taskHandler(async (event: { input: unknown; execution: ExecutionContext }) =>
  startTransformRun(event.input, event.execution, { manifest: awsManifest(), ...runSettings(), runStates: awsRunStates(), modelDurations: awsModelDurations() }));
