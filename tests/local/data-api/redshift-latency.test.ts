/**
 * The local Data API's latency mode (src/local/data-api/redshift-latency.ts), through the real RedshiftDataClient:
 * statements past the admitted concurrency wait SUBMITTED, a statement is STARTED until its commit is over, one
 * more than the active limit is refused with ActiveStatementsExceededException, and commits are counted (a batch is
 * one). No test here asserts a time: each checks a state the latencies make observable.
 */
import { BatchExecuteStatementCommand, DescribeStatementCommand, ExecuteStatementCommand, RedshiftDataClient } from '@aws-sdk/client-redshift-data';
import { type LocalDataApi, startLocalDataApi } from '../../../src/local/data-api/local-data-api';
import { checkedLatency, latencyFromEnvironment, REDSHIFT_SERVERLESS_LATENCY, statementCommits } from '../../../src/local/data-api/redshift-latency';
import { StatementStore } from '../../../src/local/data-api/statement-store';
import { openPGliteEngine, prepareTemplate, sharedTemplateDir } from '../../../src/local/sql-engine/pglite-engine';
import type { SqlEngine } from '../../../src/local/sql-engine/sql-engine';

const TARGET = { WorkgroupName: 'local', Database: 'dev' };
let engine: SqlEngine;
let api: LocalDataApi;
let client: RedshiftDataClient;

beforeAll(async () => {
  engine = await openPGliteEngine({ inMemory: true, template: await prepareTemplate(sharedTemplateDir()) });
  // A long commit (3 s) keeps statements in flight while the test looks, even on a loaded machine; 2 admitted, 3 active at most.
  api = await startLocalDataApi({ engine, latency: checkedLatency({ callMs: 1, commitMs: 3000, minStatementMs: 0, admittedConcurrency: 2, maxActiveStatements: 3 }) });
  client = new RedshiftDataClient({ endpoint: api.url, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
});

afterAll(async () => {
  client?.destroy();
  await api?.close();
  await engine?.close();
});

const status = async (Id: string) => (await client.send(new DescribeStatementCommand({ Id }))).Status;
const finished = (Id: string) => client.send(new DescribeStatementCommand({ Id, WaitTimeSeconds: 10 } as never));

describe('the local Data API with Redshift latencies', () => {
  it('queues past the admitted concurrency, refuses past the active limit, and reports STARTED until the commit is over', async () => {
    const before = { ...api.counters, calls: { ...api.counters.calls } };
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push((await client.send(new ExecuteStatementCommand({ ...TARGET, Sql: `create table latency_${i} (id int)` }))).Id!);
    await expect(client.send(new ExecuteStatementCommand({ ...TARGET, Sql: 'create table latency_x (id int)' }))).rejects.toMatchObject({
      name: 'ActiveStatementsExceededException',
      message: expect.stringContaining('exceeds the limit (3)'),
    });
    // Two are admitted; the third waits for a slot, though the local engine itself is idle.
    const statuses = await Promise.all(ids.map(status));
    expect(statuses.filter((s) => s === 'SUBMITTED')).toHaveLength(1);
    expect(statuses.filter((s) => s === 'STARTED' || s === 'PICKED')).toHaveLength(2);

    for (const id of ids) await finished(id);
    expect(await Promise.all(ids.map(status))).toEqual(['FINISHED', 'FINISHED', 'FINISHED']);
    expect(api.counters.commits - before.commits).toBe(3);
    expect(api.counters.activeStatementsExceeded - before.activeStatementsExceeded).toBe(1);
    expect(api.counters.calls.ExecuteStatement! - (before.calls.ExecuteStatement ?? 0)).toBe(4);
  });

  it('commits a batch once and a read not at all', async () => {
    const before = api.counters.commits;
    const batch = await client.send(new BatchExecuteStatementCommand({ ...TARGET, Sqls: ['create table latency_b (id int)', 'insert into latency_b values (1)', 'insert into latency_b values (2)'] }));
    const read = await client.send(new ExecuteStatementCommand({ ...TARGET, Sql: 'select count(*) from latency_b' }));
    expect(await status(batch.Id!)).not.toBe('FINISHED');
    await finished(batch.Id!);
    await finished(read.Id!);
    expect(await status(read.Id!)).toBe('FINISHED');
    expect(api.counters.commits - before).toBe(1);
  });

  it('ExecuteStatement with WaitTimeSeconds answers the current status when the statement outlasts the wait', async () => {
    // The 3 s commit outlasts a 1 s wait: the SDK parses the Status the answer carries, and it is not terminal yet.
    const waited = await client.send(new ExecuteStatementCommand({ ...TARGET, Sql: 'create table latency_wait (id int)', WaitTimeSeconds: 1 }));
    expect(['SUBMITTED', 'PICKED', 'STARTED']).toContain(waited.Status);
    await finished(waited.Id!);
    const read = await client.send(new ExecuteStatementCommand({ ...TARGET, Sql: 'select count(*) from latency_wait', WaitTimeSeconds: 10 }));
    expect(read).toMatchObject({ Status: 'FINISHED', HasResultSet: true });
  });
});

describe('latency settings', () => {
  it('is off unless LANDFALL_DATA_API_LATENCY asks for it', () => {
    expect(latencyFromEnvironment(undefined)).toBeUndefined();
    expect(latencyFromEnvironment('off')).toBeUndefined();
    expect(latencyFromEnvironment('redshift')).toEqual(REDSHIFT_SERVERLESS_LATENCY);
    expect(latencyFromEnvironment('{"commitMs":250}')).toEqual({ ...REDSHIFT_SERVERLESS_LATENCY, commitMs: 250 });
    expect(new StatementStore({ engine }).latency).toBeUndefined();
  });

  it('says which setting is wrong', () => {
    expect(() => latencyFromEnvironment('fast')).toThrow(/LANDFALL_DATA_API_LATENCY must be 'off', 'redshift' or a JSON object/);
    expect(() => latencyFromEnvironment('{"comitMs":1}')).toThrow(/unknown member 'comitMs'/);
    expect(() => latencyFromEnvironment('{"admittedConcurrency":0}')).toThrow(/admittedConcurrency must be a number ≥ 1, got 0/);
  });

  it.each([
    ['select 1', false],
    ['-- a comment\nselect 1', false],
    ['with a as (select 1) select * from a', false],
    ['create table t as select 1', true],
    ['insert into t select 1', true],
    ['with a as (select 1) insert into t select * from a', true],
  ])('%p commits: %p', (sql, commits) => {
    expect(statementCommits(sql)).toBe(commits);
  });
});
