/**
 * On the local stack, with a copy of the sample project whose marts belong to `finance` (folder-level `+meta`) and
 * whose users model belongs to `growth` (YAML meta), and landfall.yml subscribers filtered by owner:
 * - each owner's address receives only their models' alerts (the local SNS outbox evaluates the filter policies),
 *   the team receives the whole run once;
 * - a PII column (`meta.pii: true` on users.email, and the project-wide pattern `*phone*`) never appears unmasked in
 *   any email, for a generic test on it (unique, accepted_values, which rename or keep the column) and a singular
 *   test that selects it; the sample rows come from the warehouse through the real alert path.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RedshiftDataClient } from '@aws-sdk/client-redshift-data';
import { SNSClient } from '@aws-sdk/client-sns';
import type { RunState } from '../../src/engine';
import { qualified } from '../../src/engine/render/relation';
import { startLocalStack, type LocalStack } from '../../src/local/local-stack';
import type { PublishedEmail } from '../../src/local/aws/sns-outbox';
import { forgetCompiledManifest, loadCompiledManifest } from '../../src/runtime/compiled-project';
import { awsRunStates } from '../../src/runtime/aws-run-states';
import { publishRunAlert } from '../../src/runtime/publish-alert';
import { renderReproduceSql } from '../../src/runtime/reproduce-sql';
import { readConnectionTarget } from '../../src/warehouse/connection-config';
import { RedshiftDataWarehouse } from '../../src/warehouse/redshift-data-warehouse';
import { runQuery } from '../../src/engine/warehouse/run-query';

const REPO = path.resolve(__dirname, '../..');
const EMAILS = ['jane.doe@example.com', 'john.roe@example.org', 'JANE.DOE@example.com'];
const PHONE = '+31 6 1234 5678';
let stack: LocalStack;
let root: string;
let warehouse: RedshiftDataWarehouse;
const outbox: PublishedEmail[] = [];

function copyProject(): string {
  const dir = path.join(root, 'project');
  fs.cpSync(path.join(REPO, 'dbt'), dir, { recursive: true, filter: (src) => !/(target|dbt_packages|logs)$/.test(src) });
  const projectFile = path.join(dir, 'dbt_project.yml');
  fs.writeFileSync(projectFile, fs.readFileSync(projectFile, 'utf8').replace('      +tags: ["marts"]', '      +tags: ["marts"]\n      +meta: { owner: finance }'));
  const models = path.join(dir, 'models/staging/wetransfer_app_db/_wetransfer_app_db__models.yml');
  fs.writeFileSync(models, fs.readFileSync(models, 'utf8')
    .replace('    description: Accounts, one row per user, soft-deleted accounts removed.\n', '    description: Accounts, one row per user, soft-deleted accounts removed.\n    config: { meta: { owner: growth } }\n')
    .replace('      - name: email\n        meta: { pii: true }\n        data_tests:\n          - not_null', '      - name: email\n        meta: { pii: true }\n        data_tests:\n          - not_null\n          - unique\n          - accepted_values:\n              arguments:\n                values: ["nobody@example.com"]'));
  fs.writeFileSync(path.join(dir, 'tests/assert_users_have_company_emails.sql'),
    "select user_id, email, plan_id, mobile_phone from {{ ref('stg_wetransfer_app_db__users') }} where email not like '%@company.test'\n");
  fs.writeFileSync(path.join(dir, 'landfall.yml'), [
    'alerts:',
    '  pii_columns: ["*phone*"]',
    '  subscribers:',
    '    - { email: finance-data@example.com, owners: [finance] }',
    '    - { email: growth@example.com, owners: [growth] }',
    '',
  ].join('\n'));
  return dir;
}

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'landfall-owners-'));
  stack = await startLocalStack({ repoRoot: REPO, projectDir: copyProject(), stateDir: path.join(root, 'state'), onEmail: (email) => outbox.push(email) });
  forgetCompiledManifest();
  warehouse = new RedshiftDataWarehouse({ client: new RedshiftDataClient({}), target: readConnectionTarget() });
  const manifest = loadCompiledManifest();
  const users = manifest.models['model.landfall_demo.stg_wetransfer_app_db__users']!.relation;
  const transfers = manifest.models['model.landfall_demo.fct_transfers']!.relation;
  await runQuery(warehouse, [
    `create schema if not exists "${users.schema}"`, `create schema if not exists "${transfers.schema}"`,
    `create table ${qualified(users)} (user_id int, email varchar, plan_id int, mobile_phone varchar)`,
    `insert into ${qualified(users)} values (1, '${EMAILS[0]}', 1, '${PHONE}'), (2, '${EMAILS[1]}', 1, null), (3, '${EMAILS[0]}', 2, '${PHONE}'), (4, '${EMAILS[2]}', 2, null)`,
    `create table ${qualified(transfers)} (transfer_id int, sender_id int, created_at timestamp, expires_at timestamp)`,
    `insert into ${qualified(transfers)} values (10, null, '2026-12-01', '2026-12-08'), (11, 3, '2026-12-02', '2026-11-30')`,
  ]);
}, 120_000);

afterAll(async () => {
  await stack?.close();
  fs.rmSync(root, { recursive: true, force: true });
});

/** A run in which these tests failed (each tests node of its model), through the production PublishAlert path. */
async function runWithFailures(name: string, failing: string[]): Promise<void> {
  const manifest = loadCompiledManifest();
  const byModel = new Map<string, string[]>();
  for (const id of failing) byModel.set(manifest.tests[id]!.attachedTo, [...(byModel.get(manifest.tests[id]!.attachedTo) ?? []), id]);
  const nodes = [...byModel].map(([model, ids]) => ({
    id: `tests:${model}`, kind: 'tests', name: manifest.models[model]!.name, dependsOn: [model], status: 'fail', testIds: ids,
    tests: ids.map((id) => ({ id, name: manifest.tests[id]!.name, status: 'fail', failures: 2 })),
  }));
  const run = { runId: name, command: 'build', startedAt: new Date().toISOString(), fullRefresh: false, vars: {}, concurrency: 4, existing: {}, done: true, nodes } as unknown as RunState;
  const runStates = awsRunStates();
  const pointer = runStates.pointerFor(name);
  const arn = `${stack.transformStateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
  await runStates.write(pointer, { version: 1, execution: { arn, name }, trigger: { loader: 'manual', arrivedAt: new Date().toISOString() }, redriveCount: 0, run });
  await publishRunAlert({ execution: { arn, name }, state: pointer, redriveCount: 0, done: true, failed: true, waitSeconds: 0, iterations: 0, counts: { nodes: nodes.length, models: 0, testNodes: nodes.length, finished: nodes.length, running: 0, failed: nodes.length, skipped: 0 } }, {
    manifest, runStates, warehouse, sns: new SNSClient({}), topicArn: process.env.LANDFALL_ALERT_TOPIC_ARN!, region: 'us-east-1',
    // A hand-written run state: no AdvanceRun recorded its failed tests' SQL (src/runtime/reproduce-sql.ts).
    renderReproduceSql,
  });
}

const USERS_TESTS = [
  'test.landfall_demo.unique_stg_wetransfer_app_db__users_email',
  'test.landfall_demo.accepted_values_stg_wetransfer_app_db__users_email__nobody_example_com',
  'test.landfall_demo.assert_users_have_company_emails',
];
const FINANCE_TESTS = ['test.landfall_demo.not_null_fct_transfers_sender_id', 'test.landfall_demo.assert_transfers_expire_after_creation'];

it('routes each owner only their models, the team the whole run, and never prints a PII value', async () => {
  const manifest = loadCompiledManifest();
  for (const id of [...USERS_TESTS, ...FINANCE_TESTS]) expect(manifest.tests[id]).toBeDefined();
  await runWithFailures('owners-1', [...USERS_TESTS, ...FINANCE_TESTS]);

  const to = (address: string) => outbox.filter((e) => e.to.includes(address));
  expect(to('data-team@example.com')).toHaveLength(1);
  expect(to('finance-data@example.com')).toHaveLength(1);
  expect(to('growth@example.com')).toHaveLength(1);
  const team = to('data-team@example.com')[0]!.body;
  const finance = to('finance-data@example.com')[0]!.body;
  const growth = to('growth@example.com')[0]!.body;
  // Grouped by root cause: the users model's three tests together, fct_transfers' two together.
  expect(team).toMatch(/NEW FAILURE 1 of 2 — root cause: \w+ \(\d failures\)/);
  expect(team).toContain('stg_wetransfer_app_db__users');
  expect(team).toContain('fct_transfers');
  expect(finance).toContain('not_null_fct_transfers_sender_id');
  expect(finance).not.toContain('stg_wetransfer_app_db__users');
  expect(growth).toContain('assert_users_have_company_emails');
  expect(growth).not.toContain('fct_transfers');
  expect(to('finance-data@example.com')[0]!.attributes.route).toEqual({ DataType: 'String', StringValue: 'finance' });

  // Sample rows were fetched (masked), and no address or phone number appears in any email, in any case.
  expect(growth).toMatch(/email \(masked\)/);
  expect(growth).toMatch(/j\*\*\*@\*\*\*\.com/);
  for (const email of outbox) {
    for (const secret of [...EMAILS, PHONE, 'jane.doe', 'john.roe']) expect(email.body.toLowerCase()).not.toContain(secret.toLowerCase());
  }
  // The files on disk are what a person reads: the same holds there.
  const files = fs.readdirSync(stack.sns.outboxDir).map((f) => fs.readFileSync(path.join(stack.sns.outboxDir, f), 'utf8').toLowerCase());
  expect(files).toHaveLength(3);
  if (process.env.LANDFALL_PRINT_EMAILS) process.stdout.write(growth);
  for (const text of files) for (const secret of ['jane.doe', 'john.roe', PHONE]) expect(text).not.toContain(secret);
}, 120_000);
