/**
 * The Redshift Data API's behaviour, without HTTP: statements are accepted at once, run
 * asynchronously one at a time on the engine (SUBMITTED → PICKED → STARTED → FINISHED | FAILED |
 * ABORTED), and their results are kept in memory for GetStatementResult.
 *
 * Requests and responses use the wire field names (PascalCase); timestamps are Dates here and become
 * epoch seconds in the HTTP layer.
 */
import { randomUUID } from 'node:crypto';
import { setImmediate as nextTick } from 'node:timers/promises';
import { LocalAwsError } from '../aws/errors';
import { rewriteRedshiftSql } from '../sql-engine/redshift-compat';
import type { SqlEngine, SqlResult, SqlSession } from '../sql-engine/sql-engine';
import { type WireField, toWireColumnMetadata, toWireField } from './field-encoding';
import { type NamedParameter, bindNamedParameters } from './named-parameters';

export type StatementStatus = 'SUBMITTED' | 'PICKED' | 'STARTED' | 'FINISHED' | 'FAILED' | 'ABORTED';

const TERMINAL: ReadonlySet<StatementStatus> = new Set(['FINISHED', 'FAILED', 'ABORTED']);

/** The EventBridge event the Data API emits for a statement submitted `WithEvent` (reference §4.5). */
export interface StatementStatusChangeEvent {
  version: '0';
  id: string;
  'detail-type': 'Redshift Data Statement Status Change';
  source: 'aws.redshift-data';
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: {
    principal: string;
    statementName: string;
    statementId: string;
    redshiftQueryId: number;
    state: 'FINISHED' | 'FAILED' | 'ABORTED';
    rows: number;
    expireAt: number;
  };
}

export interface StatementServiceOptions {
  engine: SqlEngine;
  /** Rows per GetStatementResult page. Default 1000. */
  pageSize?: number;
  /** Called when a statement submitted with `WithEvent: true` ends. Errors thrown here are ignored (best effort, as in AWS). */
  onStatementFinished?: (event: StatementStatusChangeEvent) => void | Promise<void>;
  /** Called on every status change of a statement (not of sub-statements): for logs and tests. */
  onStatusChange?: (statementId: string, status: StatementStatus) => void;
  /** Account and region used in ARNs and events. Defaults `000000000000`, `us-east-1`. */
  account?: string;
  region?: string;
}

interface ConnectionFields {
  ClusterIdentifier?: string;
  WorkgroupName?: string;
  Database?: string;
  DbUser?: string;
  SecretArn?: string;
}

interface RunRecord {
  id: string;
  sql: string;
  status: StatementStatus;
  error?: string;
  createdAt: Date;
  updatedAt: Date;
  durationNs: number;
  hasResultSet: boolean;
  resultRows: number;
  resultSize: number;
  result?: SqlResult;
}

interface StatementRecord extends RunRecord {
  isBatch: boolean;
  sqls: string[];
  parameters: NamedParameter[];
  connection: ConnectionFields;
  statementName?: string;
  withEvent: boolean;
  subStatements: RunRecord[];
  redshiftQueryId: number;
  cancelRequested: boolean;
  settled: Promise<void>;
  settle: () => void;
}

const STATEMENT_ID = /^[a-z0-9]{8}(-[a-z0-9]{4}){3}-[a-z0-9]{12}(:\d+)?$/;
const PARAMETER_NAME = /^[0-9a-zA-Z_]+$/;
const MAX_SQL_BYTES = 100 * 1024;
const RETENTION_SECONDS = 24 * 60 * 60;

function validation(message: string): LocalAwsError {
  return new LocalAwsError('ValidationException', message, 400);
}

function notFound(id: string): LocalAwsError {
  return new LocalAwsError('ResourceNotFoundException', `Query does not exist. Statement id: ${id}`, 400);
}

export class StatementService {
  private readonly statements = new Map<string, StatementRecord>();
  private readonly idByClientToken = new Map<string, string>();
  private queue: Promise<void> = Promise.resolve();
  private nextQueryId = 1000;
  private readonly pageSize: number;
  private readonly account: string;
  private readonly region: string;

  constructor(private readonly options: StatementServiceOptions) {
    this.pageSize = options.pageSize ?? 1000;
    this.account = options.account ?? '000000000000';
    this.region = options.region ?? 'us-east-1';
  }

