import { readFileSync, readdirSync } from 'node:fs';
import { InvalidParameterException, NotFoundException, PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { composeRunFailureAlert } from '../../../src/alerts';
import { decodeQuotedPrintable } from '../../../src/local/aws/email-message';
import { type LocalCloud, startLocalCloud } from '../../../src/local/aws/local-cloud';
import { LocalSnsOutbox, type PublishedEmail } from '../../../src/local/aws/sns-outbox';
import { clientConfig, makeStateDir } from './support';

/** Splits an .eml file into its headers (unfolded) and its raw body. */
function parseEml(eml: string): { headers: Record<string, string>; body: string } {
  const [head, ...rest] = eml.split('\r\n\r\n');
  const headers: Record<string, string> = {};
  for (const line of head.replace(/\r\n /g, ' ').split('\r\n')) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon)] = line.slice(colon + 2);
  }
  return { headers, body: rest.join('\r\n\r\n') };
}

/** Decodes `=?UTF-8?B?...?=` words (RFC 2047) separated by folding whitespace. */
function decodeEncodedWords(value: string): string {
  return value
    .split(' ')
    .map((word) => /^=\?UTF-8\?B\?(.*)\?=$/.exec(word)?.[1] ?? '')
    .map((base64) => Buffer.from(base64, 'base64'))
    .reduce((text, bytes) => text + bytes.toString('utf8'), '');
}

