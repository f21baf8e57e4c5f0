/** SubmitFreshness task of the source freshness state machine: submit the max(loaded_at) queries. */
import { taskHandler } from '../src/runtime/lambda/middleware';
import { awsWarehouseTask } from '../src/runtime/aws-warehouse';
import { submitFreshness } from '../src/runtime/source-freshness-run';

export const handler = taskHandler(async (event: { input: unknown; execution: { arn: string; name: string } }) => submitFreshness(event, awsWarehouseTask()));
