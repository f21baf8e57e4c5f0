/**
 * AdvanceRun's renderer in AWS: the RenderPlans function named by `LANDFALL_RENDER_FUNCTION` (serverless.yml), through
 * one Lambda client per container. A new {@link LambdaRenderer} per invocation: its answers are kept for one invocation.
 */
import { LambdaClient } from '@aws-sdk/client-lambda';
import type { Manifest } from '../engine';
import { once, required } from './environment';
import { LambdaRenderer } from './lambda-renderer';

const lambdaClient = /* @__PURE__ */ once(() => new LambdaClient({}));

export function awsRenderer(manifest: Manifest): LambdaRenderer {
  return new LambdaRenderer({ client: lambdaClient(), functionName: required('LANDFALL_RENDER_FUNCTION'), manifest });
}
