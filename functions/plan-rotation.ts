/** PlanRotation task: the month and the partitioned models to rotate. */
import { taskHandler } from '../src/runtime/lambda/middleware';
import { awsDependencies } from '../src/runtime/aws-dependencies';
import { planRotationRun, type PlanRotationInput } from '../src/partitions/rotation-run';

export const handler = taskHandler(async (input: PlanRotationInput) => planRotationRun(input, awsDependencies()));
