/** RecordRun task: a done run's results into the run history (S3 history/ prefix, the docs site's run page). */
import { taskHandler } from '../src/runtime/lambda/middleware';
import { awsManifest } from '../src/runtime/aws-manifest';
import { awsModelDurations, awsRunHistory, awsRunStates } from '../src/runtime/aws-run-states';
import { recordTransformRun } from '../src/runtime/record-run';
import type { TransformRunPayload } from '../src/runtime/transform-run';

// The payload goes on unchanged to DidAnythingFail: the state keeps the default ResultPath and this returns its input
// (`"ResultPath": null` would say the same, but the framework drops a null from the packaged template).
export const handler = taskHandler(async (payload: TransformRunPayload) => {
  await recordTransformRun(payload, { manifest: awsManifest(), runStates: awsRunStates(), history: awsRunHistory(), modelDurations: awsModelDurations() });
  return payload;
});
