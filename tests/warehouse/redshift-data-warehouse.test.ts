/**
 * Contract tests of the production adapter: the real RedshiftDataClient talks to the local Data API
 * endpoint (PGlite behind it) over HTTP, so wire protocol, adapter and local service are checked together.
 */
import { ExecuteStatementCommand, GetStatementResultCommand, RedshiftDataClient } from '@aws-sdk/client-redshift-data';
import { type LocalDataApi, startLocalDataApi } from '../../src/local/data-api/local-data-api';
import { openPGliteEngine, prepareTemplate, sharedTemplateDir } from '../../src/local/sql-engine/pglite-engine';
import type { SqlEngine } from '../../src/local/sql-engine/sql-engine';
import type { ConnectionTarget } from '../../src/warehouse/connection-config';
import { RedshiftDataWarehouse, decodeField, toWarehouseError } from '../../src/warehouse/redshift-data-warehouse';
import { runQuery, waitForStatement } from '../../src/engine/warehouse/run-query';
import {
  SqlFailedError,
  StatementNotFoundError,
  WarehouseBusyError,
  WarehouseError,
  WarehouseValidationError,
} from '../../src/engine/warehouse/warehouse';

const TARGET: ConnectionTarget = { compute: { kind: 'serverless', workgroupName: 'local' }, database: 'dev', auth: { kind: 'iam' } };
const DUMMY_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };
const PAGE_SIZE = 2;

let engine: SqlEngine;
let api: LocalDataApi;
let client: RedshiftDataClient;
let warehouse: RedshiftDataWarehouse;

beforeAll(async () => {
  engine = await openPGliteEngine({ inMemory: true, template: await prepareTemplate(sharedTemplateDir()) });
  api = await startLocalDataApi({ engine, pageSize: PAGE_SIZE });
  client = new RedshiftDataClient({ endpoint: api.url, region: 'us-east-1', credentials: DUMMY_CREDENTIALS });
  warehouse = new RedshiftDataWarehouse({ client, target: TARGET });
});

afterAll(async () => {
  client?.destroy();
  await api?.close();
  await engine?.close();
});

