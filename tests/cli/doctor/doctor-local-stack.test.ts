/**
 * `landfall doctor --local` against the local stack: every check passes (or is skipped, saying why) on a
 * healthy stack; with faults planted through the real APIs — a routed bucket without EventBridge
 * notifications, an unconfirmed email subscription, a message in the dead-letter queue, an alarm firing —
 * the matching lines fail, name the fix, and the exit code is 1.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SetAlarmStateCommand, CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { PutBucketNotificationConfigurationCommand, S3Client } from '@aws-sdk/client-s3';
import { SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { GetQueueUrlCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { main } from '../../../src/cli/main';
import { generateDemoData } from '../../../src/demo/generate-demo-data';
import { LOCAL_ALARM, LOCAL_DEAD_LETTER_QUEUE } from '../../../src/local/aws/local-deployment';
import { ALERT_TOPIC, startLocalStack, type LocalStack } from '../../../src/local/local-stack';

const REPO = path.resolve(__dirname, '..', '..', '..');
let stack: LocalStack;
let stateDir: string;

beforeAll(async () => {
  stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'landfall-doctor-'));
  stack = await startLocalStack({ repoRoot: REPO, projectDir: path.join(REPO, 'dbt'), stateDir, waitTimeScaleMs: 5 });
  const data = generateDemoData({ asOf: new Date('2026-11-15T00:00:00Z'), volumes: { users: 10, transfers: 20, boards: 5, decks: 5, productEvents: 20, days: 3 } });
  for (const sql of [...data.ddl, ...data.inserts]) await stack.engine.query(sql);
  // As `landfall serve` does: the endpoints the other commands (and doctor --local) find.
  fs.writeFileSync(path.join(stateDir, 'endpoints.json'), JSON.stringify({ pid: process.pid, ...stack.endpoints }));
}, 120_000);

afterAll(async () => {
  await stack?.close();
  fs.rmSync(stateDir, { recursive: true, force: true });
});

async function doctor(): Promise<{ code: number; out: string }> {
  let out = '';
  const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += chunk.toString();
    return true;
  });
  try {
    const code = await main(['doctor', '--local', '--state-dir', stateDir, '--project-dir', path.join(REPO, 'dbt')]);
    return { code, out };
  } finally {
    write.mockRestore();
  }
}

/** The block of one check: its status line and the fix line under it. */
function lineOf(out: string, check: RegExp): string {
  const lines = out.split('\n');
  const index = lines.findIndex((l) => /^(PASS|FAIL|SKIP) /.test(l) && check.test(l));
  if (index < 0) throw new Error(`no line for ${check} in:\n${out}`);
  return [lines[index], lines[index + 1]?.startsWith('      ') ? lines[index + 1] : ''].join('\n');
}

describe('landfall doctor --local', () => {
  it('passes on the local stack as `landfall serve` runs it', async () => {
    const { code, out } = await doctor();
    expect(out).not.toMatch(/^FAIL/m);
    expect(code).toBe(0);
    expect(lineOf(out, /AWS credentials/)).toMatch(/^PASS .*account 000000000000 as arn:aws:iam::000000000000:user\/local, region us-east-1/);
    expect(lineOf(out, /stack landfall-local/)).toMatch(/^PASS .*CREATE_COMPLETE, 4 resources/);
    expect(lineOf(out, /stack outputs/)).toMatch(/FivetranWebhookUrl=http:\/\/127\.0\.0\.1:\d+\/webhooks\/fivetran/);
    expect(lineOf(out, /Data API/)).toMatch(/^PASS/);
    expect(lineOf(out, /privileges of/)).toMatch(/^PASS .*usage on 1 source schemas, select on 5 source tables, insert on 1 loaded tables/);
    expect(lineOf(out, /bucket landfall-landing/)).toMatch(/^PASS .*EventBridge/);
    expect(lineOf(out, /alert subscriptions/)).toMatch(/^PASS .*1 confirmed \(email:data-team@example.com\)/);
    expect(lineOf(out, /dead-letter queue/)).toMatch(/^PASS .*empty/);
    expect(lineOf(out, /alarm /)).toMatch(/^PASS .*INSUFFICIENT_DATA/);
    expect(lineOf(out, /Fivetran webhook/)).toMatch(/^SKIP .*FIVETRAN_API_KEY/);
  }, 60_000);

  it('fails on planted faults, each line naming its fix, and exits 1', async () => {
    // Planted through the same APIs an operator (or a broken deploy) would use.
    const s3 = new S3Client({ forcePathStyle: true });
    await s3.send(new PutBucketNotificationConfigurationCommand({ Bucket: 'landfall-landing', NotificationConfiguration: {} }));
    const topicArn = stack.sns.topicArn(ALERT_TOPIC);
    const subscribed = await new SNSClient({}).send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'email', Endpoint: 'oncall@example.com' }));
    expect(subscribed.SubscriptionArn).toBe('pending confirmation');
    const sqs = new SQSClient({});
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: LOCAL_DEAD_LETTER_QUEUE }));
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: JSON.stringify({ 'detail-type': 'Data Arrived' }) }));
    await new CloudWatchClient({}).send(new SetAlarmStateCommand({ AlarmName: LOCAL_ALARM, StateValue: 'ALARM', StateReason: 'Threshold Crossed: 1 datapoint [1.0] was greater than the threshold (0.0)' }));

    const { code, out } = await doctor();
    expect(code).toBe(1);
    expect(lineOf(out, /bucket landfall-landing/)).toMatch(/^FAIL .*EventBridge notifications are off[\s\S]*fix: S3 console → landfall-landing → Properties → Amazon EventBridge → Edit → On/);
    expect(lineOf(out, /alert subscriptions/)).toMatch(/^FAIL .*1 of 2 not confirmed \(email:oncall@example.com\)[\s\S]*fix: open the .*Subscription Confirmation" email sent to oncall@example.com and click "Confirm subscription"/);
    expect(lineOf(out, /dead-letter queue/)).toMatch(/^FAIL .*1 message\(s\) waiting[\s\S]*fix: read them \(aws sqs receive-message/);
    expect(lineOf(out, /alarm /)).toMatch(/^FAIL .*in ALARM since .*Threshold Crossed[\s\S]*fix: see https:\/\/us-east-1\.console\.aws\.amazon\.com\/cloudwatch/);
    // And the local bus now refuses S3 events for that bucket, as S3 would send none.
    await stack.eventBus.putEvents({ Entries: [{ Source: 'aws.s3', DetailType: 'Object Created', Resources: ['arn:aws:s3:::landfall-landing'],
      Detail: JSON.stringify({ version: '0', bucket: { name: 'landfall-landing' }, object: { key: 'firehose/product_events/x.json', size: 1, etag: 'e', sequencer: '1' }, 'request-id': 'r', requester: 'firehose.amazonaws.com', reason: 'PutObject' }) }] });
    await stack.eventBus.whenIdle();
    const deliveries = fs.readFileSync(path.join(stateDir, 'events', 'deliveries.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { rule: string; outcome: string; error?: string });
    expect(deliveries.filter((d) => d.rule === 's3-object-created')).toEqual([expect.objectContaining({ outcome: 'failed', error: expect.stringContaining('S3 sends no events for bucket landfall-landing: its EventBridge notifications are off') })]);
    expect(deliveries.some((d) => d.rule === 'start-transform-run')).toBe(false);
    // The rest still passes: one fault does not hide the others' state.
    expect(lineOf(out, /privileges of/)).toMatch(/^PASS/);
    expect(out).toMatch(/\n\d+ passed, 4 failed, \d+ skipped\n/);
  }, 60_000);
});
