/**
 * Target of the `Loader Failed` rule: a failed loader sync is an incident (no run is started): the first failure is
 * emailed, repeats wait for the daily reminder, and the loader's next delivered run resolves it.
 */
import { SNSClient } from '@aws-sdk/client-sns';
import { composeLoaderFailureAlert } from '../src/alerts';
import { LoaderFailedEventSchema } from '../src/events/arrival';
import { taskHandler } from '../src/runtime/lambda/middleware';
import { announceIncident, loaderIncidentKey } from '../src/runtime/announce-incident';
import { compiledProjectName } from '../src/runtime/project-name';

const sns = new SNSClient({});

export const handler = taskHandler(async (event: unknown) => {
  const { detail } = LoaderFailedEventSchema.parse(event);
  const connectorId = detail.loader === 'fivetran' ? detail.connector.connectorId
    : detail.loader === 'dms' ? detail.connector.taskArn : `s3://${detail.connector.bucket}/${detail.connector.key}`;
  const email = composeLoaderFailureAlert({ loader: detail.loader, connectorId, status: detail.status, reason: detail.reason, at: detail.failedAt });
  return announceIncident({
    key: loaderIncidentKey(detail.loader, connectorId), kind: 'loader', name: `${detail.loader} ${connectorId}`, failing: true, severity: 'error',
    detail: `${detail.status}${detail.reason ? `: ${detail.reason.split('\n')[0]}` : ''}`, owners: [], tags: [],
  }, email, 'loader', { sns, topicArn: process.env.LANDFALL_ALERT_TOPIC_ARN ?? '', region: process.env.AWS_REGION ?? 'us-east-1', project: compiledProjectName() });
});
