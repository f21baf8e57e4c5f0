/**
 * The pipeline end to end, locally: the real state machine definition run by aws-local-stepfunctions,
 * the real handlers, the real SDK clients against the local endpoints, PGlite as the warehouse.
 */
import fs from 'node:fs';
import path from 'node:path';
import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { generateNewSyncBatch, fixPlantedIssueSql, plantIssueInTransferSql } from '../../src/demo/generate-demo-data';
import { signFivetranBody } from '../../src/events/fivetran';
import { LOCAL_WEBHOOK_SECRET } from '../../src/local/local-stack';
import { localFunctionName } from '../../src/local/local-functions';
import type { StoredExecution } from '../../src/local/aws/execution-store';
import { runQuery } from '../../src/engine/warehouse/run-query';
import { awsDependencies } from '../../src/runtime/aws-dependencies';
import type { TransformRunPayload } from '../../src/runtime/transform-run';
import { useDemoStack } from '../support/demo-stack';

const REPO = path.resolve(__dirname, '..', '..');
const SAMPLE = path.join(REPO, 'events', 'samples', 'fivetran', 'sync-end-successful.json');
// Data as of today: partitioned models read the window since their last published run.
const asOf = new Date(new Date().toISOString().slice(0, 10));
const volumes = { users: 40, transfers: 200, boards: 30, decks: 30, productEvents: 500 };
// A first full build through the state machine, started by hand as the console would.
const demo = useDemoStack({
  stateDirPrefix: 'landfall-it-', asOf, volumes,
  stackOptions: { waitTimeScaleMs: 5 },
  initialBuild: { name: 'initial-build', input: { command: 'build', reason: 'first build' } },
});

function webhookBody(syncId: string, connectorId = 'wetransfer_app_db'): Buffer {
  const sample = JSON.parse(fs.readFileSync(SAMPLE, 'utf8'));
  return Buffer.from(JSON.stringify({ ...sample, sync_id: syncId, connector_id: connectorId }));
}

