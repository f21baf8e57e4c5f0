/** RotateModel task: rotate one partitioned model's month tables. */
import { taskHandler } from '../src/runtime/lambda/middleware';
import { awsWarehouseTask } from '../src/runtime/aws-warehouse';
import { rotateModelTask } from '../src/partitions/rotation-run';

export const handler = taskHandler(async (item: { month: string; model: string; runId?: string }) => rotateModelTask(item, awsWarehouseTask()));
