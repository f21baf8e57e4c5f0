/**
 * The reconciler on the local stack (issue 11): deliveries whose event never came are found and run. A Firehose
 * object lands with no Object Created event; a Fivetran sync lands with no webhook (the local Fivetran REST API says
 * it succeeded). One reconciliation puts both on the bus; the coalescer starts a run for each; the object is loaded
 * and built downstream; the sync's new rows reach the connector's marts (fct_transfers, dim_users) in its run; a
 * second reconciliation starts nothing again.
 */
import fs from 'node:fs';
import path from 'node:path';
import { generateNewSyncBatch } from '../../src/demo/generate-demo-data';
import { awsDependencies } from '../../src/runtime/aws-dependencies';
import type { TransformRunPayload } from '../../src/runtime/transform-run';
import { runQuery } from '../../src/engine/warehouse/run-query';
import { useDemoStack } from '../support/demo-stack';

const BUCKET = 'landfall-landing';
const asOf = new Date(new Date().toISOString().slice(0, 10));
const volumes = { users: 30, transfers: 120, boards: 20, decks: 20, productEvents: 200 };
const demo = useDemoStack({
  stateDirPrefix: 'landfall-reconcile-', asOf, volumes,
  stackOptions: { waitTimeScaleMs: 20 },
  initialBuild: { name: 'initial-build', input: { command: 'build' } },
});

async function arrivalRuns() {
  const { stack } = demo.current;
  return ((await stack.stepFunctions.listExecutions({ stateMachineArn: stack.transformStateMachineArn })).executions ?? []).filter((e) => e.name!.startsWith('arrivals-'));
}

it('finds an object and a Fivetran sync that landed without their events, runs them, and runs nothing twice', async () => {
  const { stack, warehouse, settle, count } = demo.current;
  const { columns, rows } = await runQuery(warehouse, 'select * from raw.product_events order by event_id limit 1');
  const key = 'firehose/product_events/2026/12/05/06/product-events-1-no-event.json';
  const file = path.join(stack.s3Dir, BUCKET, key);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify({ ...Object.fromEntries(columns.map((c, j) => [c.name, rows[0]![j]])), event_id: 'reconciled-1' })}\n`);
  // The sync's rows land in the connector's source tables; its webhook never arrives.
  const batch = generateNewSyncBatch({ asOf, batchNumber: 1, volumes });
  for (const sql of batch.statements) await runQuery(warehouse, sql);
  const succeededAt = new Date(Date.now() - 20 * 60_000).toISOString();
  stack.fivetranApi.setConnection({ id: 'wetransfer_app_db', succeededAt, syncFrequencyMinutes: 360 });
  const before = (await arrivalRuns()).length;

  // Run "20 minutes later" so the object is past the grace period too.
  const outcome = await stack.reconcile(Date.now() + 20 * 60_000);
  expect(outcome.notChecked).toEqual([]);
  expect(outcome.started).toHaveLength(2);
  expect(outcome.started).toEqual(expect.arrayContaining([`fivetran:wetransfer_app_db@${succeededAt}`, `s3:${BUCKET}/${key}`]));
  await settle();

  // Each missed arrival went through the bus and the coalescer into a run (no coalescing window here: one run each).
  const runs = (await arrivalRuns()).slice(0, (await arrivalRuns()).length - before);
  const inputs = runs.map((r) => JSON.parse(stack.stepFunctions.getExecution(r.executionArn!)!.input) as { detail?: { arrivalId?: string } });
  expect(inputs.map((i) => i.detail?.arrivalId).sort()).toEqual(outcome.started.sort());
  const s3Run = runs[inputs.findIndex((i) => i.detail?.arrivalId?.startsWith('s3:'))]!;
  expect(s3Run.status).toBe('SUCCEEDED');
  expect(await count("select count(*) from raw.product_events where event_id = 'reconciled-1'")).toBe(1);
  const fivetranRun = runs[inputs.findIndex((i) => i.detail?.arrivalId?.startsWith('fivetran:'))]!;
  expect(fivetranRun.status).toBe('SUCCEEDED');
  const { run } = await awsDependencies().runStates.read((JSON.parse(stack.stepFunctions.getExecution(fivetranRun.executionArn!)!.output!) as TransformRunPayload).state);
  const built = (name: string) => run.nodes.find((n) => n.kind === 'model' && n.name === name)?.status;
  expect(['fct_transfers', 'dim_users'].map(built)).toEqual(['success', 'success']);
  expect(await count('select count(*) from analytics_marts.fct_transfers')).toBe(volumes.transfers + batch.newRowCounts.transfers);
  expect(await count('select count(*) from analytics_marts.dim_users')).toBe(await count('select count(*) from raw.users'));

  // The next reconciliation finds nothing missing: the sync is now the connector's last arrival, the object is in the ledger.
  const again = await stack.reconcile(Date.now() + 21 * 60_000);
  await settle();
  expect(again.started).toEqual([]);
  expect((await arrivalRuns()).length).toBe(before + 2);
}, 120_000);
