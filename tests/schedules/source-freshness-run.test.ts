/**
 * Scheduled freshness on the local stack: the source freshness state machine (Data API batches, Wait, Collect)
 * records each source in the incident book and emails a stale source once — with its loaded_at, thresholds and the
 * loader that feeds it — and a resolved notice when it loads again.
 */
import { DescribeExecutionCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { PublishedEmail } from '../../src/local/aws/sns-outbox';
import { runQuery } from '../../src/engine/warehouse/run-query';
import { useDemoStack } from '../support/demo-stack';

const emails: PublishedEmail[] = [];
const demo = useDemoStack({
  stateDirPrefix: 'landfall-freshness-', asOf: new Date(), volumes: { users: 10, transfers: 20, boards: 5, decks: 5, productEvents: 10 },
  stackOptions: { waitTimeScaleMs: 5, onEmail: (e) => emails.push(e) },
});

async function checkFreshness(name: string): Promise<{ status?: string; output: Record<string, unknown> }> {
  const { stack, sfn } = demo.current;
  const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn: stack.freshnessStateMachineArn, name, input: JSON.stringify({ select: ['source:wetransfer_app_db'], reason: 'test' }) }));
  await stack.stepFunctions.waitForExecution(executionArn!);
  const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
  return { status: described.status, output: JSON.parse(described.output ?? '{}') as Record<string, unknown> };
}

beforeAll(async () => {
  // Every table synced within the hour, as after a healthy sync.
  for (const table of ['users', 'transfers', 'boards', 'decks']) await runQuery(demo.current.warehouse, `update raw.${table} set _fivetran_synced = now() - interval '5 minutes'`);
}, 120_000);

it('checks every source of the schedule as a state machine run and emails only a stale source, then its resolution', async () => {
  const { warehouse } = demo.current;
  const fresh = await checkFreshness('fresh-1');
  expect(fresh.status).toBe('SUCCEEDED');
  expect(fresh.output.results).toEqual(expect.arrayContaining([{ source: 'wetransfer_app_db.users', status: 'pass' }, { source: 'wetransfer_app_db.transfers', status: 'pass' }]));
  expect(emails).toHaveLength(0);

  await runQuery(warehouse, "update raw.users set _fivetran_synced = now() - interval '30 hours'");
  const stale = await checkFreshness('stale-1');
  expect(stale.output.results).toEqual(expect.arrayContaining([{ source: 'wetransfer_app_db.users', status: 'error' }]));
  expect(emails).toHaveLength(1);
  expect(emails[0]!.subject).toBe('[landfall_demo] FAILING: wetransfer_app_db.users');
  expect(emails[0]!.body).toMatch(/max\(_fivetran_synced\) = 20\S+, 30\.\d h ago/);
  expect(emails[0]!.body).toContain('warn after 12 hours, error after 24 hours');
  expect(emails[0]!.body).toContain('fed by fivetran connector wetransfer_app_db');

  await checkFreshness('stale-2'); // still stale: nothing new to say
  expect(emails).toHaveLength(1);

  await runQuery(warehouse, "update raw.users set _fivetran_synced = now()");
  await checkFreshness('fresh-2');
  expect(emails).toHaveLength(2);
  expect(emails[1]!.subject).toBe('[landfall_demo] RESOLVED: wetransfer_app_db.users');
  expect(emails[1]!.to).toEqual(['data-team@example.com']);
}, 120_000);
