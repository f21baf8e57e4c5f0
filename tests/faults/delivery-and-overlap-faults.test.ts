/**
 * Fault matrix, part 2 (tests/faults/README.md): a lost run-finished event, SNS publish failing, PutEvents
 * partially failing, the same arrival delivered three times, two triggers at once for the same models, a console
 * run during an arrival run. Each scenario runs the sample project through the real state machine on the local
 * stack and must end in the clean build's state.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ListExecutionsCommand, RedriveExecutionCommand } from '@aws-sdk/client-sfn';
import { plantIssueInTransferSql } from '../../src/demo/generate-demo-data';
import { signFivetranBody } from '../../src/events/fivetran';
import { LOCAL_WEBHOOK_SECRET } from '../../src/local/local-stack';
import { runLocksFromEnvironment } from '../../src/runtime/run-locks-aws';
import { runQuery } from '../../src/engine/warehouse/run-query';
import { awsQueryError } from './support/fault-proxy';
import { expectCleanEndState, useFaultStack } from './support/fault-stack';

const SAMPLE = path.resolve(__dirname, '..', '..', 'events', 'samples', 'fivetran', 'sync-end-successful.json');
const fixture = useFaultStack('delivery');


/** A signed Fivetran `sync_end` for the sample connector, as a new sync (its own arrival id). */
function syncEnd(syncId: string): string {
  return JSON.stringify({ ...JSON.parse(fs.readFileSync(SAMPLE, 'utf8')), sync_id: syncId });
}

async function postWebhook(body: string): Promise<number> {
  const response = await fetch(fixture.current.stack.webhookUrl, { method: 'POST', body, headers: { 'content-type': 'application/json', 'x-fivetran-signature-256': signFivetranBody(body, LOCAL_WEBHOOK_SECRET) } });
  await response.text();
  return response.status;
}

/** Executions started since `before` (a list of names). */
async function startedSince(before: string[]) {
  return (await executions()).filter((e) => !before.includes(e.name!));
}

async function names(): Promise<string[]> {
  return (await executions()).map((e) => e.name!);
}

async function executions() {
  const listed = await fixture.current.sfn.send(new ListExecutionsCommand({ stateMachineArn: fixture.current.stack.transformStateMachineArn, maxResults: 1000 }));
  return listed.executions ?? [];
}

/** The transfer whose status a failing run misspells, to be put back exactly as it was (the clean build's data). */
let planted: string | undefined;

async function failingTransferRun(name: string) {
  const { rows } = await runQuery(fixture.current.warehouse, "select id from raw.transfers where status = 'active' order by id limit 1");
  planted = String(rows[0]![0]);
  await runQuery(fixture.current.warehouse, plantIssueInTransferSql(planted));
  const arn = await fixture.current.start(name, { command: 'build', reason: `fault matrix: ${name}` });
  return { arn, result: await fixture.current.stack.stepFunctions.waitForExecution(arn) };
}

async function fixDataAndRedrive(arn: string) {
  await runQuery(fixture.current.warehouse, `update raw.transfers set status = 'active' where id = '${planted!.replace(/'/g, "''")}'`);
  await fixture.current.sfn.send(new RedriveExecutionCommand({ executionArn: arn }));
  return fixture.current.stack.stepFunctions.waitForExecution(arn);
}

