/**
 * What the Data API accepts and what it keeps of a statement: the submission, the records, their statuses, and the
 * service's limits on a submission (checked before anything is queued).
 */
import type { StatementStatus } from '../../engine/warehouse/warehouse';
import { LocalAwsError } from '../aws/errors';
import type { SqlResult } from '../sql-engine/sql-engine';
import type { NamedParameter } from './named-parameters';

/** The statuses are the Data API's, as the engine's Warehouse port names them. */
export type { StatementStatus } from '../../engine/warehouse/warehouse';

/** The connection members of a request, echoed in responses (wire names). */
export interface ConnectionFields {
  ClusterIdentifier?: string;
  WorkgroupName?: string;
  Database?: string;
  DbUser?: string;
  SecretArn?: string;
}

/** What a caller submits: one statement, or a batch run as one transaction. */
export interface StatementSubmission {
  sqls: readonly string[];
  /** BatchExecuteStatement (even with one statement); otherwise exactly one SQL statement. */
  isBatch: boolean;
  /** `:name` parameters (single statements only). */
  parameters?: readonly NamedParameter[];
  connection: ConnectionFields;
  statementName?: string;
  /** Idempotency: a repeated token returns the statement accepted first. */
  clientToken?: string;
  withEvent?: boolean;
}

/** One statement's run: a single statement, or one sub-statement of a batch (`<id>:<n>`). */
export interface StatementRun {
  id: string;
  sql: string;
  status: StatementStatus;
  /** `ERROR: <database message>` when FAILED. */
  error?: string;
  createdAt: Date;
  updatedAt: Date;
  durationNs: number;
  hasResultSet: boolean;
  /** Rows returned or affected; -1 when the command reports none. */
  resultRows: number;
  resultSize: number;
  result?: SqlResult;
}

/** A statement the store accepted, with its sub-statements when it is a batch. */
export interface StatementRecord extends StatementRun {
  isBatch: boolean;
  sqls: readonly string[];
  parameters: readonly NamedParameter[];
  connection: ConnectionFields;
  statementName?: string;
  withEvent: boolean;
  subStatements: StatementRun[];
  redshiftQueryId: number;
  cancelRequested: boolean;
  /** Resolves when the statement has ended (and no longer uses its session). */
  settled: Promise<void>;
}

const PARAMETER_NAME = /^[0-9a-zA-Z_]+$/;
const MAX_SQL_BYTES = 100 * 1024;
const MAX_BATCH_STATEMENTS = 40;

/** A ValidationException, as the Data API answers a request it refuses. */
export function validationError(message: string): LocalAwsError {
  return new LocalAwsError('ValidationException', message, 400);
}

/**
 * Refuses, as the Data API does, a submission past its limits: 1 to 40 statements in a batch and none with
 * parameters, exactly one otherwise, each non-empty and at most 100 KB, parameter names and non-empty values, a
 * `ClientToken` of 1 to 64 characters. @throws LocalAwsError ValidationException naming the field.
 */
export function checkSubmission(submission: StatementSubmission): void {
  const { sqls, isBatch } = submission;
  const parameters = submission.parameters ?? [];
  if (isBatch) {
    if (parameters.length > 0) throw validationError('Parameters are not supported by BatchExecuteStatement.');
    if (sqls.length < 1 || sqls.length > MAX_BATCH_STATEMENTS) {
      throw validationError(`Sqls must hold 1 to ${MAX_BATCH_STATEMENTS} statements, got ${sqls.length}.`);
    }
    sqls.forEach((sql, index) => checkSql(sql, `Sqls[${index}]`));
  } else {
    if (sqls.length !== 1) throw validationError(`ExecuteStatement runs one statement, got ${sqls.length}.`);
    checkSql(sqls[0], 'Sql');
  }
  parameters.forEach(checkParameter);
  if (submission.clientToken !== undefined && (submission.clientToken.length < 1 || submission.clientToken.length > 64)) {
    throw validationError('ClientToken must be a string of 1 to 64 characters.');
  }
}

function checkSql(sql: string | undefined, field: string): void {
  if (typeof sql !== 'string' || sql.trim() === '') throw validationError(`${field} is required and must not be empty.`);
  if (Buffer.byteLength(sql) > MAX_SQL_BYTES) throw validationError(`${field} is longer than the 100 KB limit.`);
}

function checkParameter(parameter: NamedParameter, index: number): void {
  if (typeof parameter.name !== 'string' || !PARAMETER_NAME.test(parameter.name)) {
    throw validationError(`Parameters[${index}].name must match ${PARAMETER_NAME.source}.`);
  }
  if (typeof parameter.value !== 'string' || parameter.value.length === 0) {
    throw validationError(`Parameters[${index}].value (for :${parameter.name}) must be a non-empty string.`);
  }
}
