/**
 * Publishing the incident notices: the whole notice once for the team (`audience: all`), then a copy per owner
 * route some subscriber selects on, holding only that owner's incidents (`audience: owner`, `route`), so SNS filter
 * policies hand each owner only their models' alerts (src/alerts/alert-subscriptions.ts). With a Chatbot topic
 * configured, the notice also goes there as a custom notification.
 */
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { alertAttributes, subscribedRoutes } from '../alerts/alert-subscriptions';
import { chatbotNotification } from '../alerts/chatbot-notification';
import { composeNoticeEmail, type NoticeContext } from '../alerts/compose-incident-email';
import type { LandfallSettings } from '../schedules/landfall-settings';
import type { Incident, Notice } from '../incidents/incident';

export interface DeliveryTarget {
  sns: SNSClient;
  topicArn: string;
  settings: LandfallSettings;
}

export interface Delivered {
  kind: Notice['kind'];
  subject: string;
  audience: 'all' | 'owner' | 'chat';
  route?: string;
  messageId?: string;
}

/**
 * @example
 * await deliverNotices(notices, { project: 'demo', region, report, now }, { sns, topicArn, settings });
 */
export async function deliverNotices(notices: readonly Notice[], context: NoticeContext, target: DeliveryTarget): Promise<Delivered[]> {
  const delivered: Delivered[] = [];
  const routes = [...subscribedRoutes(target.settings)].sort();
  for (const notice of notices) {
    const kind = notice.kind;
    const severity = kind === 'digest' ? 'warn' : 'error';
    const email = composeNoticeEmail(notice, context);
    const all = await target.sns.send(new PublishCommand({
      TopicArn: target.topicArn, Subject: email.subject, Message: email.text,
      MessageAttributes: alertAttributes({ audience: 'all', kind, project: context.project, severity }),
    }));
    delivered.push({ kind, subject: email.subject, audience: 'all', messageId: all.MessageId });
    for (const route of routes) {
      const part = restrict(notice, (i) => (route.startsWith('tag:') ? i.tags.includes(route.slice(4)) : i.owners.includes(route)));
      if (!part) continue;
      const copy = composeNoticeEmail(part, context);
      const sent = await target.sns.send(new PublishCommand({
        TopicArn: target.topicArn, Subject: copy.subject, Message: copy.text,
        MessageAttributes: alertAttributes({ audience: 'owner', kind, project: context.project, severity, route }),
      }));
      delivered.push({ kind, subject: copy.subject, audience: 'owner', route, messageId: sent.MessageId });
    }
    const chatTopic = target.settings.alerts.chatbot_topic_arn;
    if (chatTopic) {
      const chat = await target.sns.send(new PublishCommand({ TopicArn: chatTopic, Message: JSON.stringify(chatbotNotification(email.document, { kind, project: context.project })) }));
      delivered.push({ kind, subject: email.subject, audience: 'chat', messageId: chat.MessageId });
    }
  }
  return delivered;
}

/** The part of a notice about incidents `keep` selects, or undefined when nothing new is left for them. */
export function restrict(notice: Notice, keep: (incident: Incident) => boolean): Notice | undefined {
  if (notice.kind === 'alert') {
    const part = { kind: 'alert' as const, opened: notice.opened.filter(keep), resolved: notice.resolved.filter(keep), stillOpen: notice.stillOpen.filter(keep) };
    return part.opened.length + part.resolved.length > 0 ? part : undefined;
  }
  if (notice.kind === 'reminder') {
    const stillOpen = notice.stillOpen.filter(keep);
    return stillOpen.length > 0 ? { kind: 'reminder', stillOpen } : undefined;
  }
  const part = { kind: 'digest' as const, open: notice.open.filter(keep), resolved: notice.resolved.filter(keep) };
  return part.open.length + part.resolved.length > 0 ? part : undefined;
}
