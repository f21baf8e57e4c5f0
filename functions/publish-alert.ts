/** PublishAlert / UpdateIncidents task: record the run's results as incidents and email what changed. */
import { taskHandler } from '../src/runtime/lambda/middleware';
import { awsAlertTopic } from '../src/runtime/aws-alert-topic';
import { awsRunStates } from '../src/runtime/aws-run-states';
import { awsManifest } from '../src/runtime/aws-manifest';
import { awsWarehouse } from '../src/runtime/aws-warehouse';
import { runSettings } from '../src/runtime/run-settings';
import { publishRunAlert } from '../src/runtime/publish-alert';
import type { TransformRunPayload } from '../src/runtime/transform-run';

export const handler = taskHandler(async (payload: TransformRunPayload) => {
  const { subject, notices, delivered } = await publishRunAlert(payload, { manifest: awsManifest(), warehouse: awsWarehouse(), ...awsAlertTopic(), ...runSettings(), runStates: awsRunStates() });
  return { subject, notices, messages: delivered.length };
});