async function post(body: Buffer, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  const response = await fetch(demo.current.stack.webhookUrl, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
  return { status: response.status, body: await response.text() };
}

async function executions(): Promise<StoredExecution[]> {
  const { stack } = demo.current;
  const listed = await stack.stepFunctions.listExecutions({ stateMachineArn: stack.transformStateMachineArn });
  return (listed.executions ?? []).map((e) => stack.stepFunctions.getExecution(e.executionArn!)!);
}

/** RFC 2047 encoded words → text. */
function decodeHeader(value: string): string {
  return value.replace(/\r?\n /g, '').replace(/=\?UTF-8\?B\?([^?]*)\?=/gi, (_m, b64: string) => Buffer.from(b64, 'base64').toString('utf8'));
}

describe('State machine: transform-run', () => {
  it('builds and tests the whole project from a run request', async () => {
    const [initial] = await executions();
    expect(initial!.status).toBe('SUCCEEDED');
    const { count, stack } = demo.current;
    expect(await count('select count(*) from analytics_marts.fct_transfers')).toBe(200);
    expect(await count('select count(*) from analytics_marts.dim_users')).toBe(40);
    // AdvanceRun rendered through RenderPlans with real Lambda Invokes (src/runtime/lambda-renderer.ts), as deployed.
    expect(stack.lambda.invocations.get(localFunctionName('render-plans')) ?? 0).toBeGreaterThan(0);
  });

  it('refuses unsigned, wrongly signed and malformed webhooks and starts nothing', async () => {
    const { settle } = demo.current;
    const before = (await executions()).length;
    const body = webhookBody('sync-bad-1');
    expect((await post(body, {})).status).toBe(401);
    expect((await post(body, { 'x-fivetran-signature-256': signFivetranBody(body, 'not-the-secret') })).status).toBe(401);
    const notJson = Buffer.from('{"event": "sync_end",');
    expect((await post(notJson, { 'x-fivetran-signature-256': signFivetranBody(notJson, LOCAL_WEBHOOK_SECRET) })).status).toBe(400);
    const wrongShape = Buffer.from(JSON.stringify({ event: 'sync_end', connector_id: 42 }));
    const rejected = await post(wrongShape, { 'x-fivetran-signature-256': signFivetranBody(wrongShape, LOCAL_WEBHOOK_SECRET) });
    expect(rejected.status).toBe(400);
    expect(rejected.body).toContain('connector_id');
    await settle();
    expect((await executions()).length).toBe(before);
  });

  it('turns a signed sync_end into one execution that builds only the models downstream of the connector', async () => {
    const { warehouse, settle, count } = demo.current;
    const before = await executions();
    const batch = generateNewSyncBatch({ asOf, batchNumber: 1, volumes });
    for (const sql of batch.statements) await runQuery(warehouse, sql);
    const body = webhookBody('sync-good-1');
    // Upper-case hex is accepted too (Fivetran's sample receivers compare case-insensitively).
    const accepted = await post(body, { 'x-fivetran-signature-256': signFivetranBody(body, LOCAL_WEBHOOK_SECRET).toUpperCase() });
    expect(accepted.status).toBe(200);
    await settle();
    const after = await executions();
    expect(after.length).toBe(before.length + 1);
    const run = after.find((e) => !before.some((b) => b.executionArn === e.executionArn))!;
    expect(run.status).toBe('SUCCEEDED');
    // The output points at the run state in (local) S3; the nodes are there.
    const output = JSON.parse(run.output!) as TransformRunPayload;
    const nodes = (await awsDependencies().runStates.read(output.state)).run.nodes;
    const models = nodes.filter((n) => n.kind === 'model').map((n) => n.id.split('.').pop()).sort();
    expect(models).toContain('fct_transfers');
    expect(models).toContain('stg_wetransfer_app_db__users');
    // Built only from the event stream: not downstream of the Fivetran connector.
    expect(models).not.toContain('stg_events__product_events');
    expect(models).not.toContain('fct_product_usage');
    expect(nodes.every((n) => n.status === 'success' || n.status === 'pass')).toBe(true);
    expect(await count('select count(*) from analytics_marts.fct_transfers')).toBe(200 + batch.newRowCounts.transfers);
    // A retried delivery of the same sync starts nothing new.
    expect((await post(body, { 'x-fivetran-signature-256': signFivetranBody(body, LOCAL_WEBHOOK_SECRET) })).status).toBe(200);
    await settle();
    expect((await executions()).length).toBe(after.length);
  });

  it('emails the failing test with sample rows, skips what is downstream, and passes on replay after the fix', async () => {
    const { stack, warehouse, settle } = demo.current;
    const { rows } = await runQuery(warehouse, "select id from raw.transfers where status = 'active' order by id limit 1");
    await runQuery(warehouse, plantIssueInTransferSql(String(rows[0]![0])));
    const before = await executions();
    const body = webhookBody('sync-typo-1');
    expect((await post(body, { 'x-fivetran-signature-256': signFivetranBody(body, LOCAL_WEBHOOK_SECRET) })).status).toBe(200);
    await settle();
    const failed = (await executions()).find((e) => !before.some((b) => b.executionArn === e.executionArn))!;
    expect(failed.status).toBe('FAILED');
    expect(failed.error).toBe('landfall.RunFailed');

    const emails = fs.readdirSync(stack.sns.outboxDir).filter((f) => f.endsWith('.eml'));
    expect(emails.length).toBeGreaterThanOrEqual(1);
    const eml = fs.readFileSync(path.join(stack.sns.outboxDir, emails.sort().pop()!), 'utf8');
    expect(decodeHeader(eml.match(/^Subject: (.*(?:\r?\n [^\r\n]*)*)/m)![1]!)).toBe('[landfall_demo] FAILING: stg_wetransfer_app_db__transfers');
    expect(eml).toContain('accepted_values');
    expect(eml).toContain('expird');
    expect(eml).toContain('fct_transfers');
    expect(eml).toContain('console.aws.amazon.com/states/home');

    const seenEmails = new Set(fs.readdirSync(stack.sns.outboxDir));
    await runQuery(warehouse, fixPlantedIssueSql());
    const replay = await demo.current.sfn.send(new StartExecutionCommand({ stateMachineArn: failed.stateMachineArn, name: `${failed.name.slice(0, 60)}-r`, input: failed.input }));
    const replayed = await stack.stepFunctions.waitForExecution(replay.executionArn!);
    expect(replayed.status).toBe('SUCCEEDED');
    expect(replayed.stateTransitions).toBeLessThan(40);
    // The passing replay resolves the incident (UpdateIncidents): one "resolved" email, nothing else.
    const after = fs.readdirSync(stack.sns.outboxDir).filter((f) => f.endsWith('.eml') && !seenEmails.has(f));
    expect(after).toHaveLength(1);
    const resolved = fs.readFileSync(path.join(stack.sns.outboxDir, after[0]!), 'utf8');
    expect(decodeHeader(resolved.match(/^Subject: (.*(?:\r?\n [^\r\n]*)*)/m)![1]!)).toMatch(/^\[landfall_demo\] RESOLVED: accepted_values_stg_wetransfer_app_db__transfers_status__/);
  });
});
