/**
 * The Redshift Data API's statement lifecycle, without a wire format: a statement is accepted at once,
 * waits its turn, runs on a SQL engine (SUBMITTED → PICKED → STARTED → FINISHED | FAILED | ABORTED), and its
 * result stays in memory. Statements run in the order accepted, one at a time per engine session; given
 * several sessions (connections to one database) the store runs that many at once.
 *
 * Two front ends share it: the local HTTP endpoint ({@link StatementService}, for the AWS SDK client) and
 * the in-process warehouse (src/local/in-process-warehouse.ts), so both apply the same limits, the same
 * Redshift rewrites and the same state machine.
 */
import { randomUUID } from 'node:crypto';
import { setImmediate as nextTick } from 'node:timers/promises';
import { LocalAwsError } from '../aws/errors';
import { localDialect } from '../sql-engine/local-dialect';
import { type RedshiftStatementContext, runRedshiftStatement } from '../sql-engine/redshift-strict';
import type { SqlEngine, SqlResult, SqlSession } from '../sql-engine/sql-engine';
import { type NamedParameter, bindNamedParameters } from './named-parameters';
import { type DataApiCounters, type DataApiLatency, latencyFromEnvironment, newCounters, sleep, statementCommits } from './redshift-latency';

export type StatementStatus = 'SUBMITTED' | 'PICKED' | 'STARTED' | 'FINISHED' | 'FAILED' | 'ABORTED';

export const TERMINAL_STATEMENT_STATUSES: ReadonlySet<StatementStatus> = new Set(['FINISHED', 'FAILED', 'ABORTED']);
const TERMINAL = TERMINAL_STATEMENT_STATUSES;

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

export interface StatementStoreOptions {
  /**
   * Where statements run: one engine, or several sessions on the same database (e.g. a pool of PostgreSQL
   * connections), each running one statement at a time.
   */
  engine: SqlEngine | readonly SqlEngine[];
  /** Called when a statement submitted with `withEvent` ends. Errors thrown here are ignored (best effort, as in AWS). */
  onStatementFinished?: (event: StatementStatusChangeEvent) => void | Promise<void>;
  /** Called on every status change of a statement (not of sub-statements): for logs and tests. */
  onStatusChange?: (statementId: string, status: StatementStatus) => void;
  /** Account and region used in ARNs and events. Defaults `000000000000`, `us-east-1`. */
  account?: string;
  region?: string;
  /**
   * When a picked statement starts. `'next-turn'` (the default) lets the event loop turn first, so an HTTP front
   * end answers ExecuteStatement before PGlite, which runs a query synchronously, holds the loop. `'at-once'`
   * starts it in the same turn: for in-process callers, which save a turn of the loop per statement.
   */
  start?: 'next-turn' | 'at-once';
  /**
   * Strict Redshift mode: refuse, with Redshift's error text, the SQL Redshift refuses (sql-engine/redshift-strict.ts).
   * Default: on when `LANDFALL_LOCAL_DIALECT=redshift`.
   */
  redshiftStrict?: boolean;
  /**
   * The clock (tests: a redrive "25 h later"). The Data API keeps a statement and its result 24 hours
   * (https://docs.aws.amazon.com/redshift/latest/mgmt/data-api.html): after that its id answers ResourceNotFoundException.
   */
  now?: () => Date;
  /**
   * Redshift's latencies (redshift-latency.ts): commit time, a least statement time, queueing past the admitted
   * concurrency and the active-statement limit. Default: from LANDFALL_DATA_API_LATENCY, which is unset (off) in tests.
   */
  latency?: DataApiLatency;
}

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

interface MutableRecord extends StatementRecord {
  settle: () => void;
}

const STATEMENT_ID = /^[a-z0-9]{8}(-[a-z0-9]{4}){3}-[a-z0-9]{12}(:\d+)?$/;
const PARAMETER_NAME = /^[0-9a-zA-Z_]+$/;
const MAX_SQL_BYTES = 100 * 1024;
const MAX_BATCH_STATEMENTS = 40;
const RETENTION_SECONDS = 24 * 60 * 60;

/** A ValidationException, as the Data API answers a request it refuses. */
export function validationError(message: string): LocalAwsError {
  return new LocalAwsError('ValidationException', message, 400);
}

function notFound(id: string): LocalAwsError {
  return new LocalAwsError('ResourceNotFoundException', `Query does not exist. Statement id: ${id}`, 400);
}

/**
 * @example
 * const store = new StatementStore({ engine });
 * const record = store.accept({ sqls: ['select 1'], isBatch: false, connection: { WorkgroupName: 'local', Database: 'dev' } });
 * await record.settled;
 * record.status; // 'FINISHED'
 */
export class StatementStore {
  private readonly statements = new Map<string, MutableRecord>();
  private readonly idByClientToken = new Map<string, string>();
  private readonly waiting: MutableRecord[] = [];
  private readonly freeSessions: SqlEngine[];
  private readonly unsettled = new Set<MutableRecord>();
  private nextQueryId = 1000;
  private readonly account: string;
  private readonly region: string;