describe('Class: LocalSnsOutbox (through @aws-sdk/client-sns)', () => {
  const topicArn = 'arn:aws:sns:us-east-1:000000000000:landfall-alerts';
  let stateDir: string;
  let removeStateDir: () => void;
  let outbox: LocalSnsOutbox;
  let cloud: LocalCloud;
  let sns: SNSClient;
  let published: PublishedEmail[];

  beforeEach(async () => {
    ({ stateDir, remove: removeStateDir } = makeStateDir());
    published = [];
    outbox = new LocalSnsOutbox({
      stateDir,
      topics: { 'landfall-alerts': { emailAddresses: ['data-team@example.com', 'oncall@example.com'], displayName: 'Landfall' } },
      onPublish: (email) => published.push(email),
    });
    cloud = await startLocalCloud({ sns: outbox });
    sns = new SNSClient(clientConfig(cloud.url));
  });

  afterEach(async () => {
    sns.destroy();
    await cloud.close();
    removeStateDir();
  });

  function readOnlyEml(): string {
    const files = readdirSync(outbox.outboxDir);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/\.eml$/);
    return readFileSync(`${outbox.outboxDir}/${files[0]}`, 'utf8');
  }

  it('writes a published message as an RFC 5322 email and returns its MessageId', async () => {
    const { MessageId } = await sns.send(
      new PublishCommand({ TopicArn: topicArn, Subject: '[landfall] run failed', Message: 'fct_transfers failed\nsee below' }),
    );
    const { headers, body } = parseEml(readOnlyEml());

    expect(MessageId).toMatch(/^[0-9a-f-]{36}$/);
    expect(headers).toMatchObject({
      From: '"Landfall" <no-reply@sns.amazonaws.com>',
      To: '<data-team@example.com>, <oncall@example.com>',
      Subject: '[landfall] run failed',
      'Message-ID': `<${MessageId}@sns.localhost>`,
      'MIME-Version': '1.0',
      'Content-Type': 'text/plain; charset=UTF-8',
      'Content-Transfer-Encoding': '8bit',
    });
    expect(headers.Date).toMatch(/^\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} \+0000$/);
    expect(body.startsWith('fct_transfers failed\r\nsee below\r\n')).toBe(true);
    expect(published).toEqual([expect.objectContaining({ messageId: MessageId, topicArn, body: 'fct_transfers failed\nsee below' })]);
  });

  it('encodes a non-ASCII subject with RFC 2047 and keeps each encoded word within 75 characters', async () => {
    const subject = '[landfall] échec du modèle fct_transferts — données « brutes » manquantes ✗';
    await sns.send(new PublishCommand({ TopicArn: topicArn, Subject: subject, Message: 'x' }));
    const eml = readOnlyEml();
    const subjectLines = eml.slice(eml.indexOf('Subject: ')).split('\r\n');

    expect(decodeEncodedWords(parseEml(eml).headers.Subject)).toBe(subject);
    expect(subjectLines[1].startsWith(' =?UTF-8?B?')).toBe(true);
    for (const word of parseEml(eml).headers.Subject.split(' ')) expect(word.length).toBeLessThanOrEqual(75);
  });

  it('uses quoted-printable when a line is too long for SMTP, and the text decodes back exactly', async () => {
    const longLine = `select ${'amount_eur, '.repeat(120)}ünïcode from fct_transfers`;
    await sns.send(new PublishCommand({ TopicArn: topicArn, Subject: 'sql', Message: `header\n${longLine}` }));
    const { headers, body } = parseEml(readOnlyEml());

    expect(headers['Content-Transfer-Encoding']).toBe('quoted-printable');
    for (const line of body.split('\r\n')) expect(line.length).toBeLessThanOrEqual(76);
    expect(decodeQuotedPrintable(body).startsWith(`header\r\n${longLine}\r\n`)).toBe(true);
  });

  it('sends the email entry of a MessageStructure=json message, or its default', async () => {
    await sns.send(
      new PublishCommand({ TopicArn: topicArn, MessageStructure: 'json', Message: JSON.stringify({ default: 'short', email: 'the long email' }) }),
    );
    await sns.send(new PublishCommand({ TopicArn: topicArn, MessageStructure: 'json', Message: JSON.stringify({ default: 'only default' }) }));

    expect(published.map((email) => email.body)).toEqual(['the long email', 'only default']);
    expect(published[0].subject).toBe('AWS Notification Message');
  });

  it.each([
    ['a subject of 100 characters', { Subject: 'x'.repeat(100), Message: 'm' }, /Subject/],
    ['a subject with a line break', { Subject: 'run failed\nsecond line', Message: 'm' }, /Subject/],
    ['a subject with a carriage return', { Subject: 'run failed\r', Message: 'm' }, /Subject/],
    ['a message over 262,144 bytes', { Subject: 's', Message: 'é'.repeat(131_073) }, /Message too long/],
    ['an empty message', { Subject: 's', Message: '' }, /Empty message/],
    ['a json structure without default', { MessageStructure: 'json', Message: '{"email":"x"}' }, /No default entry/],
  ])('rejects %s with InvalidParameterException', async (_case, fields, message) => {
    const publishing = sns.send(new PublishCommand({ TopicArn: topicArn, ...fields }));

    await expect(publishing).rejects.toBeInstanceOf(InvalidParameterException);
    await expect(publishing).rejects.toThrow(message);
    expect(published).toHaveLength(0);
  });

  it('accepts a 99-character subject and a message of exactly 262,144 bytes', async () => {
    await sns.send(new PublishCommand({ TopicArn: topicArn, Subject: 'x'.repeat(99), Message: 'é'.repeat(131_072) }));

    expect(published).toHaveLength(1);
  });

  it('accepts a run-failure alert composed at the size limits', async () => {
    const alert = composeRunFailureAlert({
      runId: 'r'.repeat(200),
      executionArn: 'arn:aws:states:us-east-1:000000000000:execution:transform:run-1',
      region: 'us-east-1',
      trigger: { loader: 'fivetran', arrivedAt: '2026-11-27T02:09:41Z' },
      failures: [{ kind: 'model', nodeId: 'model.p.m', name: 'm\nm', error: 'ERROR: x', compiledSql: 'é'.repeat(300_000), file: 'models/m.sql' }],
      skipped: [],
      passed: { models: 0, tests: 0 },
    });
    await sns.send(new PublishCommand({ TopicArn: topicArn, Subject: alert.subject, Message: alert.body }));

    expect(published[0].subject).toBe(alert.subject);
  });

  it('rejects topics it does not know with NotFoundException', async () => {
    const publishing = sns.send(new PublishCommand({ TopicArn: 'arn:aws:sns:us-east-1:000000000000:unknown', Message: 'm' }));

    await expect(publishing).rejects.toBeInstanceOf(NotFoundException);
  });
});
