/**
 * A local SQS endpoint (AWS JSON 1.0, `X-Amz-Target: AmazonSQS.<Operation>`) holding queues in memory:
 * GetQueueUrl, GetQueueAttributes (the approximate counts, QueueArn, RedrivePolicy-free), SendMessage,
 * ReceiveMessage, DeleteMessage, PurgeQueue. Enough for the stack's dead-letter queues: what lands there can be
 * counted (`landfall doctor`), read and removed. Unknown queues answer `QueueDoesNotExist`, as SQS does.
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_GetQueueAttributes.html
 */
import { createHash, randomUUID } from 'node:crypto';
import type { RequestListener } from 'node:http';
import { LocalAwsError } from './errors';
import { jsonRoute, requiredString } from './protocol-routes';

/** SQS's limit on one message body (256 KiB). */
const MAX_MESSAGE_BYTES = 262_144;

interface StoredMessage {
  messageId: string;
  body: string;
  md5: string;
  receiptHandle?: string;
  /** Epoch ms until which a received message is invisible. */
  invisibleUntil: number;
  receiveCount: number;
  sentAt: number;
}

class QueueDoesNotExistError extends LocalAwsError {
  constructor(queue: string) {
    super('QueueDoesNotExist', `The specified queue does not exist: ${queue}`, 400);
    this.name = 'QueueDoesNotExistError';
  }
}

export class LocalSqs {
  private readonly queues = new Map<string, StoredMessage[]>();

  constructor(private readonly options: { baseUrl: () => string; accountId?: string; region?: string; visibilityTimeoutSeconds?: number }) {}

  private get accountId(): string {
    return this.options.accountId ?? '000000000000';
  }

  createQueue(name: string): string {
    if (!/^[A-Za-z0-9_-]{1,80}(\.fifo)?$/.test(name)) throw new Error(`invalid queue name '${name}'`);
    if (!this.queues.has(name)) this.queues.set(name, []);
    return this.queueUrl(name);
  }

  queueUrl(name: string): string {
    return `${this.options.baseUrl()}/${this.accountId}/${name}`;
  }

  private queue(queueUrl: unknown): { name: string; messages: StoredMessage[] } {
    const url = requiredString(queueUrl, 'QueueUrl');
    const name = url.split('/').pop() ?? '';
    const messages = this.queues.get(name);
    if (!messages) throw new QueueDoesNotExistError(url);
    return { name, messages };
  }

  /** Mount under `extraRoutes['AmazonSQS.']`. */
  readonly route: RequestListener = jsonRoute({ version: '1.0', errorNamespace: 'com.amazonaws.sqs' }, {
    GetQueueUrl: async (request) => {
      const name = requiredString(request.QueueName, 'QueueName');
      if (!this.queues.has(name)) throw new QueueDoesNotExistError(name);
      return { QueueUrl: this.queueUrl(name) };
    },
    GetQueueAttributes: async (request) => {
      const { name, messages } = this.queue(request.QueueUrl);
      const now = Date.now();
      const all: Record<string, string> = {
        ApproximateNumberOfMessages: String(messages.filter((m) => m.invisibleUntil <= now).length),
        ApproximateNumberOfMessagesNotVisible: String(messages.filter((m) => m.invisibleUntil > now).length),
        ApproximateNumberOfMessagesDelayed: '0',
        QueueArn: `arn:aws:sqs:${this.options.region ?? 'us-east-1'}:${this.accountId}:${name}`,
        VisibilityTimeout: String(this.options.visibilityTimeoutSeconds ?? 30),
        ...(name.endsWith('.fifo') ? { FifoQueue: 'true' } : {}),
      };
      const names = Array.isArray(request.AttributeNames) ? (request.AttributeNames as string[]) : [];
      const wanted = names.includes('All') ? Object.keys(all) : names;
      return { Attributes: Object.fromEntries(wanted.filter((n) => all[n] !== undefined).map((n) => [n, all[n]!])) };
    },
    SendMessage: async (request) => {
      const { messages } = this.queue(request.QueueUrl);
      const body = requiredString(request.MessageBody, 'MessageBody');
      if (Buffer.byteLength(body) > MAX_MESSAGE_BYTES) throw new LocalAwsError('InvalidParameterValue', `One or more parameters are invalid. Reason: Message must be shorter than ${MAX_MESSAGE_BYTES} bytes.`);
      const message: StoredMessage = { messageId: randomUUID(), body, md5: createHash('md5').update(body).digest('hex'), invisibleUntil: 0, receiveCount: 0, sentAt: Date.now() };
      messages.push(message);
      return { MessageId: message.messageId, MD5OfMessageBody: message.md5 };
    },
    ReceiveMessage: async (request) => {
      const { messages } = this.queue(request.QueueUrl);
      const max = Number(request.MaxNumberOfMessages ?? 1);
      if (!Number.isInteger(max) || max < 1 || max > 10) throw new LocalAwsError('InvalidParameterValue', 'Value for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10.');
      const now = Date.now();
      const visibility = Number(request.VisibilityTimeout ?? this.options.visibilityTimeoutSeconds ?? 30);
      const received = messages.filter((m) => m.invisibleUntil <= now).slice(0, max);
      for (const m of received) {
        m.receiptHandle = randomUUID();
        m.invisibleUntil = now + visibility * 1000;
        m.receiveCount += 1;
      }
      return { Messages: received.map((m) => ({ MessageId: m.messageId, ReceiptHandle: m.receiptHandle, Body: m.body, MD5OfBody: m.md5, Attributes: { ApproximateReceiveCount: String(m.receiveCount), SentTimestamp: String(m.sentAt) } })) };
    },
    DeleteMessage: async (request) => {
      const { messages } = this.queue(request.QueueUrl);
      const handle = requiredString(request.ReceiptHandle, 'ReceiptHandle');
      const index = messages.findIndex((m) => m.receiptHandle === handle);
      if (index < 0) throw new LocalAwsError('ReceiptHandleIsInvalid', `The input receipt handle "${handle}" is not a valid receipt handle.`);
      messages.splice(index, 1);
      return {};
    },
    PurgeQueue: async (request) => {
      this.queue(request.QueueUrl).messages.length = 0;
      return {};
    },
  });
}
