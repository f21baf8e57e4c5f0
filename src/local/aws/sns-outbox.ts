/**
 * A local SNS endpoint whose only subscribers are email addresses: Publish (AWS Query protocol,
 * `Action=Publish`) validates the request with SNS's rules and writes the email each subscriber
 * would receive as an RFC 5322 `.eml` file under `<stateDir>/outbox/`. A topic configured with
 * `subscriptions` evaluates each one's filter policy against the message attributes (sns-filter-policy.ts)
 * and writes one `.eml` per recipient that passes, as SNS delivers one email per subscription. Email
 * subscriptions receive plain text: SNS's `email` protocol sends the message as text/plain.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PublishInput, PublishResponse } from '@aws-sdk/client-sns';
import { InvalidParameterError, TopicNotFoundError } from './errors';
import { type EmailAddress, formatEmailMessage } from './email-message';
import { matchesFilterPolicy, validateFilterPolicy, type FilterPolicy, type MessageAttribute } from './sns-filter-policy';

/** SNS's limit on a message, in UTF-8 bytes. */
export const MAX_MESSAGE_BYTES = 262_144;
/** A Subject must be shorter than 100 characters. */
export const MAX_SUBJECT_CHARACTERS = 99;

export interface LocalTopicConfig {
  /** Email subscribers; default `[<topic name>@subscribers.invalid]`. */
  emailAddresses?: string[];
  /** The sender's display name (the topic's DisplayName); default `AWS Notifications`. */
  displayName?: string;
  /** Email subscriptions with filter policies (scope MessageAttributes): one `.eml` per recipient that matches. */
  subscriptions?: { email: string; filterPolicy?: FilterPolicy }[];
}

/** What the outbox wrote for one Publish. */
export interface PublishedEmail {
  messageId: string;
  topicArn: string;
  subject: string;
  /** The plain-text body the subscribers read. */
  body: string;
  to: string[];
  /** Path of the `.eml` file. */
  file: string;
  /** The message attributes it was published with. */
  attributes: Record<string, MessageAttribute>;
}

export interface LocalSnsOutboxOptions {
  stateDir: string;
  region?: string;
  accountId?: string;
  /**
   * Known topics by name. When given, publishing to any other topic fails with `NotFound`;
   * when absent, every well-formed topic ARN is accepted.
   */
  topics?: Record<string, LocalTopicConfig>;
  /** Called after each message is written, e.g. for the CLI to print where it went. */
  onPublish?: (email: PublishedEmail) => void;
}

/** The subject SNS puts on an email when Publish has none. */
const DEFAULT_SUBJECT = 'AWS Notification Message';
const TOPIC_ARN_PATTERN = /^arn:[^:]+:sns:[^:]+:\d{12}:([A-Za-z0-9_-]{1,256}(\.fifo)?)$/;

/**
 * The local SNS outbox.
 *
 * @example
 * const sns = new LocalSnsOutbox({
 *   stateDir: '.landfall',
 *   topics: { 'landfall-alerts': { emailAddresses: ['data-team@example.com'] } },
 *   onPublish: (email) => console.log(`alert written to ${email.file}`),
 * });
 * // production code: new SNSClient({}).send(new PublishCommand({ TopicArn, Subject, Message }))
 */
export class LocalSnsOutbox {
  readonly region: string;
  readonly accountId: string;
  readonly outboxDir: string;

  /** The API operations by `Action`, with the Query request's fields as strings. */
  readonly operations: Record<string, (request: Record<string, string>) => Promise<Record<string, string | undefined>>> = {
    Publish: async (request) => ({ ...(await this.publish(request as unknown as PublishInput)) }),
  };

  constructor(private readonly options: LocalSnsOutboxOptions) {
    this.region = options.region ?? 'us-east-1';
    this.accountId = options.accountId ?? '000000000000';
    this.outboxDir = join(options.stateDir, 'outbox');
    for (const topic of Object.values(options.topics ?? {})) for (const s of topic.subscriptions ?? []) if (s.filterPolicy) validateFilterPolicy(s.filterPolicy);
  }

