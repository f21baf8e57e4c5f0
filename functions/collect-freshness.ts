/** CollectFreshness task: once the queries ended, grade each source, record incidents and email what changed. */
import { taskHandler } from '../src/runtime/lambda/middleware';
import { awsAlertTopic } from '../src/runtime/aws-alert-topic';
import { awsWarehouseTask } from '../src/runtime/aws-warehouse';
import { collectFreshness, type FreshnessPayload } from '../src/runtime/source-freshness-run';

export const handler = taskHandler(async (payload: FreshnessPayload) => collectFreshness(payload, { ...awsWarehouseTask(), ...awsAlertTopic() }));
