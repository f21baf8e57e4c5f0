/**
 * A simulated week on the local stack (local SNS outbox, local DynamoDB incident table, run states in the local S3),
 * with an injected clock: hourly arrival runs at :30, a daily build at 05:00 UTC, hourly freshness checks at :00.
 * An error test fails from day 2 09:30 until it is fixed on day 4 11:30; the users source stops loading on day 3
 * 00:00 and loads again on day 5 12:00; a warn test fails all week. The outbox must then hold exactly: one
 * first-failure email, the daily reminders, one resolved email, one freshness error and its resolution, and a daily
 * warn digest. The runs' results are set by hand (the builds themselves are not re-run 190 times); everything from
 * PublishAlert/CollectFreshness onwards is the production code.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RedshiftDataClient } from '@aws-sdk/client-redshift-data';
import { SNSClient } from '@aws-sdk/client-sns';
import type { RunState } from '../../src/engine';
import { gradeFreshness } from '../../src/engine/freshness/freshness';
import { startLocalStack, type LocalStack } from '../../src/local/local-stack';
import type { PublishedEmail } from '../../src/local/aws/sns-outbox';
import { loadCompiledManifest, forgetCompiledManifest } from '../../src/runtime/compiled-project';
import { awsRunStates } from '../../src/runtime/aws-run-states';
import { publishRunAlert } from '../../src/runtime/publish-alert';
import { renderReproduceSql } from '../../src/runtime/reproduce-sql';
import { recordFreshness } from '../../src/runtime/source-freshness-run';
import { readConnectionTarget } from '../../src/warehouse/connection-config';
import { RedshiftDataWarehouse } from '../../src/warehouse/redshift-data-warehouse';

const REPO = path.resolve(__dirname, '../..');
const WEEK_START = Date.UTC(2026, 10, 30); // Monday 30 November 2026, 00:00 UTC
const at = (hours: number) => new Date(WEEK_START + hours * 3600_000);
const ERROR_TEST = 'test.landfall_demo.not_null_fct_transfers_sender_id';
const WARN_TEST = 'test.landfall_demo.unique_fct_transfers_transfer_id';
const SOURCE = 'source.landfall_demo.wetransfer_app_db.users';

let stack: LocalStack;
let stateDir: string;
const outbox: (PublishedEmail & { at: number })[] = [];
let clockHours = 0;

beforeAll(async () => {
  stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'landfall-week-'));
  stack = await startLocalStack({ repoRoot: REPO, projectDir: path.join(REPO, 'dbt'), stateDir, onEmail: (email) => outbox.push({ ...email, at: clockHours }) });
  forgetCompiledManifest();
}, 60_000);

afterAll(async () => {
  await stack?.close();
  fs.rmSync(stateDir, { recursive: true, force: true });
});

/** One transform run whose only tests node is fct_transfers' tests, with these outcomes. */
async function run(name: string, hours: number, errorTestFails: boolean): Promise<void> {
  const manifest = loadCompiledManifest();
  const tests = [
    { id: ERROR_TEST, name: manifest.tests[ERROR_TEST]!.name, status: errorTestFails ? 'fail' as const : 'pass' as const, failures: errorTestFails ? 3 : 0 },
    { id: WARN_TEST, name: manifest.tests[WARN_TEST]!.name, status: 'warn' as const, failures: 2 },
  ];
  const state: Omit<RunState, 'iterations' | 'waitSeconds'> = {
    runId: name, command: 'build', startedAt: at(hours).toISOString(), fullRefresh: false, vars: {}, concurrency: 4, existing: {}, done: true,
    nodes: [
      { id: 'model.landfall_demo.fct_transfers', kind: 'model', name: 'fct_transfers', dependsOn: [], status: 'success' },
      { id: 'tests:model.landfall_demo.fct_transfers', kind: 'tests', name: 'fct_transfers', dependsOn: ['model.landfall_demo.fct_transfers'], status: errorTestFails ? 'fail' : 'warn', testIds: tests.map((t) => t.id), tests },
    ] as RunState['nodes'],
  };
  const runStates = awsRunStates();
  const pointer = runStates.pointerFor(name);
  const executionArn = `${stack.transformStateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
  await runStates.write(pointer, { version: 1, execution: { arn: executionArn, name }, trigger: { loader: 'fivetran', connector: 'wetransfer_app_db', arrivedAt: at(hours).toISOString() }, redriveCount: 0, run: state });
  clockHours = hours;
  await publishRunAlert(
    { execution: { arn: executionArn, name }, state: pointer, redriveCount: 0, done: true, failed: errorTestFails, waitSeconds: 0, iterations: 0, counts: { nodes: 2, models: 1, testNodes: 1, finished: 2, running: 0, failed: errorTestFails ? 1 : 0, skipped: 0 } },
    {
      manifest, runStates,
      warehouse: new RedshiftDataWarehouse({ client: new RedshiftDataClient({}), target: readConnectionTarget() }),
      sns: new SNSClient({}), topicArn: process.env.LANDFALL_ALERT_TOPIC_ARN!, region: 'us-east-1', now: () => at(hours), sampleBudgetMs: 5_000,
      // A hand-written run state: no AdvanceRun recorded its failed tests' SQL (src/runtime/reproduce-sql.ts).
      renderReproduceSql,
    },
  );
}

/** One scheduled freshness check: the users source last loaded at `lastLoad` (hours). */
async function freshness(hours: number, lastLoad: number): Promise<void> {
  const manifest = loadCompiledManifest();
  const result = gradeFreshness(manifest.sources[SOURCE]!, at(lastLoad).toISOString(), at(hours).toISOString());
  clockHours = hours;
  await recordFreshness([result], { executionArn: `${stack.freshnessStateMachineArn.replace(':stateMachine:', ':execution:')}:f-${hours}`, reason: 'schedule hourly-freshness' }, {
    manifest, sns: new SNSClient({}), topicArn: process.env.LANDFALL_ALERT_TOPIC_ARN!, region: 'us-east-1', now: () => at(hours),
  });
}

it('sends one first failure, daily reminders, one resolution, one freshness error and its resolution, a daily warn digest — and nothing else', async () => {
  const fixedAt = 3 * 24 + 11.5; // day 4, 11:30
  const failingFrom = 24 + 9.5; // day 2, 09:30
  const sourceStops = 2 * 24; // day 3, 00:00
  const sourceResumes = 4 * 24 + 12; // day 5, 12:00
  let lastLoad = 0;
  for (let hour = 0; hour < 7 * 24; hour++) {
    if (hour < sourceStops || hour >= sourceResumes) lastLoad = hour;
    await freshness(hour, lastLoad);
    if (hour % 24 === 5) await run(`daily-build-${hour}`, hour + 0.01, hour + 0.01 >= failingFrom && hour + 0.01 < fixedAt);
    await run(`arrival-${hour}`, hour + 0.5, hour + 0.5 >= failingFrom && hour + 0.5 < fixedAt);
  }

  const team = outbox.filter((e) => e.to.includes('data-team@example.com'));
  const summary = team.map((e) => `${e.at.toFixed(2)} ${e.subject}`);
  expect(summary).toEqual([
    '8.00 [landfall_demo] daily warnings: 1 open, 0 resolved: unique_fct_transfers_transfer_id',
    '32.00 [landfall_demo] daily warnings: 1 open, 0 resolved: unique_fct_transfers_transfer_id',
    // The first failure, once, with the model its test checks as the root cause.
    '33.50 [landfall_demo] FAILING: fct_transfers',
    '56.00 [landfall_demo] daily warnings: 1 open, 0 resolved: unique_fct_transfers_transfer_id',
    // 24 h later (the reminder interval), still failing: one reminder.
    '57.50 [landfall_demo] still failing: 1 open incident: not_null_fct_transfers_sender_id',
    // The source has not loaded for 24 h (error_after): the freshness error, which also lists the open test.
    '72.00 [landfall_demo] FAILING: wetransfer_app_db.users',
    '80.00 [landfall_demo] daily warnings: 1 open, 0 resolved: unique_fct_transfers_transfer_id',
    '83.50 [landfall_demo] RESOLVED: not_null_fct_transfers_sender_id',
    '96.00 [landfall_demo] still failing: 1 open incident: wetransfer_app_db.users',
    '104.00 [landfall_demo] daily warnings: 1 open, 0 resolved: unique_fct_transfers_transfer_id',
    '108.00 [landfall_demo] RESOLVED: wetransfer_app_db.users',
    '128.00 [landfall_demo] daily warnings: 1 open, 0 resolved: unique_fct_transfers_transfer_id',
    '152.00 [landfall_demo] daily warnings: 1 open, 0 resolved: unique_fct_transfers_transfer_id',
  ]);
  expect(outbox).toHaveLength(team.length); // no subscriber but the team in the sample project

  const first = team[2]!;
  expect(first.body).toContain('test not_null_fct_transfers_sender_id on model fct_transfers');
  expect(first.body).toContain('3 failing rows');
  const freshnessError = team[5]!;
  expect(freshnessError.body).toContain('fed by fivetran connector wetransfer_app_db');
  expect(freshnessError.body).toMatch(/STILL FAILING: 1 open incident[\s\S]*not_null_fct_transfers_sender_id/);
  // At most three emails on any day, from about 25 failing runs a day.
  const perDay = new Map<number, number>();
  for (const e of team) perDay.set(Math.floor(e.at / 24), (perDay.get(Math.floor(e.at / 24)) ?? 0) + 1);
  expect(Math.max(...perDay.values())).toBeLessThanOrEqual(3);
}, 300_000);