  /** `arn:aws:sns:<region>:<account>:<name>` */
  topicArn(name: string): string {
    return `arn:aws:sns:${this.region}:${this.accountId}:${name}`;
  }

  /** Validates like SNS, writes one `.eml` file, and returns the MessageId. */
  async publish(request: PublishInput): Promise<PublishResponse> {
    const topicArn = request.TopicArn ?? request.TargetArn;
    if (request.PhoneNumber !== undefined) throw new InvalidParameterError('Invalid parameter: PhoneNumber (the local outbox only sends email)');
    if (!topicArn) throw new InvalidParameterError('Invalid parameter: TopicArn or TargetArn Reason: no value for required parameter');
    const topicName = TOPIC_ARN_PATTERN.exec(topicArn)?.[1];
    if (!topicName) throw new InvalidParameterError('Invalid parameter: TopicArn');
    const topic = this.options.topics ? this.options.topics[topicName] : {};
    if (!topic) throw new TopicNotFoundError(topicArn);

    const subject = request.Subject;
    if (subject !== undefined) validateSubject(subject);
    const body = emailBody(request.Message, request.MessageStructure);

    const attributes = messageAttributesOf(request as unknown as Record<string, unknown>);
    const messageId = randomUUID();
    const date = new Date();
    const from: EmailAddress = { address: 'no-reply@sns.amazonaws.com', displayName: topic.displayName ?? 'AWS Notifications' };
    const deliveries = topic.subscriptions
      ? topic.subscriptions.filter((s) => !s.filterPolicy || matchesFilterPolicy(s.filterPolicy, attributes)).map((s) => [s.email])
      : [topic.emailAddresses ?? [`${topicName}@subscribers.invalid`]];
    mkdirSync(this.outboxDir, { recursive: true });
    deliveries.forEach((to, index) => {
      const eml = formatEmailMessage({
        from,
        to: to.map((address) => ({ address })),
        subject: subject ?? DEFAULT_SUBJECT,
        date,
        messageId: `${messageId}${index > 0 ? `-${index}` : ''}@sns.localhost`,
        body: `${body}\n\n--\nSent by the landfall local SNS outbox for topic ${topicArn}.\n`,
        extraHeaders: { 'X-Local-Sns-Topic-Arn': topicArn, 'X-Local-Sns-Message-Id': messageId },
      });
      const recipient = topic.subscriptions ? `-${to[0]!.replace(/[^A-Za-z0-9@._-]/g, '_')}` : '';
      const file = join(this.outboxDir, `${date.toISOString().replace(/[:.]/g, '-')}-${messageId}${recipient}.eml`);
      writeFileSync(file, eml);
      this.options.onPublish?.({ messageId, topicArn, subject: subject ?? DEFAULT_SUBJECT, body, to, file, attributes });
    });
    return { MessageId: messageId };
  }
}

/** SNS allows at most 10 message attributes per message (Publish API reference). */
const MAX_MESSAGE_ATTRIBUTES = 10;
const DATA_TYPES = /^(String|String\.Array|Number|Binary)(\.[A-Za-z0-9_-]+)?$/;

/**
 * The message attributes of a Publish: the SDK object form (in-process) or the Query form
 * (`MessageAttributes.entry.N.Name`, `.Value.DataType`, `.Value.StringValue`), validated as SNS does.
 */
