/**
 * The audit of a partitioned model: its error-severity tests run on what readers will see once the run
 * publishes, before anything is published. The failures are counted into a temporary table, then a stored
 * procedure raises one error naming every failing test with its count. A procedure's RAISE EXCEPTION is
 * Redshift's way to fail with a message of one's own (RAISE is PL/pgSQL only, it cannot run in a SELECT:
 * https://docs.aws.amazon.com/redshift/latest/dg/c_PLpgSQL-statements.html#r_PLpgSQL-messages-errors); the
 * Data API reports that message as the statement's error, so the test names survive. PostgreSQL runs the same.
 */
import { createHash } from 'node:crypto';
import type { Relation } from '../../manifest';
import { qualified } from '../../render/relation';
import { sqlStringLiteral } from '../../tests/generic-tests';
import { buildTestBatchSql } from '../../tests/test-batch';

/** The procedure that raises the audit's failures (versioned: a new body gets a new name, never a replace under a running audit). */
export const AUDIT_PROCEDURE: Relation = { schema: 'landfall', identifier: 'lf_raise_audit_failures_v1' };

/** Created once per warehouse at prepare time, when the catalog does not have it yet. */
export function auditProcedureDdl(): string {
  return `create or replace procedure ${qualified(AUDIT_PROCEDURE)}(results varchar(256), heading varchar(4096))
as $$
declare
  failed record;
  message varchar(60000) := '';
begin
  for failed in execute 'select test_id, failures from ' || results || ' where failures > 0 order by test_id' loop
    message := message || chr(10) || '  ' || failed.test_id || ': ' || cast(failed.failures as varchar) || ' failing rows';
  end loop;
  if message <> '' then
    raise exception '%', heading || message;
  end if;
end;
$$ language plpgsql`;
}

/** Does the warehouse have the audit procedure? (`pg_proc` exists on both.) One row when it does. */
export function auditProcedureExistsSql(): string {
  return `select p.proname from pg_proc p join pg_namespace n on n.oid = p.pronamespace where n.nspname = ${sqlStringLiteral(AUDIT_PROCEDURE.schema)} and p.proname = ${sqlStringLiteral(AUDIT_PROCEDURE.identifier)}`;
}

/** An audit check: a test's id (or a check's description) and the SQL of its failing rows. */
export interface AuditCheck {
  id: string;
  sql: string;
}

/**
 * The statements of one audit, run as one transaction: count each check's failing rows, then raise when any
 * has some. `heading` starts the error ("landfall audit failed for fct_orders (2026-11, 2026-12): …").
 */
export function auditStatements(checks: AuditCheck[], heading: string, runId: string, model: string): string[] {
  const results = `lf_audit_${createHash('sha256').update(`${runId}\n${model}`).digest('hex').slice(0, 12)}`;
  return [
    `drop table if exists ${results}`,
    `create temp table ${results} as\n${buildTestBatchSql(checks)}`,
    `call ${qualified(AUDIT_PROCEDURE)}(${sqlStringLiteral(results)}, ${sqlStringLiteral(heading)})`,
    `drop table ${results}`,
  ];
}
