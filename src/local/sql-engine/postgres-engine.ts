import pg from 'pg';
import { installRedshiftCompat } from './install-redshift-compat';
import {
  LIST_TYPES_BY_OID_SQL,
  type SqlEngine,
  type SqlResult,
  type SqlSession,
  TypeNameCache,
  toSqlStatementError,
} from './sql-engine';

/**
 * Connects to a PostgreSQL server (`postgres://user:pass@host:port/db`) as a {@link SqlEngine}:
 * one connection (one session, like PGlite), the Redshift shims installed and on the search path.
 *
 * @example
 * const engine = await openPostgresEngine('postgres://landfall@127.0.0.1:5432/landfall');
 */
export async function openPostgresEngine(connectionString: string): Promise<SqlEngine> {
  const client = new pg.Client({
    connectionString,
    // Keep every value as PostgreSQL's text output (see SqlEngine).
    types: { getTypeParser: () => (value: string) => value } as unknown as pg.CustomTypesConfig,
  });
  await client.connect();
  // Only the types results use: a database with many relations has thousands of row types in pg_type.
  const typeNames = new TypeNameCache(async (oids) => (await client.query<{ oid: number; typname: string }>(LIST_TYPES_BY_OID_SQL, [oids])).rows);

  const run = async (sql: string, params?: readonly string[]): Promise<SqlResult> => {
    let results: pg.QueryArrayResult[];
    try {
      const result: pg.QueryArrayResult | pg.QueryArrayResult[] =
        params && params.length > 0
          ? await client.query({ text: sql, values: [...params], rowMode: 'array' })
          : await client.query({ text: sql, rowMode: 'array' });
      results = Array.isArray(result) ? result : [result];
    } catch (error) {
      throw toSqlStatementError(error);
    }
    const last = results[results.length - 1];
    if (!last) return { command: '', columns: [], rows: [], rowCount: null };
    const fields = last.fields ?? [];
    const types = await typeNames.namesOf(fields.map((field) => field.dataTypeID));
    return {
      command: last.command ?? '',
      columns: fields.map((field, index) => ({ name: field.name, typeName: types[index] })),
      rows: last.rows as (string | null)[][],
      rowCount: last.rowCount ?? null,
    };
  };

  // One connection serves everyone: a transaction must not interleave with other callers' statements.
  let tail: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(work: () => Promise<T>): Promise<T> => {
    const result = tail.then(work, work);
    tail = result.catch(() => undefined);
    return result;
  };

  const session: SqlSession = { query: run };
  const transaction = <T>(work: (session: SqlSession) => Promise<T>): Promise<T> =>
    exclusive(async () => {
      await run('BEGIN');
      try {
        const result = await work(session);
        await run('COMMIT');
        return result;
      } catch (error) {
        await run('ROLLBACK');
        throw error;
      }
    });

  try {
    await transaction((tx) => installRedshiftCompat(tx));
  } catch (error) {
    await client.end();
    throw error;
  }
  return {
    kind: 'postgres',
    query: (sql, params) => exclusive(() => run(sql, params)),
    transaction,
    close: () => client.end(),
  };
}
