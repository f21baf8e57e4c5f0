/** PlanRotation task: the month and the partitioned models to rotate, with their run locks taken. */
import { taskHandler } from '../src/runtime/lambda/middleware';
import { awsManifest } from '../src/runtime/aws-manifest';
import { runLocksFromEnvironment } from '../src/runtime/run-locks-aws';
import { planLockedRotation, type PlanRotationInput } from '../src/partitions/rotation-run';

export const handler = taskHandler(async (input: PlanRotationInput) => planLockedRotation(input, { manifest: awsManifest(), locks: runLocksFromEnvironment() }));
