/**
 * The quarantine alert (src/alerts/compose-quarantine-alert.ts): one email per load node that set objects aside,
 * sent by PublishAlert / UpdateIncidents when the run is done, from the load nodes in the run state. Not by the load
 * steps in AdvanceRun as they finish: that put the SNS client and its query protocol (~28 KiB) into the bundle of the
 * scheduler loop (bench/RESULTS-lambda-bundles.md). The objects stay set aside either way; the email comes when the
 * run ends instead of when the node does.
 */
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { alertAttributes } from '../alerts/alert-subscriptions';
import { composeQuarantineAlert } from '../alerts/compose-quarantine-alert';
import type { LoadNodeState } from '../engine/run/load-node';
import type { Manifest, RunState } from '../engine';
import { s3RoutesOf } from '../ingest/s3-routes';
import { quotedRelation } from '../ingest/copy-statements';

/** Per load node whose quarantine was emailed: the `finishedAt` it was emailed for (a node that loads again is emailed again). */
export type QuarantineAlerted = Record<string, string>;

type RunNode = RunState['nodes'][number];

/** The load nodes of the run that ended with objects set aside and were not emailed for that ending yet. */
export function quarantinesToAlert(run: Pick<RunState, 'nodes'>, alerted: QuarantineAlerted | undefined): (RunNode & { load: LoadNodeState })[] {
  return run.nodes.filter((node): node is RunNode & { load: LoadNodeState } =>
    node.kind === 'load' && node.status === 'success' && (node.load?.quarantined?.length ?? 0) > 0 && alerted?.[node.id] !== (node.finishedAt ?? ''));
}

/**
 * Publishes one quarantine alert per load node not emailed yet, and returns what is emailed now (to store beside
 * the run state, so a redriven run's end or a retried task does not email the same quarantine twice).
 *
 * @example
 * stored.quarantineAlerted = await publishQuarantineAlerts(run, manifest, { sns, topicArn }, stored.quarantineAlerted);
 */
export async function publishQuarantineAlerts(
  run: Pick<RunState, 'nodes'>, manifest: Manifest, topic: { sns: SNSClient; topicArn: string }, alerted: QuarantineAlerted | undefined,
): Promise<QuarantineAlerted | undefined> {
  const nodes = quarantinesToAlert(run, alerted);
  if (nodes.length === 0) return alerted;
  const routes = new Map(s3RoutesOf(manifest).map((route) => [route.sourceId, route]));
  const next = { ...alerted };
  for (const node of nodes) {
    // Load nodes are planned from the routes of the project this task embeds. A run state from another project
    // version may name a source that has none now: the objects are still named, with the source's id as its table.
    const route = routes.get(node.load.sourceId);
    const source = manifest.sources[node.load.sourceId];
    const sourceName = source ? `${source.sourceName}.${source.name}` : node.load.sourceId;
    const email = composeQuarantineAlert({
      project: manifest.projectName,
      source: sourceName,
      relation: route ? quotedRelation(route.relation) : sourceName,
      selector: route?.selector ?? `source:${sourceName}+`,
      objects: node.load.quarantined!,
    });
    // The team's subscriptions filter on these attributes (src/alerts/alert-subscriptions.ts): a loader matter, to everyone.
    const attributes = alertAttributes({ audience: 'all', kind: 'loader', project: manifest.projectName ?? 'landfall', severity: 'warn' });
    await topic.sns.send(new PublishCommand({ TopicArn: topic.topicArn, Subject: email.subject, Message: email.body, MessageAttributes: attributes }));
    next[node.id] = node.finishedAt ?? '';
  }
  return next;
}
