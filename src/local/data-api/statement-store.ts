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
import { TERMINAL_STATUSES as TERMINAL } from '../../engine/warehouse/warehouse';
import { LocalAwsError } from '../aws/errors';
import { localDialect } from '../sql-engine/local-dialect';
import type { SqlEngine } from '../sql-engine/sql-engine';
import { bindNamedParameters } from './named-parameters';
import { type DataApiCounters, type DataApiLatency, latencyFromEnvironment, markedStatementMs, newCounters, statementCommits } from './redshift-latency';
import { newRun, runBatch, runInto, setStatus } from './run-statement';
import { type StatementStatusChangeEvent, statusChangeEvent } from './statement-status-event';
import {
  type StatementRecord,
  type StatementRun,
  type StatementStatus,
  type StatementSubmission,
  checkSubmission,
  validationError,
} from './statement-submission';

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

interface MutableRecord extends StatementRecord {
  settle: () => void;
}

const STATEMENT_ID = /^[a-z0-9]{8}(-[a-z0-9]{4}){3}-[a-z0-9]{12}(:\d+)?$/;
const RETENTION_SECONDS = 24 * 60 * 60;

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
  /** Latency mode: ends a started statement's modelled running time (a cancel calls it). */
  private readonly endModelledTime = new Map<MutableRecord, () => void>();
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
    checkSubmission(submission);
    const { sqls, isBatch } = submission;
    const parameters = submission.parameters ?? [];
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
      // In latency mode the rest of its modelled running time is cut short: Redshift stops a cancelled query.
      this.endModelledTime.get(record as MutableRecord)?.();
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
      const leastMs = Math.max(this.latency.minStatementMs, markedStatementMs(record.sqls, this.latency.markedStatementScale ?? 0));
      await this.modelledRunningTime(record, Math.max(0, leastMs - elapsedMs) + (commits ? this.latency.commitMs : 0));
      setStatus(record, outcome);
    }
    record.durationNs = Number(process.hrtime.bigint() - started);
    this.counters.statementMs += record.durationNs / 1e6;
    const cancelledWhileRunning = record.status === 'FINISHED' && record.cancelRequested;
    this.finish(record, cancelledWhileRunning ? 'ABORTED' : record.status);
  }

  /** Latency mode: the statement's modelled time on Redshift, which a CancelStatement ends at once. */
  private async modelledRunningTime(record: MutableRecord, ms: number): Promise<void> {
    if (record.cancelRequested) return;
    await new Promise<void>((resolve) => {
      const end = () => {
        clearTimeout(timer);
        this.endModelledTime.delete(record);
        resolve();
      };
      const timer = setTimeout(end, ms);
      this.endModelledTime.set(record, end);
    });
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
      const event = statusChangeEvent(record, { account: this.account, region: this.region, retentionSeconds: RETENTION_SECONDS });
      Promise.resolve()
        .then(() => this.options.onStatementFinished!(event))
        .catch(() => undefined);
    }
  }
}