describe('Class: RedshiftDataWarehouse (against the local Data API)', () => {
  describe('submit, describe, fetchRows', () => {
    it('runs a query to FINISHED and describes it', async () => {
      const id = await warehouse.submit('select n from generate_series(1, 3) n', { name: 'landfall/test/describe' });
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      const description = await waitForStatement(warehouse, id);
      expect(description).toMatchObject({ id, status: 'FINISHED', hasResultSet: true, resultRows: 3 });
      expect(description.error).toBeUndefined();
      expect(description.durationMs).toBeGreaterThan(0);
      expect(description.durationMs).toBeLessThan(60_000); // nanoseconds were converted
    });

    it('decodes typed values: int, bigint, numeric, text, bool, timestamp, date, double and null', async () => {
      const result = await runQuery(
        warehouse,
        `select 42::int as i, 9007199254740991::bigint as b, 12.50::numeric(10,2) as n, 'text'::varchar as t,
                true as f, '2024-01-02 03:04:05'::timestamp as ts, '2024-01-02'::date as d, 1.5::float8 as x,
                null::int as z`,
      );
      expect(result.rows).toEqual([[42, 9007199254740991, '12.50', 'text', true, '2024-01-02 03:04:05', '2024-01-02', 1.5, null]]);
      expect(result.columns).toEqual([
        { name: 'i', typeName: 'int4' },
        { name: 'b', typeName: 'int8' },
        { name: 'n', typeName: 'numeric' },
        { name: 't', typeName: 'varchar' },
        { name: 'f', typeName: 'bool' },
        { name: 'ts', typeName: 'timestamp' },
        { name: 'd', typeName: 'date' },
        { name: 'x', typeName: 'float8' },
        { name: 'z', typeName: 'int4' },
      ]);
    });

    it('follows NextToken through every page of a result', async () => {
      const id = await warehouse.submit('select n from generate_series(1, 5) n order by n');
      await waitForStatement(warehouse, id);
      const firstPage = await client.send(new GetStatementResultCommand({ Id: id }));
      expect(firstPage.Records).toHaveLength(PAGE_SIZE);
      expect(firstPage.TotalNumRows).toBe(5);
      expect(firstPage.NextToken).toBeTruthy();
      const { rows } = await warehouse.fetchRows(id);
      expect(rows).toEqual([[1], [2], [3], [4], [5]]);
    });

    it('returns no rows but the columns for an empty result set', async () => {
      const result = await runQuery(warehouse, 'select 1 as one where false');
      expect(result).toEqual({ columns: [{ name: 'one', typeName: 'int4' }], rows: [] });
    });

    it('reports rows affected by DML in resultRows', async () => {
      await runQuery(warehouse, 'create table affected_rows (a int)');
      const id = await warehouse.submit('insert into affected_rows select generate_series(1, 4)');
      await expect(waitForStatement(warehouse, id)).resolves.toMatchObject({ status: 'FINISHED', resultRows: 4, hasResultSet: false });
    });
  });

  describe('parameters', () => {
    it('binds :name parameters, leaving :: casts and string literals alone', async () => {
      const { rows } = await runQuery(warehouse, "select :a::int + 1 as n, ':a' as literal, :b as b", { a: '41', b: 'x' });
      expect(rows).toEqual([[42, ':a', 'x']]);
    });

    it('converts string values implicitly from the context, as Redshift does', async () => {
      const { rows } = await runQuery(warehouse, 'select count(*) from generate_series(1, 10) g where g > :min', { min: '7' });
      expect(rows).toEqual([[3]]);
    });
  });

  describe('batches', () => {
    it('runs a batch in one transaction and exposes each sub-statement as <id>:<n>', async () => {
      const id = await warehouse.submit([
        'create table batch_ok (a int)',
        'insert into batch_ok values (1), (2)',
        'select a from batch_ok order by a',
      ]);
      const description = await waitForStatement(warehouse, id);
      expect(description.status).toBe('FINISHED');
      expect(description.subStatements).toEqual([
        { id: `${id}:1`, status: 'FINISHED', resultRows: -1, hasResultSet: false },
        { id: `${id}:2`, status: 'FINISHED', resultRows: 2, hasResultSet: false },
        { id: `${id}:3`, status: 'FINISHED', resultRows: 2, hasResultSet: true },
      ]);
      expect((await warehouse.fetchRows(`${id}:3`)).rows).toEqual([[1], [2]]);
    });

    it('rolls back the whole batch when a later statement fails', async () => {
      await runQuery(warehouse, 'create table batch_atomic (a int)');
      const id = await warehouse.submit(['insert into batch_atomic values (1)', 'insert into no_such_table values (2)']);
      const description = await waitForStatement(warehouse, id);
      expect(description.status).toBe('FAILED');
      expect(description.error).toMatch(/relation "no_such_table" does not exist/);
      expect(description.subStatements?.map((sub) => sub.status)).toEqual(['FINISHED', 'FAILED']);
      expect((await runQuery(warehouse, 'select count(*) from batch_atomic')).rows).toEqual([[0]]);
    });

    it('understands Redshift DDL and functions in a batch', async () => {
      const { rows } = await runQuery(warehouse, [
        'create table dialect_check (id int encode az64, day date) diststyle key distkey(id) sortkey(day)',
        "insert into dialect_check values (1, '2024-01-31')",
        'select dateadd(day, 1, day), datediff(month, day, dateadd(month, 1, day)), nvl(null, id) from dialect_check',
      ]);
      expect(rows).toEqual([['2024-02-01 00:00:00', 1, 1]]);
    });
  });

  describe('failures', () => {
    it('ends a statement FAILED with the database error text, without failing the call', async () => {
      const id = await warehouse.submit('select * from missing_relation');
      const description = await waitForStatement(warehouse, id);
      expect(description).toMatchObject({ status: 'FAILED', error: 'ERROR: relation "missing_relation" does not exist' });
    });

    it('makes runQuery throw SqlFailedError for a failed statement', async () => {
      await expect(runQuery(warehouse, 'select 1/0')).rejects.toThrow(SqlFailedError);
      await expect(runQuery(warehouse, 'select 1/0')).rejects.toMatchObject({ sqlError: 'ERROR: division by zero' });
    });

    it('throws StatementNotFoundError for an unknown statement id', async () => {
      const unknown = '00000000-0000-4000-8000-000000000000';
      await expect(warehouse.describe(unknown)).rejects.toThrow(StatementNotFoundError);
      await expect(warehouse.fetchRows(unknown)).rejects.toThrow(StatementNotFoundError);
      await expect(warehouse.cancel(unknown)).rejects.toThrow(StatementNotFoundError);
    });

    it('throws WarehouseValidationError for invalid requests', async () => {
      await expect(warehouse.describe('not-a-statement-id')).rejects.toThrow(WarehouseValidationError);
      await expect(warehouse.submit('   ')).rejects.toThrow(WarehouseValidationError);
      await expect(warehouse.submit([])).rejects.toThrow(WarehouseValidationError);
      await expect(warehouse.submit(Array(41).fill('select 1'))).rejects.toThrow(WarehouseValidationError);
    });

    it('throws WarehouseValidationError when fetching a statement without a result set', async () => {
      const id = await warehouse.submit('create table no_result (a int)');
      await waitForStatement(warehouse, id);
      await expect(warehouse.fetchRows(id)).rejects.toThrow(WarehouseValidationError);
    });

    it('throws WarehouseValidationError when cancelling a finished statement', async () => {
      const id = await warehouse.submit('select 1');
      await waitForStatement(warehouse, id);
      await expect(warehouse.cancel(id)).rejects.toThrow(WarehouseValidationError);
    });

    it('rejects a request naming both a cluster and a workgroup, as the service does', async () => {
      const send = client.send(new ExecuteStatementCommand({ Sql: 'select 1', ClusterIdentifier: 'c', WorkgroupName: 'wg1', Database: 'dev' }));
      await expect(send.catch(toWarehouseError)).resolves.toBeInstanceOf(WarehouseValidationError);
    });
  });

  describe('idempotency', () => {
    it('returns the same statement for a repeated ClientToken and runs it once', async () => {
      await runQuery(warehouse, 'create table idempotent (a int)');
      const first = await warehouse.submit('insert into idempotent values (1)', { clientToken: 'token-1' });
      const second = await warehouse.submit('insert into idempotent values (1)', { clientToken: 'token-1' });
      expect(second).toBe(first);
      await waitForStatement(warehouse, first);
      expect((await runQuery(warehouse, 'select count(*) from idempotent')).rows).toEqual([[1]]);
    });
  });

  describe('endpoint from the environment', () => {
    it('reaches the endpoint named by AWS_ENDPOINT_URL_REDSHIFT_DATA without an explicit endpoint', async () => {
      const saved = process.env.AWS_ENDPOINT_URL_REDSHIFT_DATA;
      process.env.AWS_ENDPOINT_URL_REDSHIFT_DATA = api.url;
      const envClient = new RedshiftDataClient({ region: 'us-east-1', credentials: DUMMY_CREDENTIALS });
      try {
        const { rows } = await runQuery(new RedshiftDataWarehouse({ client: envClient, target: TARGET }), 'select 7');
        expect(rows).toEqual([[7]]);
      } finally {
        envClient.destroy();
        if (saved === undefined) delete process.env.AWS_ENDPOINT_URL_REDSHIFT_DATA;
        else process.env.AWS_ENDPOINT_URL_REDSHIFT_DATA = saved;
      }
    });
  });
});

