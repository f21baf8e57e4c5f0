/**
 * Alerts that stand alone — a crashed run, a failed loader sync — follow the incident rules too: the first
 * occurrence sends its own detailed email (composed by the caller), a repeat sends nothing, the daily reminder lists
 * it, and it resolves when a run completes (the crash) or the loader delivers again (see run-observations.ts).
 */
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { alertAttributes, type AlertKind } from '../alerts/alert-subscriptions';
import { DEFAULT_ALERT_POLICY, type Observation } from '../incidents/incident';
import { updateBook, type IncidentStore } from '../incidents/incident-store';
import { trackIncidents } from '../incidents/track-incidents';
import { DEFAULT_LANDFALL_SETTINGS } from '../schedules/default-settings';
import { incidentStoreFromEnvironment } from './aws-incident-store';
import { deliverNotices } from './deliver-notices';

/** Every run that reaches PublishAlert or UpdateIncidents did not crash: it resolves this incident. */
export const CRASH_INCIDENT_KEY = 'run:crashed';

export function loaderIncidentKey(loader: string, connector: string): string {
  return `loader:${loader}:${connector}`;
}

export interface AnnounceTarget {
  sns: SNSClient;
  topicArn: string;
  region: string;
  project: string;
  incidents?: IncidentStore;
  now?: () => Date;
}

/**
 * @example
 * await announceIncident(observation, composeCrashAlert(report), 'crash', { ...awsAlertTopic(), project });
 */
export async function announceIncident(observation: Observation, email: { subject: string; body: string }, kind: AlertKind, target: AnnounceTarget): Promise<{ subject: string; messageId?: string }> {
  const now = target.now?.() ?? new Date();
  const store = target.incidents ?? incidentStoreFromEnvironment(target.project);
  const notices = await updateBook(store, (book) => {
    const { book: next, notices: result } = trackIncidents(book, [observation], now, DEFAULT_ALERT_POLICY);
    return { book: next, result };
  });
  const first = notices.some((n) => n.kind === 'alert' && n.opened.some((i) => i.key === observation.key));
  let sent: { subject: string; messageId?: string } = { subject: '(already reported: no email)' };
  if (first) {
    const result = await target.sns.send(new PublishCommand({
      TopicArn: target.topicArn, Subject: email.subject, Message: email.body,
      MessageAttributes: alertAttributes({ audience: 'all', kind, project: target.project, severity: 'error' }),
    }));
    sent = { subject: email.subject, messageId: result.MessageId };
  }
  // A reminder or digest that fell due now goes out as usual (the first email above already told about this one).
  const others = notices.filter((n) => n.kind !== 'alert');
  if (others.length > 0) await deliverNotices(others, { project: target.project, region: target.region, now }, { sns: target.sns, topicArn: target.topicArn, settings: DEFAULT_LANDFALL_SETTINGS });
  return sent;
}