  private readonly strict: boolean;
  /** Redshift's latencies, when on. */
  readonly latency: DataApiLatency | undefined;
  /** What this store did (statements, commits, refusals; the HTTP front end adds the calls). */
  readonly counters: DataApiCounters = newCounters();
  /** Statements PICKED or STARTED: they hold one of the workgroup's admitted slots until they end. */
  private admitted = 0;

  constructor(private readonly options: StatementStoreOptions) {
    this.strict = options.redshiftStrict ?? localDialect() === 'redshift';
    this.latency = options.latency ?? latencyFromEnvironment();
    this.freeSessions = Array.isArray(options.engine) ? [...(options.engine as readonly SqlEngine[])] : [options.engine as SqlEngine];
    if (this.freeSessions.length === 0) throw new RangeError('StatementStore needs at least one engine session.');
    this.account = options.account ?? '000000000000';
    this.region = options.region ?? 'us-east-1';
  }

  /** Past the Data API's 24 h retention (by the store's clock): the id is no longer known. */
  private expired(record: StatementRecord): boolean {
    const now = this.options.now?.() ?? new Date();
    return now.getTime() - record.createdAt.getTime() > RETENTION_SECONDS * 1000;
  }

  get accountId(): string {
    return this.account;
  }

  /**
   * Accepts a statement (validated as the Data API does) and queues it. A repeated `clientToken` returns the
   * statement accepted first, without running anything again.
   */
  accept(submission: StatementSubmission): StatementRecord {
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
    const existingId = submission.clientToken === undefined ? undefined : this.idByClientToken.get(submission.clientToken);
    const existing = existingId === undefined ? undefined : this.statements.get(existingId);
    if (existing && !this.expired(existing)) return existing;
    if (this.latency && this.unsettled.size >= this.latency.maxActiveStatements) {
      this.counters.activeStatementsExceeded++;
      throw new LocalAwsError('ActiveStatementsExceededException', `The number of active statements exceeds the limit (${this.latency.maxActiveStatements}).`, 400);
    }
    this.counters.statements++;

    const now = this.options.now?.() ?? new Date();
    const id = randomUUID();
    let settle!: () => void;
    const settled = new Promise<void>((resolve) => (settle = resolve));
    const record: MutableRecord = {
      ...newRun(id, isBatch ? sqls.join(';\n') : sqls[0]!, now),
      isBatch,
      sqls: [...sqls],
      parameters: [...parameters],
      connection: submission.connection,
      statementName: submission.statementName,
      withEvent: submission.withEvent === true,
      subStatements: isBatch ? sqls.map((sql, index) => newRun(`${id}:${index + 1}`, sql, now)) : [],
      redshiftQueryId: this.nextQueryId++,
      cancelRequested: false,
      settled,
      settle,
    };
    this.statements.set(id, record);
    this.unsettled.add(record);
    this.counters.maxActiveStatements = Math.max(this.counters.maxActiveStatements, this.unsettled.size);
    if (submission.clientToken !== undefined) this.idByClientToken.set(submission.clientToken, id);
    this.waiting.push(record);
    this.startWaitingStatements();
    return record;
  }

  /**
   * The statement with this id, and the sub-statement when the id is `<id>:<n>`.
   * @throws LocalAwsError ValidationException for a malformed id, ResourceNotFoundException for an unknown one.
   */
  find(id: unknown): { record: StatementRecord; sub?: StatementRun } {
    if (typeof id !== 'string' || id === '') throw validationError('Id is required.');
    if (!STATEMENT_ID.test(id)) {
      throw validationError(`1 validation error detected: Value '${id}' at 'id' failed to satisfy constraint: Member must satisfy regular expression pattern: ${STATEMENT_ID.source}`);
    }
    const [parentId, subNumber] = id.split(':');
    const record = this.statements.get(parentId!);
    if (!record || this.expired(record)) throw notFound(id);
    if (subNumber === undefined) return { record };
    const sub = record.isBatch ? record.subStatements[Number(subNumber) - 1] : undefined;
    if (!sub) throw notFound(id);
    return { record, sub };
  }

  /**
   * Cancels a statement: at once when it has not started; a started one ends ABORTED when the engine returns
   * (a batch is rolled back). @throws LocalAwsError ValidationException for a sub-statement or an ended statement.
   */
  cancel(id: unknown): void {
    const { record, sub } = this.find(id);
    if (sub) throw validationError('Cancel the batch statement, not one of its sub-statements.');
    if (TERMINAL.has(record.status)) {
      throw validationError(`Could not cancel a query that is already in ${record.status} state.`);
    }
    if (record.status === 'STARTED') {
      // The engine cannot interrupt a running statement: it ends ABORTED when it returns, and a batch is rolled back.
      (record as MutableRecord).cancelRequested = true;
    } else {
      this.finish(record as MutableRecord, 'ABORTED');
    }
  }

