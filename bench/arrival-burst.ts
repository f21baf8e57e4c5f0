/**
 * A burst of arrivals through the real local pipeline: N signed Fivetran webhooks (a share of them
 * retries of the same sync) within a second. Coalesced (landfall: dedupe, window, one run at a time)
 * vs the baseline of one execution per delivery started directly (what a plain EventBridge → Step
 * Functions rule does), measured in the same run on the same warehouse.
 *
 * Usage: npx tsx bench/arrival-burst.ts [--arrivals 40] [--retries 10] [--window-ms 1000]  → bench/RESULTS-arrival-burst.md
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { RedshiftDataClient } from '@aws-sdk/client-redshift-data';
import { StartExecutionCommand, SFNClient } from '@aws-sdk/client-sfn';
import { generateDemoData } from '../src/demo/generate-demo-data';
import { dialects } from '../src/engine';
import { signFivetranBody } from '../src/events/fivetran';
import { runToCompletion } from '../src/cli/local-build';
import { startLocalStack, LOCAL_WEBHOOK_SECRET, type LocalStack } from '../src/local/local-stack';
import { loadCompiledManifest } from '../src/runtime/compiled-project';
import { readConnectionTarget } from '../src/warehouse/connection-config';
import { RedshiftDataWarehouse } from '../src/warehouse/redshift-data-warehouse';
import { runQuery } from '../src/engine/warehouse/run-query';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const args = process.argv.slice(2);
const flag = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const arrivals = flag('arrivals', 40);
const retries = flag('retries', 10);
const windowMs = flag('window-ms', 1000);
const repo = path.resolve(__dirname, '..');
const sample = JSON.parse(fs.readFileSync(path.join(repo, 'events', 'samples', 'fivetran', 'sync-end-successful.json'), 'utf8'));

interface Outcome { executions: number; succeeded: number; failed: number; transitions: number; maxConcurrent: number; drainMs: number }

async function measure(stack: LocalStack, deliver: () => Promise<void>): Promise<Outcome> {
  const before = new Set(((await stack.stepFunctions.listExecutions({ stateMachineArn: stack.transformStateMachineArn })).executions ?? []).map((e) => e.executionArn));
  const started = performance.now();
  await deliver();
  await stack.eventBus.whenIdle();
  await stack.coalescer.whenIdle();
  await stack.stepFunctions.waitForAllExecutions();
  const drainMs = performance.now() - started;
  const runs = ((await stack.stepFunctions.listExecutions({ stateMachineArn: stack.transformStateMachineArn })).executions ?? [])
    .filter((e) => !before.has(e.executionArn))
    .map((e) => stack.stepFunctions.getExecution(e.executionArn!)!);
  const spans = runs.map((r) => [Date.parse(r.startDate), Date.parse(r.stopDate ?? r.startDate)] as const);
  const maxConcurrent = Math.max(0, ...spans.map(([s]) => spans.filter(([a, b]) => a <= s && s < b).length));
  return {
    executions: runs.length,
    succeeded: runs.filter((r) => r.status === 'SUCCEEDED').length,
    failed: runs.filter((r) => r.status !== 'SUCCEEDED').length,
    transitions: runs.reduce((sum, r) => sum + r.stateTransitions, 0),
    maxConcurrent,
    drainMs,
  };
}

function deliveries(prefix: string): Buffer[] {
  const unique = Array.from({ length: arrivals }, (_, i) => Buffer.from(JSON.stringify({ ...sample, sync_id: `${prefix}-${i}`, created: new Date().toISOString() })));
  return [...unique, ...unique.slice(0, retries)];
}

async function main(): Promise<void> {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'landfall-burst-'));
  const stack = await startLocalStack({ repoRoot: repo, projectDir: path.join(repo, 'dbt'), stateDir, coalesceWindowMs: windowMs, waitTimeScaleMs: 5 });
  try {
    const warehouse = new RedshiftDataWarehouse({ client: new RedshiftDataClient({}), target: readConnectionTarget() });
    const data = generateDemoData({ asOf: new Date(new Date().toISOString().slice(0, 10)), volumes: { users: 50, transfers: 300, boards: 30, decks: 30, productEvents: 1000 } });
    await runQuery(warehouse, data.ddl);
    for (const sql of data.inserts) await runQuery(warehouse, sql);
    const first = await runToCompletion(loadCompiledManifest(), { runId: 'burst-initial', command: 'build' }, { dialect: dialects.postgres, warehouse });
    if (first.nodes.some((n) => n.status === 'error' || n.status === 'fail')) throw new Error('initial build failed');

    const coalesced = await measure(stack, async () => {
      await Promise.all(deliveries('coalesced').map((body) => fetch(stack.webhookUrl, {
        method: 'POST', body, headers: { 'content-type': 'application/json', 'x-fivetran-signature-256': signFivetranBody(body, LOCAL_WEBHOOK_SECRET) },
      })));
    });
    const sfn = new SFNClient({});
    const baseline = await measure(stack, async () => {
      await Promise.all(deliveries('baseline').map((body) => {
        const webhook = JSON.parse(body.toString('utf8'));
        const event = {
          version: '0', id: `${webhook.sync_id}-${Math.random()}`, 'detail-type': 'Data Arrived', source: 'landfall', account: '000000000000',
          time: new Date().toISOString(), region: 'us-east-1', resources: [],
          detail: { loader: 'fivetran', arrivalId: `fivetran:${webhook.sync_id}`, arrivedAt: new Date().toISOString(), connector: { connectorId: webhook.connector_id, groupId: webhook.destination_group_id, syncId: webhook.sync_id } },
        };
        return sfn.send(new StartExecutionCommand({ stateMachineArn: stack.transformStateMachineArn, input: JSON.stringify(event) }));
      }));
    });

    const row = (label: string, o: Outcome) => `| ${label} | ${arrivals + retries} | ${o.executions} | ${o.succeeded} | ${o.failed} | ${o.maxConcurrent} | ${o.transitions} | ${(o.drainMs / 1000).toFixed(1)} s |`;
    const lines = [
      '# Arrival burst: coalesced vs one run per delivery',
      '',
      `Measured by \`npx tsx bench/arrival-burst.ts --arrivals ${arrivals} --retries ${retries} --window-ms ${windowMs}\` on ${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} cores, Node ${process.version}, PGlite.`,
      `${arrivals} distinct Fivetran syncs of the same connector plus ${retries} retried deliveries, all sent at once; the real local pipeline`,
      '(webhook → bus → rule → coalescer → transform state machine → Data API → PGlite) after a first full build.',
      'Baseline: each delivery starts its own execution directly (an EventBridge rule targeting the state machine), no dedupe, no window, no lease.',
      '',
      '| mode | deliveries | executions | succeeded | failed | max concurrent | state transitions | time to drain |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
      row(`landfall (window ${windowMs} ms)`, coalesced),
      row('one run per delivery', baseline),
      '',
      `Runs saved: ${baseline.executions - coalesced.executions} of ${baseline.executions}; state transitions: ${coalesced.transitions} vs ${baseline.transitions}.`,
      '',
    ];
    fs.writeFileSync(path.join(repo, 'bench', 'RESULTS-arrival-burst.md'), lines.join('\n'));
    process.stdout.write(lines.join('\n'));
  } finally {
    await stack.close();
    fs.rmSync(stateDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