describe('decodeField', () => {
  it('decodes each member of the Field union', () => {
    expect(decodeField({ longValue: 1 })).toBe(1);
    expect(decodeField({ doubleValue: 1.5 })).toBe(1.5);
    expect(decodeField({ stringValue: 'a' })).toBe('a');
    expect(decodeField({ booleanValue: false })).toBe(false);
    expect(decodeField({ isNull: true })).toBeNull();
    expect(decodeField({ blobValue: new Uint8Array([1, 2]) })).toBe('AQI=');
  });
});

describe('toWarehouseError', () => {
  const sdkError = (name: string, extra: object = {}) => Object.assign(new Error(`${name} message`), { name, ...extra });

  it.each([
    ['ValidationException', WarehouseValidationError],
    ['ResourceNotFoundException', StatementNotFoundError],
    ['ActiveStatementsExceededException', WarehouseBusyError],
    ['ActiveSessionsExceededException', WarehouseBusyError],
    ['ThrottlingException', WarehouseBusyError],
    ['InternalServerException', WarehouseBusyError],
    ['ExecuteStatementException', WarehouseBusyError],
  ])('maps %s to %p', (name, errorClass) => {
    const mapped = toWarehouseError(sdkError(name));
    expect(mapped).toBeInstanceOf(errorClass);
    expect(mapped.message).toBe(`${name} message`);
    expect(mapped.cause).toBeInstanceOf(Error);
  });

  it('maps any 5xx response and connection resets to WarehouseBusyError', () => {
    expect(toWarehouseError(sdkError('Unknown', { $metadata: { httpStatusCode: 503 } }))).toBeInstanceOf(WarehouseBusyError);
    expect(toWarehouseError(sdkError('Error', { code: 'ECONNRESET' }))).toBeInstanceOf(WarehouseBusyError);
  });

  it('maps anything else to the base WarehouseError', () => {
    const mapped = toWarehouseError(sdkError('AccessDeniedException', { $metadata: { httpStatusCode: 403 } }));
    expect(mapped.constructor).toBe(WarehouseError);
  });
});
