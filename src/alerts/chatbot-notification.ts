/**
 * The same alert as an AWS Chatbot (Amazon Q Developer in chat applications) custom notification, published to a
 * topic mapped to a Slack or Teams channel. Schema: `version` "1.0", `source` "custom", `content` with `textType`
 * "client-markdown", `title`, `description`, `nextSteps`; `metadata` with `threadId`, `summary`, `eventType`,
 * `additionalContext` (https://docs.aws.amazon.com/chatbot/latest/adminguide/custom-notifs.html).
 */
import type { EmailDocument } from './email-document';

const MAX_DESCRIPTION = 3_500;

export interface ChatbotNotification {
  version: '1.0';
  source: 'custom';
  id?: string;
  content: { textType: 'client-markdown'; title: string; description: string; nextSteps?: string[] };
  metadata?: { threadId?: string; summary?: string; eventType?: string; additionalContext?: Record<string, string> };
}

/**
 * @example
 * JSON.stringify(chatbotNotification(email.document, { kind: 'alert', project: 'demo' }))
 */
export function chatbotNotification(doc: EmailDocument, context: { kind: string; project: string; id?: string }): ChatbotNotification {
  const emoji = doc.sections.some((s) => s.tone === 'failure') ? ':red_circle:' : doc.sections.some((s) => s.tone === 'resolved') && !doc.sections.some((s) => s.tone === 'open') ? ':large_green_circle:' : ':large_yellow_circle:';
  const lines = [doc.headline, ''];
  for (const section of doc.sections) {
    lines.push(`*${section.title}*`);
    for (const item of section.items) lines.push(`• ${item.title}`);
    lines.push('');
  }
  let description = lines.join('\n').trim();
  if (description.length > MAX_DESCRIPTION) description = `${description.slice(0, MAX_DESCRIPTION - 30)}\n… (see the email for the rest)`;
  return {
    version: '1.0',
    source: 'custom',
    ...(context.id && { id: context.id }),
    content: {
      textType: 'client-markdown',
      title: `${emoji} ${doc.subject}`,
      description,
      nextSteps: doc.links.map((l) => `<${l.url}|${l.label}>`),
    },
    metadata: { threadId: `landfall-${context.project}`, summary: doc.subject, eventType: `landfall.${context.kind}`, additionalContext: { project: context.project } },
  };
}
