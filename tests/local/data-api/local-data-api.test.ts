/**
 * The local Data API at the wire level: raw HTTP requests as the AWS SDK sends them (AWS JSON 1.1).
 */
import { type LocalDataApi, type StatementStatusChangeEvent, startLocalDataApi } from '../../../src/local/data-api/local-data-api';
import { StatementService } from '../../../src/local/data-api/statement-service';
import { openPGliteEngine, prepareTemplate, sharedTemplateDir } from '../../../src/local/sql-engine/pglite-engine';
import type { SqlEngine } from '../../../src/local/sql-engine/sql-engine';

const TARGET = { WorkgroupName: 'local', Database: 'dev' };

let engine: SqlEngine;
let api: LocalDataApi;
const events: StatementStatusChangeEvent[] = [];
const statusChanges: [string, string][] = [];

async function call(operation: string, body: unknown, target = `RedshiftData.${operation}`) {
  const response = await fetch(api.url, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-amz-json-1.1',
      'X-Amz-Target': target,
      Authorization: 'AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/redshift-data/aws4_request, SignedHeaders=host, Signature=00',
    },
    body: JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, any> };
}

async function finished(id: string): Promise<Record<string, any>> {
  const { body } = await call('DescribeStatement', { Id: id, WaitTimeSeconds: 10 });
  return body;
}

beforeAll(async () => {
  engine = await openPGliteEngine({ inMemory: true, template: await prepareTemplate(sharedTemplateDir()) });
  api = await startLocalDataApi({
    engine,
    pageSize: 3,
    account: '123456789012',
    onStatementFinished: (event) => {
      events.push(event);
    },
    onStatusChange: (id, status) => statusChanges.push([id, status]),
  });
});

afterAll(async () => {
  await api?.close();
  await engine?.close();
});