  executeStatement(request: Record<string, unknown>): Record<string, unknown> {
    const sql = requireSql(request.Sql, 'Sql');
    const parameters = readParameters(request.Parameters);
    return this.accept(request, [sql], parameters, false);
  }

  batchExecuteStatement(request: Record<string, unknown>): Record<string, unknown> {
    if (request.Parameters !== undefined) throw validation('Parameters are not supported by BatchExecuteStatement.');
    if (!Array.isArray(request.Sqls)) throw validation('Sqls is required.');
    if (request.Sqls.length < 1 || request.Sqls.length > 40) {
      throw validation(`Sqls must hold 1 to 40 statements, got ${request.Sqls.length}.`);
    }
    const sqls = request.Sqls.map((sql, index) => requireSql(sql, `Sqls[${index}]`));
    return this.accept(request, sqls, [], true);
  }

  async describeStatement(request: Record<string, unknown>): Promise<Record<string, unknown>> {
    const { record, sub } = this.find(request.Id);
    await this.waitIfAsked(record, request.WaitTimeSeconds);
    if (sub) return { ...describeRun(sub), ...this.describeOwner(record) };
    return {
      ...describeRun(record),
      ...this.describeOwner(record),
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
    const { record, sub } = this.find(request.Id);
    await this.waitIfAsked(record, request.WaitTimeSeconds);
    const run = sub ?? record;
    if (!sub && record.isBatch) {
      throw validation(`Statement ${record.id} is a batch: fetch a sub-statement's result with its id, e.g. ${record.id}:1.`);
    }
    if (run.status !== 'FINISHED' || !run.result || !run.hasResultSet) {
      throw validation('Query does not have result. Please check query status with DescribeStatement.');
    }
    const offset = readNextToken(request.NextToken);
    const { columns, rows } = run.result;
    const page = rows.slice(offset, offset + this.pageSize);
    const end = offset + page.length;
    return {
      ColumnMetadata: columns.map(toWireColumnMetadata),
      Records: page.map((row) => row.map((value, index): WireField => toWireField(value, columns[index].typeName))),
      TotalNumRows: rows.length,
      NextToken: end < rows.length ? Buffer.from(String(end)).toString('base64') : undefined,
    };
  }

  cancelStatement(request: Record<string, unknown>): Record<string, unknown> {
    const { record, sub } = this.find(request.Id);
    if (sub) throw validation('Cancel the batch statement, not one of its sub-statements.');
    if (TERMINAL.has(record.status)) {
      throw validation(`Could not cancel a query that is already in ${record.status} state.`);
    }
    if (record.status === 'STARTED') {
      // The engine cannot interrupt a running statement: it ends ABORTED when it returns, and a batch is rolled back.
      record.cancelRequested = true;
    } else {
      this.finish(record, 'ABORTED');
    }
    return { Status: true };
  }

  listStatements(request: Record<string, unknown>): Record<string, unknown> {
    const maxResults = optionalInteger(request.MaxResults, 'MaxResults', 0, 100) || 100;
    const status = request.Status === undefined ? 'ALL' : String(request.Status);
    if (status !== 'ALL' && !['SUBMITTED', 'PICKED', 'STARTED', 'FINISHED', 'FAILED', 'ABORTED'].includes(status)) {
      throw validation(`Status must be one of ABORTED, ALL, FAILED, FINISHED, PICKED, STARTED, SUBMITTED.`);
    }
    const namePrefix = request.StatementName === undefined ? undefined : String(request.StatementName);
    const matching = [...this.statements.values()]
      .filter((record) => status === 'ALL' || record.status === status)
      .filter((record) => namePrefix === undefined || (record.statementName ?? '').startsWith(namePrefix))
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
    const offset = readNextToken(request.NextToken);
    const page = matching.slice(offset, offset + maxResults);
    const end = offset + page.length;
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
      NextToken: end < matching.length ? Buffer.from(String(end)).toString('base64') : undefined,
    };
  }

