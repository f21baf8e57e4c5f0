/**
 * Publishes the quarantine alert (src/alerts/compose-quarantine-alert.ts) to the alert topic when a load node set
 * objects aside. Called by the load steps in AdvanceRun (the Data API role may publish to the topic).
 */
import { PublishCommand } from '@aws-sdk/client-sns';
import { alertAttributes } from '../alerts/alert-subscriptions';
import { composeQuarantineAlert } from '../alerts/compose-quarantine-alert';
import type { QuarantinedObject } from '../engine/run/load-node';
import type { Manifest } from '../engine';
import type { S3Route } from '../ingest/s3-routes';
import { quotedRelation } from '../ingest/copy-statements';
import { awsAlertTopic } from './aws-alert-topic';

/**
 * @example
 * new S3LoadSteps({ …, onQuarantined: quarantineAlertPublisher(manifest) });
 */
export function quarantineAlertPublisher(manifest: Manifest): (objects: QuarantinedObject[], route: S3Route) => Promise<void> {
  return async (objects, route) => {
    const source = manifest.sources[route.sourceId];
    const email = composeQuarantineAlert({
      project: manifest.projectName,
      source: source ? `${source.sourceName}.${source.name}` : route.sourceId,
      relation: quotedRelation(route.relation),
      selector: route.selector,
      objects,
    });
    const topic = awsAlertTopic();
    // The team's subscriptions filter on these attributes (src/alerts/alert-subscriptions.ts): a loader matter, to everyone.
    const attributes = alertAttributes({ audience: 'all', kind: 'loader', project: manifest.projectName ?? 'landfall', severity: 'warn' });
    await topic.sns.send(new PublishCommand({ TopicArn: topic.topicArn, Subject: email.subject, Message: email.body, MessageAttributes: attributes }));
  };
}
