/**
 * The local stack (`landfall serve`'s: signed Fivetran webhooks, the local bus and its rule, the coalescer, the real
 * transform state machine and handlers, run locks in the local DynamoDB, PGlite) on the parts-of-the-DAG project of
 * tests/runtime/coalesce/support/dag-project.ts, built once. One stack per test file: the handlers' SDK clients
 * keep the first stack's endpoints.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RedshiftDataClient } from '@aws-sdk/client-redshift-data';
import { signFivetranBody } from '../../src/events/fivetran';
import { startLocalStack, LOCAL_WEBHOOK_SECRET, type LocalStack } from '../../src/local/local-stack';
import type { ArrivalConcurrency } from '../../src/runtime/coalesce/dag-parts';
import { readConnectionTarget } from '../../src/warehouse/connection-config';
import { RedshiftDataWarehouse } from '../../src/warehouse/redshift-data-warehouse';
import { runQuery } from '../../src/engine/warehouse/run-query';
import { dialects } from '../../src/engine';
import { runToCompletion } from '../../src/cli/local-build';
import { loadCompiledManifest } from '../../src/runtime/compiled-project';
import { CONNECTORS, writeDagProject } from '../runtime/coalesce/support/dag-project';

const REPO = path.resolve(__dirname, '..', '..');

export async function withPartsStack(concurrency: ArrivalConcurrency, work: (stack: LocalStack) => Promise<void>, landfallYml?: string): Promise<void> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `landfall-parts-${concurrency}-`));
  const projectDir = path.join(root, 'project');
  writeDagProject(projectDir, landfallYml);
  // Long enough for all the deliveries below to land in one window even on a loaded machine.
  const stack = await startLocalStack({ repoRoot: REPO, projectDir, stateDir: path.join(root, 'state'), coalesceWindowMs: 1500, waitTimeScaleMs: 20, arrivalConcurrency: concurrency });
  try {
    const warehouse = new RedshiftDataWarehouse({ client: new RedshiftDataClient({}), target: readConnectionTarget() });
    await runQuery(warehouse, ['create schema if not exists raw', ...CONNECTORS.map((_, i) => `create table raw.t${i} as select ${i} as id`)].join(';\n'));
    // The stack's dialect (LANDFALL_DIALECT, set by startLocalStack): `npm run test:redshift` runs these on the strict engine.
    const first = await runToCompletion(loadCompiledManifest(), { runId: 'parts-initial', command: 'build' }, { dialect: dialects[process.env.LANDFALL_DIALECT === 'redshift' ? 'redshift' : 'postgres'], warehouse });
    if (first.nodes.some((n) => n.status !== 'success' && n.status !== 'pass')) throw new Error('the initial build of the parts project failed');
    await work(stack);
  } finally {
    await stack.close();
    fs.rmSync(root, { recursive: true, force: true });
  }
}

export async function deliver(stack: LocalStack, connectorId: string, syncId: string): Promise<void> {
  const body = Buffer.from(JSON.stringify({ event: 'sync_end', created: new Date().toISOString(), connector_id: connectorId, sync_id: syncId, data: { status: 'SUCCESSFUL' } }));
  const response = await fetch(stack.webhookUrl, { method: 'POST', body, headers: { 'content-type': 'application/json', 'x-fivetran-signature-256': signFivetranBody(body, LOCAL_WEBHOOK_SECRET) } });
  expect(response.status).toBe(200);
}

/** The transform executions, with the arrivals each accounts for (from its input) and its span. */
export async function executions(stack: LocalStack) {
  await stack.eventBus.whenIdle();
  await stack.coalescer.whenIdle();
  await stack.stepFunctions.waitForAllExecutions();
  const listed = (await stack.stepFunctions.listExecutions({ stateMachineArn: stack.transformStateMachineArn })).executions ?? [];
  return listed.map((e) => {
    const execution = stack.stepFunctions.getExecution(e.executionArn!)!;
    const input = JSON.parse(execution.input) as { detail?: { connector: { connectorId: string } }; select?: string[] };
    return {
      status: execution.status,
      selects: input.select ?? [`connector ${input.detail?.connector.connectorId}`],
      start: Date.parse(execution.startDate),
      stop: Date.parse(execution.stopDate ?? execution.startDate),
    };
  }).sort((a, b) => a.selects.join().localeCompare(b.selects.join()));
}