  /** Resolves when every accepted statement has ended. */
  async idle(): Promise<void> {
    let seen: Promise<void>;
    do {
      seen = this.queue;
      await seen;
    } while (seen !== this.queue);
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
    const existingId = clientToken === undefined ? undefined : this.idByClientToken.get(clientToken);
    const existing = existingId === undefined ? undefined : this.statements.get(existingId);
    if (existing) return this.acceptedResponse(existing);

    const now = new Date();
    const id = randomUUID();
    let settle!: () => void;
    const settled = new Promise<void>((resolve) => (settle = resolve));
    const record: StatementRecord = {
      ...newRun(id, isBatch ? sqls.join(';\n') : sqls[0], now),
      isBatch,
      sqls,
      parameters,
      connection,
      statementName,
      withEvent: request.WithEvent === true,
      subStatements: isBatch ? sqls.map((sql, index) => newRun(`${id}:${index + 1}`, sql, now)) : [],
      redshiftQueryId: this.nextQueryId++,
      cancelRequested: false,
      settled,
      settle,
    };
    this.statements.set(id, record);
    if (clientToken !== undefined) this.idByClientToken.set(clientToken, id);
    this.queue = this.queue.then(() => this.run(record));
    return this.acceptedResponse(record);
  }

  private acceptedResponse(record: StatementRecord): Record<string, unknown> {
    return { Id: record.id, CreatedAt: record.createdAt, ...record.connection, DbGroups: [] };
  }

  private async run(record: StatementRecord): Promise<void> {
    if (TERMINAL.has(record.status)) return; // cancelled while queued
    this.changeStatus(record, 'PICKED');
    await nextTick();
    if (TERMINAL.has(record.status)) return;
    this.changeStatus(record, 'STARTED');
    const started = process.hrtime.bigint();
    if (record.isBatch) {
      await this.runBatch(record);
    } else {
      const bound = bindNamedParameters(record.sql, record.parameters);
      await runInto(record, this.options.engine, rewriteRedshiftSql(bound.sql), bound.values);
    }
    record.durationNs = Number(process.hrtime.bigint() - started);
    const cancelledWhileRunning = record.status === 'FINISHED' && record.cancelRequested;
    this.finish(record, cancelledWhileRunning ? 'ABORTED' : record.status);
  }

  private async runBatch(record: StatementRecord): Promise<void> {
    let failure: RunRecord | undefined;
    try {
      await this.options.engine.transaction(async (session) => {
        for (const sub of record.subStatements) {
          if (record.cancelRequested) throw new Error('cancelled');
          setStatus(sub, 'STARTED');
          await runInto(sub, session, rewriteRedshiftSql(sub.sql), []);
          if (sub.status === 'FAILED') {
            failure = sub;
            throw new Error(sub.error);
          }
        }
        if (record.cancelRequested) throw new Error('cancelled');
      });
    } catch (error) {
      for (const sub of record.subStatements) if (!TERMINAL.has(sub.status)) setStatus(sub, 'ABORTED');
      if (failure) {
        record.status = 'FAILED';
        record.error = failure.error;
      } else if (record.cancelRequested) {
        record.status = 'ABORTED';
      } else {
        record.status = 'FAILED';
        record.error = `ERROR: ${error instanceof Error ? error.message : String(error)}`; // e.g. COMMIT failed
      }
      return;
    }
    const lastWithRows = [...record.subStatements].reverse().find((sub) => sub.resultRows >= 0);
    record.status = 'FINISHED';
    record.hasResultSet = record.subStatements.some((sub) => sub.hasResultSet);
    record.resultRows = lastWithRows?.resultRows ?? -1;
    record.resultSize = record.subStatements.reduce((total, sub) => total + Math.max(sub.resultSize, 0), 0);
  }

  private changeStatus(record: StatementRecord, status: StatementStatus): void {
    setStatus(record, status);
    this.options.onStatusChange?.(record.id, status);
  }

  private finish(record: StatementRecord, status: StatementStatus): void {
    this.changeStatus(record, status);
    record.settle();
    if (record.withEvent && this.options.onStatementFinished) {
      const event = this.statusChangeEvent(record);
      Promise.resolve()
        .then(() => this.options.onStatementFinished!(event))
        .catch(() => undefined);
    }
  }

  private statusChangeEvent(record: StatementRecord): StatementStatusChangeEvent {
    const { ClusterIdentifier, WorkgroupName } = record.connection;
    const resource = ClusterIdentifier
      ? `arn:aws:redshift:${this.region}:${this.account}:cluster:${ClusterIdentifier}`
      : `arn:aws:redshift-serverless:${this.region}:${this.account}:workgroup/${WorkgroupName}`;
    return {
      version: '0',
      id: randomUUID(),
      'detail-type': 'Redshift Data Statement Status Change',
      source: 'aws.redshift-data',
      account: this.account,
      time: record.updatedAt.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      region: this.region,
      resources: [resource],
      detail: {
        principal: `arn:aws:iam::${this.account}:user/${record.connection.DbUser ?? 'local'}`,
        statementName: record.statementName ?? '',
        statementId: record.id,
        redshiftQueryId: -1,
        state: record.status as 'FINISHED' | 'FAILED' | 'ABORTED',
        rows: Math.max(record.resultRows, 0),
        expireAt: Math.floor(record.createdAt.getTime() / 1000) + RETENTION_SECONDS,
      },
    };
  }

