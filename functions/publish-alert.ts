/** PublishAlert task: email the failures of a finished run. */
import { taskHandler } from '../src/runtime/lambda/middleware';
import { awsAlertTopic } from '../src/runtime/aws-alert-topic';
import { awsRunStates } from '../src/runtime/aws-run-states';
import { awsWarehouseTask } from '../src/runtime/aws-warehouse';
import { runSettings } from '../src/runtime/run-settings';
import { publishRunAlert } from '../src/runtime/publish-alert';
import type { TransformRunPayload } from '../src/runtime/transform-run';

export const handler = taskHandler(async (payload: TransformRunPayload) => {
  const { subject, messageId } = await publishRunAlert(payload, { ...awsWarehouseTask(), ...awsAlertTopic(), ...runSettings(), runStates: awsRunStates() });
  return { subject, messageId };
});
