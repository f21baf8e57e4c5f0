/** PublishAlert task: email the failures of a finished run. */
import { taskHandler } from '../src/runtime/lambda/middleware';
import { awsDependencies } from '../src/runtime/aws-dependencies';
import { publishRunAlert } from '../src/runtime/publish-alert';
import type { TransformRunPayload } from '../src/runtime/transform-run';

export const handler = taskHandler(async (payload: TransformRunPayload) => {
  const { subject, messageId } = await publishRunAlert(payload, awsDependencies());
  return { subject, messageId };
});