  private describeOwner(record: StatementRecord): Record<string, unknown> {
    return { ...record.connection, StatementName: record.statementName };
  }

  private find(id: unknown): { record: StatementRecord; sub?: RunRecord } {
    if (typeof id !== 'string' || id === '') throw validation('Id is required.');
    if (!STATEMENT_ID.test(id)) {
      throw validation(`1 validation error detected: Value '${id}' at 'id' failed to satisfy constraint: Member must satisfy regular expression pattern: ${STATEMENT_ID.source}`);
    }
    const [parentId, subNumber] = id.split(':');
    const record = this.statements.get(parentId);
    if (!record) throw notFound(id);
    if (subNumber === undefined) return { record };
    const sub = record.isBatch ? record.subStatements[Number(subNumber) - 1] : undefined;
    if (!sub) throw notFound(id);
    return { record, sub };
  }

  private async waitIfAsked(record: StatementRecord, waitTimeSeconds: unknown): Promise<void> {
    const seconds = optionalInteger(waitTimeSeconds, 'WaitTimeSeconds', 0, 30);
    if (!seconds || TERMINAL.has(record.status)) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([record.settled, new Promise<void>((resolve) => (timer = setTimeout(resolve, seconds * 1000)))]);
    clearTimeout(timer);
  }
}

function newRun(id: string, sql: string, now: Date): RunRecord {
  return {
    id,
    sql,
    status: 'SUBMITTED',
    createdAt: now,
    updatedAt: now,
    durationNs: 0,
    hasResultSet: false,
    resultRows: -1,
    resultSize: -1,
  };
}

function setStatus(run: RunRecord, status: StatementStatus): void {
  run.status = status;
  run.updatedAt = new Date();
}

/** Runs one statement and records its outcome on `run`: FINISHED with its result, or FAILED with the database's error. */
async function runInto(run: RunRecord, session: SqlSession, sql: string, params: string[]): Promise<void> {
  const started = process.hrtime.bigint();
  try {
    const result = await session.query(sql, params);
    run.result = result;
    run.hasResultSet = result.columns.length > 0;
    run.resultRows = result.rowCount ?? (run.hasResultSet ? result.rows.length : -1);
    run.resultSize = run.hasResultSet
      ? result.rows.reduce((total, row) => total + row.reduce((size, value) => size + (value?.length ?? 0), 0), 0)
      : -1;
    setStatus(run, 'FINISHED');
  } catch (error) {
    run.error = `ERROR: ${error instanceof Error ? error.message : String(error)}`;
    setStatus(run, 'FAILED');
  } finally {
    run.durationNs = Number(process.hrtime.bigint() - started);
  }
}

function describeRun(run: RunRecord): Record<string, unknown> {
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

function requireSql(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw validation(`${field} is required and must not be empty.`);
  if (Buffer.byteLength(value) > MAX_SQL_BYTES) throw validation(`${field} is longer than the 100 KB limit.`);
  return value;
}

function readParameters(value: unknown): NamedParameter[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.length === 0) throw validation('Parameters must be a non-empty list.');
  return value.map((parameter, index) => {
    const { name, value: text } = (parameter ?? {}) as { name?: unknown; value?: unknown };
    if (typeof name !== 'string' || !PARAMETER_NAME.test(name)) {
      throw validation(`Parameters[${index}].name must match ${PARAMETER_NAME.source}.`);
    }
    if (typeof text !== 'string' || text.length === 0) {
      throw validation(`Parameters[${index}].value (for :${name}) must be a non-empty string.`);
    }
    return { name, value: text };
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

function readNextToken(token: unknown): number {
  if (token === undefined || token === null || token === '') return 0;
  const offset = typeof token === 'string' ? Number(Buffer.from(token, 'base64').toString('utf8')) : NaN;
  if (!Number.isInteger(offset) || offset < 0) throw validation('NextToken is invalid.');
  return offset;
}