describe('startLocalDataApi', () => {
  describe('wire protocol', () => {
    it('answers ExecuteStatement with an Id, epoch-second timestamps and the JSON 1.1 content type', async () => {
      const before = Date.now() / 1000;
      const { status, headers, body } = await call('ExecuteStatement', { ...TARGET, Sql: 'select 1' });
      expect(status).toBe(200);
      expect(headers.get('content-type')).toBe('application/x-amz-json-1.1');
      expect(body.Id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(body).toMatchObject({ WorkgroupName: 'local', Database: 'dev' });
      expect(body).not.toHaveProperty('ClusterIdentifier');
      expect(typeof body.CreatedAt).toBe('number');
      expect(body.CreatedAt).toBeGreaterThanOrEqual(Math.floor(before));
    });

    it('reports errors as HTTP 400 with __type, message, Message and x-amzn-errortype', async () => {
      const { status, headers, body } = await call('ExecuteStatement', { ...TARGET });
      expect(status).toBe(400);
      expect(headers.get('x-amzn-errortype')).toBe('ValidationException');
      expect(body.__type).toMatch(/(^|#)ValidationException$/);
      expect(body.message).toBe('Sql is required and must not be empty.');
      expect(body.Message).toBe(body.message);
    });

    it('refuses an unknown operation', async () => {
      const { status, body } = await call('DropEverything', {});
      expect(status).toBe(400);
      expect(body.__type).toMatch(/UnknownOperationException$/);
    });

    it('refuses a body that is not JSON', async () => {
      const response = await fetch(api.url, {
        method: 'POST',
        headers: { 'X-Amz-Target': 'RedshiftData.ExecuteStatement' },
        body: '{not json',
      });
      expect(response.status).toBe(400);
      expect(((await response.json()) as { __type: string }).__type).toMatch(/SerializationException$/);
    });
  });

  describe('validation', () => {
    it.each([
      ['neither ClusterIdentifier nor WorkgroupName', { Database: 'dev', Sql: 'select 1' }, /Either ClusterIdentifier or WorkgroupName/],
      ['both ClusterIdentifier and WorkgroupName', { ...TARGET, ClusterIdentifier: 'c1', Sql: 'select 1' }, /not both/],
      ['no Database', { WorkgroupName: 'local', Sql: 'select 1' }, /Database is required/],
      ['both SecretArn and DbUser', { ClusterIdentifier: 'c1', Database: 'd', DbUser: 'u', SecretArn: 'arn:x', Sql: 'select 1' }, /DbUser or SecretArn/],
      ['an empty parameter value', { ...TARGET, Sql: 'select :a', Parameters: [{ name: 'a', value: '' }] }, /non-empty string/],
      ['a bad parameter name', { ...TARGET, Sql: 'select 1', Parameters: [{ name: 'a-b', value: '1' }] }, /name must match/],
      ['a ClientToken over 64 characters', { ...TARGET, Sql: 'select 1', ClientToken: 'x'.repeat(65) }, /ClientToken/],
    ])('rejects ExecuteStatement with %s', async (_case, request, message) => {
      const { status, body } = await call('ExecuteStatement', request);
      expect(status).toBe(400);
      expect(body.message).toMatch(message);
    });

    it('rejects a batch of 0 or 41 statements, and Parameters on a batch', async () => {
      for (const request of [
        { ...TARGET, Sqls: [] },
        { ...TARGET, Sqls: Array(41).fill('select 1') },
        { ...TARGET, Sqls: ['select :a'], Parameters: [{ name: 'a', value: '1' }] },
      ]) {
        const { status, body } = await call('BatchExecuteStatement', request);
        expect(status).toBe(400);
        expect(body.__type).toMatch(/ValidationException$/);
      }
    });

    it('answers ResourceNotFoundException for an unknown id and for a sub-statement number out of range', async () => {
      const unknown = await call('DescribeStatement', { Id: '11111111-2222-4333-8444-555555555555' });
      expect(unknown.body.__type).toMatch(/ResourceNotFoundException$/);
      const { body: batch } = await call('BatchExecuteStatement', { ...TARGET, Sqls: ['select 1'] });
      const outOfRange = await call('DescribeStatement', { Id: `${batch.Id}:2` });
      expect(outOfRange.body.__type).toMatch(/ResourceNotFoundException$/);
    });
  });

  describe('statements', () => {
    it('moves a statement through SUBMITTED → PICKED → STARTED → FINISHED', async () => {
      const { body } = await call('ExecuteStatement', { ...TARGET, Sql: 'select 1' });
      await finished(body.Id);
      expect(statusChanges.filter(([id]) => id === body.Id).map(([, status]) => status)).toEqual(['PICKED', 'STARTED', 'FINISHED']);
    });

    it('describes Duration in nanoseconds, ResultRows and HasResultSet', async () => {
      const { body } = await call('ExecuteStatement', { ...TARGET, Sql: 'select pg_sleep(0.05), 1 as one' });
      const description = await finished(body.Id);
      expect(description).toMatchObject({ Status: 'FINISHED', HasResultSet: true, ResultRows: 1, QueryString: 'select pg_sleep(0.05), 1 as one' });
      expect(description.Duration).toBeGreaterThanOrEqual(50_000_000);
    });

    it('ends a statement FAILED with the error text while the HTTP call succeeds', async () => {
      const { status, body } = await call('ExecuteStatement', { ...TARGET, Sql: 'select * from nowhere' });
      expect(status).toBe(200);
      expect(await finished(body.Id)).toMatchObject({ Status: 'FAILED', Error: 'ERROR: relation "nowhere" does not exist' });
    });

    it('returns Records as typed Field unions with ColumnMetadata, in pages', async () => {
      const { body } = await call('ExecuteStatement', {
        ...TARGET,
        Sql: "select g as n, g * 1.5::float8 as d, 'r' || g as s, g % 2 = 0 as even, null::date as nothing from generate_series(1, 4) g order by g",
      });
      await finished(body.Id);
      const first = await call('GetStatementResult', { Id: body.Id });
      expect(first.body.TotalNumRows).toBe(4);
      expect(first.body.ColumnMetadata.map((column: { name: string; typeName: string }) => [column.name, column.typeName])).toEqual([
        ['n', 'int4'],
        ['d', 'float8'],
        ['s', 'varchar'],
        ['even', 'bool'],
        ['nothing', 'date'],
      ]);
      expect(first.body.Records[0]).toEqual([{ longValue: 1 }, { doubleValue: 1.5 }, { stringValue: 'r1' }, { booleanValue: false }, { isNull: true }]);
      expect(first.body.Records).toHaveLength(3);
      const second = await call('GetStatementResult', { Id: body.Id, NextToken: first.body.NextToken });
      expect(second.body.Records).toHaveLength(1);
      expect(second.body.NextToken).toBeUndefined();
    });

    it('describes a batch with SubStatements and each sub-statement by <id>:<n>', async () => {
      const { body } = await call('BatchExecuteStatement', { ...TARGET, Sqls: ['create temp table b (a int)', 'insert into b values (1)', 'select * from b'] });
      const description = await finished(body.Id);
      expect(description.SubStatements.map((sub: { Id: string; Status: string }) => [sub.Id, sub.Status])).toEqual([
        [`${body.Id}:1`, 'FINISHED'],
        [`${body.Id}:2`, 'FINISHED'],
        [`${body.Id}:3`, 'FINISHED'],
      ]);
      expect(description.HasResultSet).toBe(true);
      const sub = await call('DescribeStatement', { Id: `${body.Id}:2` });
      expect(sub.body).toMatchObject({ Id: `${body.Id}:2`, Status: 'FINISHED', ResultRows: 1, QueryString: 'insert into b values (1)' });
      const parentResult = await call('GetStatementResult', { Id: body.Id });
      expect(parentResult.body.message).toMatch(/is a batch/);
    });

    it('returns the same Id for a repeated ClientToken', async () => {
      const first = await call('ExecuteStatement', { ...TARGET, Sql: 'select 1', ClientToken: 'same-token' });
      const second = await call('ExecuteStatement', { ...TARGET, Sql: 'select 1', ClientToken: 'same-token' });
      expect(second.body.Id).toBe(first.body.Id);
    });

    it('lists statements newest first, filtered by StatementName prefix and Status', async () => {
      const a = await call('ExecuteStatement', { ...TARGET, Sql: 'select 1', StatementName: 'landfall/list/a' });
      const b = await call('ExecuteStatement', { ...TARGET, Sql: 'select * from nope', StatementName: 'landfall/list/b' });
      await call('ExecuteStatement', { ...TARGET, Sql: 'select 1', StatementName: 'other/c' });
      await finished(a.body.Id);
      await finished(b.body.Id);
      const all = await call('ListStatements', { StatementName: 'landfall/list/' });
      expect(all.body.Statements.map((s: { Id: string }) => s.Id)).toEqual([b.body.Id, a.body.Id]);
      const failed = await call('ListStatements', { StatementName: 'landfall/list/', Status: 'FAILED' });
      expect(failed.body.Statements).toEqual([
        expect.objectContaining({ Id: b.body.Id, Status: 'FAILED', StatementName: 'landfall/list/b', IsBatchStatement: false, QueryString: 'select * from nope' }),
      ]);
    });

    it('emits the status change event for statements submitted WithEvent', async () => {
      const { body } = await call('ExecuteStatement', { ClusterIdentifier: 'redshift-cluster-1', Database: 'dev', Sql: 'select 1', StatementName: 'landfall/event', WithEvent: true });
      await finished(body.Id);
      await new Promise((resolve) => setImmediate(resolve));
      const event = events.find((candidate) => candidate.detail.statementId === body.Id);
      expect(event).toMatchObject({
        version: '0',
        'detail-type': 'Redshift Data Statement Status Change',
        source: 'aws.redshift-data',
        account: '123456789012',
        region: 'us-east-1',
        resources: ['arn:aws:redshift:us-east-1:123456789012:cluster:redshift-cluster-1'],
        detail: { statementName: 'landfall/event', statementId: body.Id, state: 'FINISHED', rows: 1, redshiftQueryId: -1 },
      });
      expect(event!.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      expect(event!.detail.expireAt).toBeGreaterThan(Date.now() / 1000);
      const plain = await call('ExecuteStatement', { ...TARGET, Sql: 'select 1' });
      await finished(plain.body.Id);
      expect(events.some((candidate) => candidate.detail.statementId === plain.body.Id)).toBe(false);
    });

    it('aborts a statement cancelled while it waits behind another, without running it', async () => {
      // Calling the service directly makes the order certain: both are accepted before either runs.
      const service = new StatementService({ engine });
      await engine.query('create table cancel_check (a int)');
      const running = service.executeStatement({ ...TARGET, Sql: 'insert into cancel_check values (1)' });
      const queued = service.executeStatement({ ...TARGET, Sql: 'insert into cancel_check values (2)' });
      expect(service.cancelStatement({ Id: queued.Id })).toEqual({ Status: true });
      await service.idle();
      expect(await service.describeStatement({ Id: queued.Id })).toMatchObject({ Status: 'ABORTED' });
      expect(await service.describeStatement({ Id: running.Id })).toMatchObject({ Status: 'FINISHED' });
      expect((await engine.query('select a from cancel_check')).rows).toEqual([['1']]);
      expect(() => service.cancelStatement({ Id: running.Id })).toThrow(/already in FINISHED state/);
    });
  });

  describe('WaitTimeSeconds on ExecuteStatement and BatchExecuteStatement', () => {
    it('answers once the statement has ended, with its Status and HasResultSet', async () => {
      const read = await call('ExecuteStatement', { ...TARGET, Sql: 'select 1 as one', WaitTimeSeconds: 10 });
      expect(read.status).toBe(200);
      expect(read.body).toMatchObject({ Status: 'FINISHED', HasResultSet: true, WorkgroupName: 'local', Database: 'dev' });
      // It has ended: a describe without a wait already sees it, and its rows are there.
      expect((await call('DescribeStatement', { Id: read.body.Id })).body.Status).toBe('FINISHED');
      expect((await call('GetStatementResult', { Id: read.body.Id })).body.Records).toEqual([[{ longValue: 1 }]]);

      const failed = await call('ExecuteStatement', { ...TARGET, Sql: 'select * from no_such_table_for_wait', WaitTimeSeconds: 10 });
      expect(failed.status).toBe(200); // a SQL error fails the statement, not the call
      expect(failed.body).toMatchObject({ Status: 'FAILED', HasResultSet: false });
      expect(failed.body).not.toHaveProperty('Error'); // the error text is DescribeStatement's
    });

    it('waits for every statement of a batch; HasResultSet when any of them returned rows', async () => {
      const batch = await call('BatchExecuteStatement', { ...TARGET, Sqls: ['create table wait_batch (a int)', 'insert into wait_batch values (1)', 'select a from wait_batch'], WaitTimeSeconds: 10 });
      expect(batch.body).toMatchObject({ Status: 'FINISHED', HasResultSet: true });
      const description = (await call('DescribeStatement', { Id: batch.body.Id })).body;
      expect(description.SubStatements.map((sub: { Status: string }) => sub.Status)).toEqual(['FINISHED', 'FINISHED', 'FINISHED']);
      const writes = await call('BatchExecuteStatement', { ...TARGET, Sqls: ['insert into wait_batch values (2)'], WaitTimeSeconds: 10 });
      expect(writes.body).toMatchObject({ Status: 'FINISHED', HasResultSet: false });
    });

    it('answers without a Status when no wait is asked (or 0): the status is DescribeStatement\'s', async () => {
      for (const wait of [{}, { WaitTimeSeconds: 0 }]) {
        const { body } = await call('ExecuteStatement', { ...TARGET, Sql: 'select 2', ...wait });
        expect(body.Id).toBeDefined();
        expect(body).not.toHaveProperty('Status');
        await finished(body.Id);
      }
    });

    it('refuses a wait outside 0-30 whole seconds, before accepting anything', async () => {
      for (const WaitTimeSeconds of [31, -1, 1.5, '5']) {
        const name = `wait-refused-${String(WaitTimeSeconds)}`;
        const { status, body } = await call('ExecuteStatement', { ...TARGET, Sql: 'select 3', StatementName: name, WaitTimeSeconds });
        expect(status).toBe(400);
        expect(body.__type).toMatch(/ValidationException$/);
        expect(body.message).toBe('WaitTimeSeconds must be an integer from 0 to 30.');
        expect((await call('ListStatements', { StatementName: name })).body.Statements).toEqual([]);
      }
      const batch = await call('BatchExecuteStatement', { ...TARGET, Sqls: ['select 4'], WaitTimeSeconds: 31 });
      expect(batch.status).toBe(400);
      expect(batch.body.message).toBe('WaitTimeSeconds must be an integer from 0 to 30.');
    });
  });
});
