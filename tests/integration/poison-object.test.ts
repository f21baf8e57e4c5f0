/**
 * A poison object on the local stack (issue 11): a coalesced window with three Firehose objects, one of them truncated
 * on its third line. The window's run loads the good objects, sets the bad one aside in the ledger's quarantine with
 * its line, emails one alert naming the key, the line and the retry command, builds the models downstream and
 * SUCCEEDS: nothing is retried forever. A signed Fivetran sync_end for wetransfer_app_db arrives in the same window
 * and is coalesced into that run: its new rows reach the marts (fct_transfers, dim_users) in it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { generateNewSyncBatch } from '../../src/demo/generate-demo-data';
import { signFivetranBody } from '../../src/events/fivetran';
import { LOCAL_WEBHOOK_SECRET } from '../../src/local/local-stack';
import { awsDependencies } from '../../src/runtime/aws-dependencies';
import type { TransformRunPayload } from '../../src/runtime/transform-run';
import { runQuery } from '../../src/engine/warehouse/run-query';
import { useDemoStack } from '../support/demo-stack';

const REPO = path.resolve(__dirname, '..', '..');
const BUCKET = 'landfall-landing';
const PREFIX = 'firehose/product_events/2026/12/05/07/';
const SAMPLE = path.join(REPO, 'events', 'samples', 'fivetran', 'sync-end-successful.json');
const asOf = new Date(new Date().toISOString().slice(0, 10));
const volumes = { users: 30, transfers: 120, boards: 20, decks: 20, productEvents: 200 };
const demo = useDemoStack({
  stateDirPrefix: 'landfall-poison-', asOf, volumes,
  stackOptions: { waitTimeScaleMs: 20, coalesceWindowMs: 1500 },
  initialBuild: { name: 'initial-build', input: { command: 'build' } },
});

async function objectCreated(key: string, size: number, etag: string): Promise<void> {
  await demo.current.stack.eventBus.putEvents({ Entries: [{
    Source: 'aws.s3', DetailType: 'Object Created', Resources: [`arn:aws:s3:::${BUCKET}`],
    Detail: JSON.stringify({ version: '0', bucket: { name: BUCKET }, object: { key, size, etag, sequencer: etag }, 'request-id': etag, requester: 'firehose.amazonaws.com', reason: 'PutObject' }),
  }] });
}

async function fivetranSyncEnd(syncId: string): Promise<void> {
  const sample = JSON.parse(fs.readFileSync(SAMPLE, 'utf8'));
  const body = Buffer.from(JSON.stringify({ ...sample, connector_id: 'wetransfer_app_db', sync_id: syncId, created: new Date().toISOString() }));
  const response = await fetch(demo.current.stack.webhookUrl, { method: 'POST', body, headers: { 'content-type': 'application/json', 'x-fivetran-signature-256': signFivetranBody(body, LOCAL_WEBHOOK_SECRET) } });
  expect(response.status).toBe(200);
}

it('loads the good objects, quarantines the truncated one with its line, alerts once, and the run succeeds with a Fivetran sync of the same window', async () => {
  const { stack, warehouse, settle, count } = demo.current;
  const { columns, rows } = await runQuery(warehouse, 'select * from raw.product_events order by event_id limit 1');
  const record = (id: string) => JSON.stringify({ ...Object.fromEntries(columns.map((c, j) => [c.name, rows[0]![j]])), event_id: id });
  const objects = {
    [`${PREFIX}good-a.json`]: `${record('poison-good-a1')}\n${record('poison-good-a2')}\n`,
    [`${PREFIX}bad.json`]: `${record('poison-bad-1')}\n${record('poison-bad-2')}\n${record('poison-bad-3').slice(0, 40)}\n`,
    [`${PREFIX}good-b.json`]: `${record('poison-good-b1')}\n`,
  };
  for (const [key, body] of Object.entries(objects)) {
    fs.mkdirSync(path.dirname(path.join(stack.s3Dir, BUCKET, key)), { recursive: true });
    fs.writeFileSync(path.join(stack.s3Dir, BUCKET, key), body);
  }
  // The Fivetran sync lands new rows in the connector's source tables (raw.users, raw.transfers, ...).
  const batch = generateNewSyncBatch({ asOf, batchNumber: 1, volumes });
  for (const sql of batch.statements) await runQuery(warehouse, sql);
  const rawBefore = await count('select count(*) from raw.product_events');
  const emailsBefore = fs.existsSync(stack.sns.outboxDir) ? fs.readdirSync(stack.sns.outboxDir).length : 0;

  await Promise.all([
    ...Object.entries(objects).map(([key, body], i) => objectCreated(key, Buffer.byteLength(body), `etag-poison-${i}`)),
    fivetranSyncEnd('sync-with-poison-object'),
  ]);
  await settle();

  const executions = ((await stack.stepFunctions.listExecutions({ stateMachineArn: stack.transformStateMachineArn })).executions ?? []).filter((e) => e.name!.startsWith('arrivals-'));
  expect(executions.map((e) => e.status)).toEqual(['SUCCEEDED']);
  const execution = stack.stepFunctions.getExecution(executions[0]!.executionArn!)!;
  const { run } = await awsDependencies().runStates.read((JSON.parse(execution.output!) as TransformRunPayload).state);
  const load = run.nodes.find((n) => n.kind === 'load')!;
  expect(load).toMatchObject({ status: 'success', rows: 2 });
  expect(load.load!.quarantined).toEqual([expect.objectContaining({ bucket: BUCKET, key: `${PREFIX}bad.json`, line: 3, column: 1 })]);
  // The good objects' rows are in, none of the bad object's; the models downstream of both loaders ran.
  expect(await count('select count(*) from raw.product_events')).toBe(rawBefore + 3);
  expect(await count("select count(*) from raw.product_events where event_id like 'poison-bad-%'")).toBe(0);
  expect(await count("select count(*) from analytics_staging.stg_events__product_events where event_id like 'poison-good-%'")).toBe(3);
  expect(run.nodes.filter((n) => n.status === 'skipped' || n.status === 'error')).toEqual([]);
  // The Fivetran sync was coalesced into the same run and its models were built in it.
  const input = JSON.parse(execution.input) as { reason: string; select: string[] };
  expect(input.reason).toMatch(/^4 arrivals coalesced \((s3, fivetran|fivetran, s3)\)/);
  const built = (name: string) => run.nodes.find((n) => n.kind === 'model' && n.name === name)?.status;
  expect(['fct_transfers', 'dim_users'].map(built)).toEqual(['success', 'success']);
  expect(await count('select count(*) from analytics_marts.fct_transfers')).toBe(volumes.transfers + batch.newRowCounts.transfers);
  expect(await count('select count(*) from analytics_marts.dim_users')).toBe(await count('select count(*) from raw.users'));
  // The ledger's quarantine has it, with the line; the ledger does not.
  const quarantine = await runQuery(warehouse, 'select object_key, line_number, column_number, error_message from landfall.load_quarantine');
  expect(quarantine.rows).toEqual([[`${PREFIX}bad.json`, 3, 1, expect.stringContaining('line 3')]]);
  expect(await count(`select count(*) from landfall.load_ledger where object_key like '%bad.json'`)).toBe(0);
  // One alert: bucket, key, line, error and the retry command.
  const emails = fs.readdirSync(stack.sns.outboxDir).sort().slice(emailsBefore).map((f) => fs.readFileSync(path.join(stack.sns.outboxDir, f), 'utf8'));
  const alerts = emails.filter((e) => e.includes('quarantined'));
  expect(alerts).toHaveLength(1);
  expect(alerts[0]).toContain(`s3://${BUCKET}/${PREFIX}bad.json`);
  expect(alerts[0]).toContain('line 3, column 1');
  expect(alerts[0]).toContain(`npx landfall loads retry ${PREFIX}bad.json`);
}, 120_000);
