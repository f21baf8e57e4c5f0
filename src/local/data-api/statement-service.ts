/**
 * The Redshift Data API's operations on wire-shaped requests and responses (PascalCase members, as the
 * AWS JSON protocol carries them): each request is checked and turned into a call on the shared
 * {@link StatementStore}, which owns the statements' lifecycle. Timestamps are Dates here and become epoch
 * seconds in the HTTP layer.
 */
import { offsetPage } from '../aws/offset-pages';
import { type WireField, toWireColumnMetadata, toWireField } from './field-encoding';
import type { NamedParameter } from './named-parameters';
import { StatementStore, type StatementStoreOptions } from './statement-store';
import { type ConnectionFields, type StatementRun, type StatementStatus, validationError as validation } from './statement-submission';

const STATUSES: readonly StatementStatus[] = ['SUBMITTED', 'PICKED', 'STARTED', 'FINISHED', 'FAILED', 'ABORTED'];

export interface StatementServiceOptions extends StatementStoreOptions {
  /** Rows per GetStatementResult page. Default 1000. */
  pageSize?: number;
}

/**
 * @example
 * const service = new StatementService({ engine });
 * const { Id } = service.executeStatement({ WorkgroupName: 'local', Database: 'dev', Sql: 'select 1' });
 * await service.describeStatement({ Id, WaitTimeSeconds: 10 }); // { Status: 'FINISHED', … }
 */
export class StatementService {
  /** The statements behind this service (shared with in-process callers when passed in). */
  readonly store: StatementStore;
  private readonly pageSize: number;

  constructor(options: StatementServiceOptions & { store?: StatementStore }) {
    this.store = options.store ?? new StatementStore(options);
    this.pageSize = options.pageSize ?? 1000;
  }

  /** Accepts the statement and answers at once (in-process callers); the HTTP layer answers through {@link answerAfterWait}. */
  executeStatement(request: Record<string, unknown>): Record<string, unknown> {
    const sql = requireString(request.Sql, 'Sql');
    const parameters = readParameters(request.Parameters);
    return this.accept(request, [sql], parameters, false);
  }

  batchExecuteStatement(request: Record<string, unknown>): Record<string, unknown> {
    if (request.Parameters !== undefined) throw validation('Parameters are not supported by BatchExecuteStatement.');
    if (!Array.isArray(request.Sqls)) throw validation('Sqls is required.');
    const sqls = request.Sqls.map((sql, index) => requireString(sql, `Sqls[${index}]`));
    return this.accept(request, sqls, [], true);
  }

  /**
   * An accepted ExecuteStatement/BatchExecuteStatement as the service answers it. With `WaitTimeSeconds` (0–30) the
   * answer waits until the statement — for a batch, all of its statements — has ended or the wait is over, and carries
   * its `Status` then and `HasResultSet` (a batch: whether any sub-statement returned rows). As the API documents both
   * requests' member: "The number of seconds to wait for the SQL statement to complete execution before returning the
   * response. If the SQL statement does not complete within the specified time, the response returns the current
   * status. The maximum value is 30 seconds." (ExecuteStatementInput / BatchExecuteStatementInput in the SDK's model,
   * @aws-sdk/client-redshift-data 3.1169; https://docs.rs/crate/aws-sdk-redshiftdata/1.110.0/source/src/operation/execute_statement/_execute_statement_input.rs).
   * Without it (or with 0) the answer is the acceptance alone: no `Status`, which a caller must then ask
   * DescribeStatement for (stricter than guessing what the service reports before it has run anything).
   */
  async answerAfterWait(request: Record<string, unknown>, accepted: Record<string, unknown>): Promise<Record<string, unknown>> {
    const ms = waitMs(request.WaitTimeSeconds);
    if (ms === 0) return accepted;
    const { record } = this.store.find(accepted.Id);
    await this.store.waitForEnd(record, ms);
    const hasResultSet = record.isBatch ? record.subStatements.some((sub) => sub.hasResultSet) : record.hasResultSet;
    return { ...accepted, Status: record.status, HasResultSet: hasResultSet };
  }

  async describeStatement(request: Record<string, unknown>): Promise<Record<string, unknown>> {
    const { record, sub } = this.store.find(request.Id);
    await this.store.waitForEnd(record, waitMs(request.WaitTimeSeconds));
    const owner = { ...record.connection, StatementName: record.statementName };
    if (sub) return { ...describeRun(sub), ...owner };
    return {
      ...describeRun(record),
      ...owner,
      Id: record.id,
      QueryString: record.isBatch ? undefined : record.sql,
      QueryParameters: record.parameters.length > 0 ? record.parameters : undefined,
      IsBatchStatement: record.isBatch,
      RedshiftQueryId: record.redshiftQueryId,
      RedshiftPid: 0,
      SubStatements: record.isBatch ? record.subStatements.map(describeRun) : undefined,
    };
  }

  async getStatementResult(request: Record<string, unknown>): Promise<Record<string, unknown>> {
    const { record, sub } = this.store.find(request.Id);
    await this.store.waitForEnd(record, waitMs(request.WaitTimeSeconds));
    const run = sub ?? record;
    if (!sub && record.isBatch) {
      throw validation(`Statement ${record.id} is a batch: fetch a sub-statement's result with its id, e.g. ${record.id}:1.`);
    }
    if (run.status !== 'FINISHED' || !run.result || !run.hasResultSet) {
      throw validation('Query does not have result. Please check query status with DescribeStatement.');
    }
    const { columns, rows } = run.result;
    const { page, nextToken } = offsetPage(rows, request.NextToken, this.pageSize, invalidNextToken);
    return {
      ColumnMetadata: columns.map(toWireColumnMetadata),
      Records: page.map((row) => row.map((value, index): WireField => toWireField(value, columns[index]!.typeName))),
      TotalNumRows: rows.length,
      NextToken: nextToken,
    };
  }