function messageAttributesOf(request: Record<string, unknown>): Record<string, MessageAttribute> {
  const attributes: Record<string, MessageAttribute> = {};
  const given = request.MessageAttributes;
  if (given && typeof given === 'object') {
    for (const [name, value] of Object.entries(given as Record<string, { DataType?: string; StringValue?: string }>)) attributes[name] = { DataType: value.DataType ?? '', StringValue: value.StringValue };
  }
  for (const [key, value] of Object.entries(request)) {
    const entry = /^MessageAttributes\.entry\.(\d+)\.Name$/.exec(key);
    if (!entry || typeof value !== 'string') continue;
    const prefix = `MessageAttributes.entry.${entry[1]}.Value.`;
    attributes[value] = { DataType: String(request[`${prefix}DataType`] ?? ''), StringValue: request[`${prefix}StringValue`] as string | undefined };
  }
  if (Object.keys(attributes).length > MAX_MESSAGE_ATTRIBUTES) throw new InvalidParameterError(`Invalid parameter: MessageAttributes: at most ${MAX_MESSAGE_ATTRIBUTES} attributes`);
  for (const [name, attribute] of Object.entries(attributes)) {
    if (!/^[A-Za-z0-9_.-]{1,256}$/.test(name) || name.startsWith('.') || name.endsWith('.') || name.includes('..') || /^(aws|amazon)\./i.test(name)) {
      throw new InvalidParameterError(`Invalid parameter: MessageAttributes: the name '${name}' is not allowed`);
    }
    if (!DATA_TYPES.test(attribute.DataType)) throw new InvalidParameterError(`Invalid parameter: MessageAttributes: '${name}' has an unknown DataType '${attribute.DataType}'`);
    if (attribute.StringValue === undefined || attribute.StringValue === '') throw new InvalidParameterError(`Invalid parameter: MessageAttributes: '${name}' must have a non-empty value`);
    if (attribute.DataType.startsWith('Number') && !Number.isFinite(Number(attribute.StringValue))) throw new InvalidParameterError(`Invalid parameter: MessageAttributes: '${name}' is not a number`);
    if (attribute.DataType.startsWith('String.Array')) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(attribute.StringValue);
      } catch {
        parsed = undefined;
      }
      if (!Array.isArray(parsed)) throw new InvalidParameterError(`Invalid parameter: MessageAttributes: '${name}' must be a JSON array`);
    }
  }
  return attributes;
}

/** SNS: "UTF-8 text with no line breaks or control characters, and less than 100 characters long". */
function validateSubject(subject: string): void {
  if (subject.length === 0) throw new InvalidParameterError('Invalid parameter: Subject must not be empty');
  if (/[\u0000-\u001f\u007f-\u009f]/.test(subject)) {
    throw new InvalidParameterError('Invalid parameter: Subject must not contain line breaks or control characters');
  }
  if ([...subject].length > MAX_SUBJECT_CHARACTERS) {
    throw new InvalidParameterError(`Invalid parameter: Subject must be less than ${MAX_SUBJECT_CHARACTERS + 1} characters long`);
  }
}

/** The text an email subscriber receives: the message, or with MessageStructure=json its `email` (else `default`) entry. */
function emailBody(message: string | undefined, messageStructure: string | undefined): string {
  if (!message) throw new InvalidParameterError('Invalid parameter: Empty message');
  if (Buffer.byteLength(message, 'utf8') > MAX_MESSAGE_BYTES) throw new InvalidParameterError('Invalid parameter: Message too long');
  if (messageStructure === undefined) return message;
  if (messageStructure !== 'json') throw new InvalidParameterError('Invalid parameter: MessageStructure');
  let structure: unknown;
  try {
    structure = JSON.parse(message);
  } catch {
    throw new InvalidParameterError('Invalid parameter: Message Structure - Failed to parse JSON');
  }
  if (structure === null || typeof structure !== 'object' || Array.isArray(structure)) {
    throw new InvalidParameterError('Invalid parameter: Message Structure - JSON message body must be an object');
  }
  const entries = structure as Record<string, unknown>;
  if (typeof entries.default !== 'string') {
    throw new InvalidParameterError('Invalid parameter: Message Structure - No default entry in JSON message body');
  }
  return typeof entries.email === 'string' ? entries.email : entries.default;
}
