/** PlanRotation task: the month and the partitioned models to rotate, with their run locks taken. */
import { taskHandler } from '../src/runtime/lambda/middleware';
import { awsDependencies } from '../src/runtime/aws-dependencies';
import { planLockedRotation, type PlanRotationInput } from '../src/partitions/rotation-run';

export const handler = taskHandler(async (input: PlanRotationInput) => planLockedRotation(input, awsDependencies()));