  cancelStatement(request: Record<string, unknown>): Record<string, unknown> {
    this.store.cancel(request.Id);
    return { Status: true };
  }

  listStatements(request: Record<string, unknown>): Record<string, unknown> {
    const maxResults = optionalInteger(request.MaxResults, 'MaxResults', 0, 100) || 100;
    const status = request.Status === undefined ? 'ALL' : String(request.Status);
    if (status !== 'ALL' && !STATUSES.includes(status as StatementStatus)) {
      throw validation(`Status must be one of ABORTED, ALL, FAILED, FINISHED, PICKED, STARTED, SUBMITTED.`);
    }
    const namePrefix = request.StatementName === undefined ? undefined : String(request.StatementName);
    const matching = this.store
      .list()
      .filter((record) => status === 'ALL' || record.status === status)
      .filter((record) => namePrefix === undefined || (record.statementName ?? '').startsWith(namePrefix))
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
    const { page, nextToken } = offsetPage(matching, request.NextToken, maxResults, invalidNextToken);
    return {
      Statements: page.map((record) => ({
        Id: record.id,
        CreatedAt: record.createdAt,
        UpdatedAt: record.updatedAt,
        IsBatchStatement: record.isBatch,
        QueryString: record.isBatch ? undefined : record.sql,
        QueryStrings: record.isBatch ? record.sqls : undefined,
        QueryParameters: record.parameters.length > 0 ? record.parameters : undefined,
        SecretArn: record.connection.SecretArn,
        StatementName: record.statementName,
        Status: record.status,
      })),
      NextToken: nextToken,
    };
  }

  /** Resolves when every accepted statement has ended. */
  idle(): Promise<void> {
    return this.store.idle();
  }

  private accept(
    request: Record<string, unknown>,
    sqls: string[],
    parameters: NamedParameter[],
    isBatch: boolean,
  ): Record<string, unknown> {
    const connection = readConnection(request);
    const statementName = optionalString(request.StatementName, 'StatementName', 0, 500);
    const clientToken = optionalString(request.ClientToken, 'ClientToken', 1, 64);
    if (request.SessionId !== undefined || request.SessionKeepAliveSeconds !== undefined) {
      throw validation('Sessions (SessionId, SessionKeepAliveSeconds) are not supported by the local Data API.');
    }
    waitMs(request.WaitTimeSeconds); // refused before anything is accepted: a bad wait must not leave a statement running
    const record = this.store.accept({ sqls, isBatch, parameters, connection, statementName, clientToken, withEvent: request.WithEvent === true });
    return { Id: record.id, CreatedAt: record.createdAt, ...record.connection, DbGroups: [] };
  }
}

function describeRun(run: StatementRun): Record<string, unknown> {
  return {
    Id: run.id,
    Status: run.status,
    Error: run.error,
    QueryString: run.sql,
    CreatedAt: run.createdAt,
    UpdatedAt: run.updatedAt,
    Duration: run.durationNs,
    HasResultSet: run.hasResultSet,
    ResultRows: run.resultRows,
    ResultSize: run.resultSize,
    RedshiftQueryId: 0,
  };
}

/** A string member; emptiness and the size limit are checked by the store. */
function requireString(value: unknown, field: string): string {
  if (typeof value !== 'string') throw validation(`${field} is required and must not be empty.`);
  return value;
}

/** `WaitTimeSeconds` (0–30) in milliseconds. */
function waitMs(waitTimeSeconds: unknown): number {
  return (optionalInteger(waitTimeSeconds, 'WaitTimeSeconds', 0, 30) ?? 0) * 1000;
}

/** The `Parameters` list's shape; names and values are checked by the store. */
function readParameters(value: unknown): NamedParameter[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.length === 0) throw validation('Parameters must be a non-empty list.');
  return value.map((parameter) => {
    const { name, value: text } = (parameter ?? {}) as { name?: unknown; value?: unknown };
    return { name, value: text } as NamedParameter;
  });
}

function readConnection(request: Record<string, unknown>): ConnectionFields {
  const cluster = optionalString(request.ClusterIdentifier, 'ClusterIdentifier', 1, 63);
  const workgroup = optionalString(request.WorkgroupName, 'WorkgroupName', 3, 64);
  if ((cluster === undefined) === (workgroup === undefined)) {
    throw validation('Either ClusterIdentifier or WorkgroupName must be specified, but not both.');
  }
  const database = optionalString(request.Database, 'Database', 1, 127);
  if (database === undefined) throw validation('Database is required.');
  const dbUser = optionalString(request.DbUser, 'DbUser', 1, 128);
  const secretArn = optionalString(request.SecretArn, 'SecretArn', 1, 2048);
  if (dbUser !== undefined && secretArn !== undefined) throw validation('Specify either DbUser or SecretArn, not both.');
  if (dbUser !== undefined && workgroup !== undefined) throw validation('DbUser is not supported with WorkgroupName.');
  return { ClusterIdentifier: cluster, WorkgroupName: workgroup, Database: database, DbUser: dbUser, SecretArn: secretArn };
}

function optionalString(value: unknown, field: string, min: number, max: number): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.length < min || value.length > max) {
    throw validation(`${field} must be a string of ${min} to ${max} characters.`);
  }
  return value;
}

function optionalInteger(value: unknown, field: string, min: number, max: number): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw validation(`${field} must be an integer from ${min} to ${max}.`);
  }
  return value;
}

const invalidNextToken = () => validation('NextToken is invalid.');
