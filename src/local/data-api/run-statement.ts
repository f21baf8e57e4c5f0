/**
 * Running an accepted statement on a SQL engine session and recording its outcome on the record: a single
 * statement, or a batch in one transaction whose sub-statements end together (a failure or a cancel rolls it back).
 * The Redshift rewrites, and the strict Redshift checks when on, apply to every statement (sql-engine/redshift-strict.ts).
 */
import { TERMINAL_STATUSES as TERMINAL } from '../../engine/warehouse/warehouse';
import { type RedshiftStatementContext, runRedshiftStatement } from '../sql-engine/redshift-strict';
import type { SqlEngine, SqlSession } from '../sql-engine/sql-engine';
import type { StatementRecord, StatementRun, StatementStatus } from './statement-submission';

/** A run not started yet: SUBMITTED, no result. */
export function newRun(id: string, sql: string, now: Date): StatementRun {
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

export function setStatus(run: StatementRun, status: StatementStatus): void {
  run.status = status;
  run.updatedAt = new Date();
}

/**
 * Runs a batch's sub-statements in one transaction. The batch ends FINISHED with the last row count, FAILED with the
 * failing sub-statement's error (the others ABORTED), or ABORTED when `cancelRequested` was set while it ran.
 */
export async function runBatch(record: StatementRecord, engine: SqlEngine, strict: boolean): Promise<void> {
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
export async function runInto(run: StatementRun, session: SqlSession, sql: string, params: string[], context: RedshiftStatementContext): Promise<void> {
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
