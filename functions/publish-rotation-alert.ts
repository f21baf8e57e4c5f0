/** PublishRotationAlert task: email which models did not rotate. */
import { taskHandler } from '../src/runtime/lambda/middleware';
import { awsDependencies } from '../src/runtime/aws-dependencies';
import { publishRotationAlert } from '../src/partitions/rotation-run';
import type { RotationResult } from '../src/partitions/rotation';

export const handler = taskHandler(async (summary: { month: string; results: RotationResult[]; execution?: { arn: string } }) =>
  publishRotationAlert(summary, awsDependencies()));
