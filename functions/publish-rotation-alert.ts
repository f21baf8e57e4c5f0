/** PublishRotationAlert task: email which models did not rotate. */
import { taskHandler } from '../src/runtime/lambda/middleware';
import { awsAlertTopic } from '../src/runtime/aws-alert-topic';
import { publishRotationAlert } from '../src/partitions/rotation-run';
import type { RotationResult } from '../src/partitions/rotation';

export const handler = taskHandler(async (summary: { month: string; results: RotationResult[]; execution?: { arn: string } }) =>
  publishRotationAlert(summary, awsAlertTopic()));
