/**
 * A publish that touches many months is more statements than one Data API batch takes (BatchExecuteStatement runs
 * at most 40, https://docs.aws.amazon.com/redshift-data/latest/APIReference/API_BatchExecuteStatement.html). So that it
 * still commits as one transaction, its statements go into a temporary table and one stored procedure runs them in
 * order: a procedure called inside a transaction runs in that transaction (Redshift: nonatomic mode is opt-in,
 * https://docs.aws.amazon.com/redshift/latest/dg/stored-procedure-transaction-management.html), and the whole batch
 * — table, CALL, what follows — commits or rolls back at once. PostgreSQL runs the same.
 */
import { createHash } from 'node:crypto';
import type { Relation } from '../../manifest';
import { qualified } from '../../render/relation';
import { sqlStringLiteral } from '../../tests/generic-tests';

/** The Data API's limit on statements in one batch (warehouse/redshift-data-warehouse.ts enforces it). */
export const MAX_BATCH_STATEMENTS = 40;

/** The Data API's limit on one statement's text (100 KB), with room to spare. */
const MAX_SQL_BYTES = 90_000;

/** Redshift's longest VARCHAR: a statement longer than this cannot be stored for the procedure. */
const MAX_STATEMENT_BYTES = 65535;

export const RUN_STATEMENTS_PROCEDURE: Relation = { schema: 'landfall', identifier: 'lf_run_statements_v1' };

export function runStatementsProcedureDdl(): string {
  return `create or replace procedure ${qualified(RUN_STATEMENTS_PROCEDURE)}(statements varchar(256))
as $$
declare
  statement record;
begin
  for statement in execute 'select statement_text from ' || statements || ' order by seq' loop
    execute statement.statement_text;
  end loop;
end;
$$ language plpgsql`;
}

export function runStatementsProcedureExistsSql(): string {
  return `select p.proname from pg_proc p join pg_namespace n on n.oid = p.pronamespace where n.nspname = ${sqlStringLiteral(RUN_STATEMENTS_PROCEDURE.schema)} and p.proname = ${sqlStringLiteral(RUN_STATEMENTS_PROCEDURE.identifier)}`;
}

/**
 * `sqls` as one batch: themselves when they fit, else stored and run by the procedure; `last` (one statement or
 * several) stays statements of their own at the end, so their row counts are the Data API's.
 */
export function asOneBatch(sqls: string[], last: string | string[], runId: string, model: string): string[] {
  const tail = typeof last === 'string' ? [last] : last;
  if (sqls.length + tail.length <= MAX_BATCH_STATEMENTS || sqls.some((s) => Buffer.byteLength(s) > MAX_STATEMENT_BYTES)) return [...sqls, ...tail];
  const table = `lf_publish_${createHash('sha256').update(`${runId}\n${model}`).digest('hex').slice(0, 12)}`;
  return [
    `drop table if exists ${table}`,
    `create temp table ${table} (seq integer, statement_text varchar(${MAX_STATEMENT_BYTES}))`,
    ...insertsUnder(table, sqls.map((s, i) => `(${i}, ${sqlStringLiteral(s)})`)),
    `call ${qualified(RUN_STATEMENTS_PROCEDURE)}(${sqlStringLiteral(table)})`,
    `drop table ${table}`,
    ...tail,
  ];
}

/** INSERTs of `rows` into `table`, each statement under the Data API's size limit. */
function insertsUnder(table: string, rows: string[]): string[] {
  const head = `insert into ${table} (seq, statement_text) values `;
  const inserts: string[] = [];
  let current: string[] = [];
  let bytes = head.length;
  for (const row of rows) {
    const size = Buffer.byteLength(row) + 2;
    if (current.length && bytes + size > MAX_SQL_BYTES) {
      inserts.push(head + current.join(', '));
      current = [];
      bytes = head.length;
    }
    current.push(row);
    bytes += size;
  }
  if (current.length) inserts.push(head + current.join(', '));
  return inserts;
}