  /**
   * One more session of the same database (e.g. a connection that finished opening after the store started):
   * waiting statements start on it at once. The store never closes sessions; their owner does.
   */
  addSession(engine: SqlEngine): void {
    this.freeSessions.push(engine);
    this.startWaitingStatements();
  }

  /** Every statement accepted so far, in the order accepted. */
  list(): StatementRecord[] {
    return [...this.statements.values()].filter((record) => !this.expired(record));
  }

  /** Waits until the statement ends, or `ms` milliseconds pass. */
  async waitForEnd(record: StatementRecord, ms: number): Promise<void> {
    if (TERMINAL.has(record.status) || ms <= 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([record.settled, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
    clearTimeout(timer);
  }

  /** Resolves as soon as one of these statements has ended (at once when one already has, or for none). */
  whenAnyEnds(ids: readonly string[]): Promise<void> {
    const records = ids.map((id) => this.find(id).record);
    if (records.length === 0 || records.some((record) => TERMINAL.has(record.status))) return Promise.resolve();
    return Promise.race(records.map((record) => record.settled));
  }

  /** Resolves when every accepted statement has ended. */
  async idle(): Promise<void> {
    while (this.unsettled.size > 0) await Promise.all([...this.unsettled].map((record) => record.settled));
  }

  private startWaitingStatements(): void {
    const admissionLimit = this.latency?.admittedConcurrency ?? Infinity;
    while (this.freeSessions.length > 0 && this.waiting.length > 0 && this.admitted < admissionLimit) {
      const record = this.waiting.shift()!;
      if (TERMINAL.has(record.status)) continue; // cancelled while queued
      const session = this.freeSessions.pop()!;
      let sessionHeld = true;
      // The session goes back as soon as the SQL is done; the admitted slot only when the statement ends (after
      // the modelled statement and commit time, which need no local session).
      const releaseSession = () => {
        if (!sessionHeld) return;
        sessionHeld = false;
        this.freeSessions.push(session);
        this.startWaitingStatements();
      };
      this.admitted++;
      void this.run(record, session, releaseSession).finally(() => {
        this.admitted--;
        releaseSession();
        this.startWaitingStatements();
      });
    }
  }

  private async run(record: MutableRecord, engine: SqlEngine, releaseSession: () => void = () => undefined): Promise<void> {
    this.changeStatus(record, 'PICKED');
    if (this.options.start !== 'at-once') {
      await nextTick();
      if (TERMINAL.has(record.status)) return;
    }
    this.changeStatus(record, 'STARTED');
    const started = process.hrtime.bigint();
    if (record.isBatch) {
      await runBatch(record, engine, this.strict);
    } else {
      const bound = bindNamedParameters(record.sql, [...record.parameters]);
      await runInto(record, engine, bound.sql, bound.values, { strict: this.strict, inTransactionBlock: false });
    }
    releaseSession();
    const commits = record.status === 'FINISHED' && (record.isBatch || statementCommits(record.sql));
    if (commits) this.counters.commits++;
    if (this.latency) {
      // Still running as far as DescribeStatement can tell, until the modelled statement and commit time are over.
      const outcome = record.status;
      setStatus(record, 'STARTED');
      const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
      await sleep(Math.max(0, this.latency.minStatementMs - elapsedMs) + (commits ? this.latency.commitMs : 0));
      setStatus(record, outcome);
    }
    record.durationNs = Number(process.hrtime.bigint() - started);
    this.counters.statementMs += record.durationNs / 1e6;
    const cancelledWhileRunning = record.status === 'FINISHED' && record.cancelRequested;
    this.finish(record, cancelledWhileRunning ? 'ABORTED' : record.status);
  }

  private changeStatus(record: MutableRecord, status: StatementStatus): void {
    setStatus(record, status);
    this.options.onStatusChange?.(record.id, status);
  }

  private finish(record: MutableRecord, status: StatementStatus): void {
    this.changeStatus(record, status);
    this.unsettled.delete(record);
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

function newRun(id: string, sql: string, now: Date): StatementRun {
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

function setStatus(run: StatementRun, status: StatementStatus): void {
  run.status = status;
  run.updatedAt = new Date();
}

async function runBatch(record: MutableRecord, engine: SqlEngine, strict: boolean): Promise<void> {
  let failure: StatementRun | undefined;
  try {
    await engine.transaction(async (session) => {
      for (const sub of record.subStatements) {
        if (record.cancelRequested) throw new Error('cancelled');
        setStatus(sub, 'STARTED');
        await runInto(sub, session, sub.sql, [], { strict, inTransactionBlock: true });
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

/**
 * Runs one statement (with the Redshift rewrites, and strict Redshift checks when on) and records its outcome on
 * `run`: FINISHED with its result, or FAILED with the database's error.
 */
async function runInto(run: StatementRun, session: SqlSession, sql: string, params: string[], context: RedshiftStatementContext): Promise<void> {
  const started = process.hrtime.bigint();
  try {
    const result = await runRedshiftStatement(session, sql, params, context);
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