describe('Fault matrix: deliveries and overlapping runs', () => {
  it('a lost run-finished event: the closed run\'s locks are taken over at once by the next run (DescribeExecution), no RunLockedError', async () => {
    // The release that the status-change event would have triggered never happens: the clean build (closed) still holds every lock.
    await runLocksFromEnvironment()!.acquire(fixture.current.lockKeys.filter((key) => !key.startsWith('load:')), { arn: fixture.current.cleanBuildArn, name: 'clean-build' });
    const arn = await fixture.current.start('after-lost-event', { command: 'build', reason: 'fault matrix: lost run-finished event' });
    expect((await fixture.current.stack.stepFunctions.waitForExecution(arn)).status).toBe('SUCCEEDED');
    expect(fixture.current.taskErrors).not.toContain('RunLockedError');
    await expectCleanEndState(fixture.current);
  });

  it('SNS Publish failing once: the SDK retries it and the one alert email goes out', async () => {
    const emails = fixture.current.emailCount();
    fixture.current.proxies.sns.add({ matches: (r) => r.operation === 'Publish', times: 1, respond: () => awsQueryError('InternalError', 'Internal error') });
    const { arn, result } = await failingTransferRun('sns-fails-once');
    expect(result.error).toBe('landfall.RunFailed');
    expect(fixture.current.proxies.sns.fired).toEqual(['Publish']);
    const sent = fixture.current.emailsSince(emails);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toContain('accepted_values');
    expect((await fixDataAndRedrive(arn)).status).toBe('SUCCEEDED');
    // The redriven run passes: what failed (or crashed) resolves, in one RESOLVED email (docs/alerts.md).
    expect(fixture.current.emailCount()).toBe(emails + 2);
    expect(fixture.current.emailsSince(emails + 1)[0]).toContain('passing again');
    await expectCleanEndState(fixture.current);
  });

  it('SNS Publish failing through the SDK\'s retries: PublishAlert crashes, the crash alert still reaches the team, a redrive ends clean', async () => {
    const emails = fixture.current.emailCount();
    fixture.current.proxies.sns.add({ matches: (r) => r.operation === 'Publish', times: 3, respond: () => awsQueryError('InternalError', 'Internal error') });
    const { arn, result } = await failingTransferRun('sns-fails');
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('landfall.RunCrashed');
    const sent = fixture.current.emailsSince(emails);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatch(/^Subject: .*run crashed in PublishAlert/m);
    expect(sent[0]).toContain('InternalError');
    expect((await fixDataAndRedrive(arn)).status).toBe('SUCCEEDED');
    // The redriven run passes: what failed (or crashed) resolves, in one RESOLVED email (docs/alerts.md).
    expect(fixture.current.emailCount()).toBe(emails + 2);
    expect(fixture.current.emailsSince(emails + 1)[0]).toContain('passing again');
    await expectCleanEndState(fixture.current);
  });

  it('PutEvents partially failing: the webhook answers 502 so Fivetran retries, and the retry starts exactly one run', async () => {
    const before = await names();
    fixture.current.proxies.eventBridge.add({
      matches: (r) => r.operation === 'AWSEvents.PutEvents',
      times: 1,
      respond: () => ({ status: 200, body: JSON.stringify({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'Internal service error' }] }) }),
    });
    const body = syncEnd('fault-matrix-putevents-partial');
    expect(await postWebhook(body)).toBe(502);
    await fixture.current.settle();
    expect(await startedSince(before)).toEqual([]);
    expect(await postWebhook(body)).toBe(200);
    await fixture.current.settle();
    const started = await startedSince(before);
    expect(started.map((e) => e.status)).toEqual(['SUCCEEDED']);
    expect(started[0]!.name).toMatch(/^arrivals-/);
    await expectCleanEndState(fixture.current);
  });

  it('the same arrival delivered three times at once: one run', async () => {
    const before = await names();
    const body = syncEnd('fault-matrix-three-times');
    expect(await Promise.all([postWebhook(body), postWebhook(body), postWebhook(body)])).toEqual([200, 200, 200]);
    await fixture.current.settle();
    expect((await startedSince(before)).map((e) => e.status)).toEqual(['SUCCEEDED']);
    await expectCleanEndState(fixture.current);
  });

  it('two triggers at once for the same models: the run locks serialize them, both succeed', async () => {
    const [a, b] = await Promise.all([
      fixture.current.start('trigger-a', { command: 'build', select: ['stg_wetransfer_app_db__transfers+'], reason: 'fault matrix: trigger a' }),
      fixture.current.start('trigger-b', { command: 'build', select: ['stg_wetransfer_app_db__transfers+'], reason: 'fault matrix: trigger b' }),
    ]);
    const results = await Promise.all([a, b].map((arn) => fixture.current.stack.stepFunctions.waitForExecution(arn)));
    expect(results.map((r) => r.status)).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    expect(fixture.current.taskErrors).toContain('RunLockedError');
    await expectCleanEndState(fixture.current);
  });

  it('a console run during an arrival run on the same models: both succeed, no relation lost', async () => {
    const before = await names();
    const posted = postWebhook(syncEnd('fault-matrix-console-during-arrival'));
    for (let i = 0; i < 200 && !(await executions()).some((e) => e.name!.startsWith('arrivals-') && e.status === 'RUNNING'); i++) await new Promise((r) => setTimeout(r, 25));
    const consoleArn = await fixture.current.start('console-during-arrival', { command: 'build', reason: 'fault matrix: console run' });
    expect(await posted).toBe(200);
    await fixture.current.settle();
    expect((await fixture.current.stack.stepFunctions.waitForExecution(consoleArn)).status).toBe('SUCCEEDED');
    const started = await startedSince(before);
    expect(started.map((e) => e.status)).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    expect(started.some((e) => e.name!.startsWith('arrivals-'))).toBe(true);
    // They did overlap: one of them waited for the other's locks.
    expect(fixture.current.taskErrors).toContain('RunLockedError');
    await expectCleanEndState(fixture.current);
  });
});
