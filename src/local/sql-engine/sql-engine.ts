/**
 * The database behind the local Redshift Data API: PGlite (embedded PostgreSQL in WASM) or a
 * PostgreSQL server. Both are one session: statements run one at a time, and session settings
 * (`SET`, temporary tables) persist between calls, as in one Redshift connection.
 *
 * Values come back as PostgreSQL's text output (`'42'`, `'t'`, `'2024-01-01 10:00:00'`, `'\x0102'`)
 * so that both engines agree and the Data API layer decides how to type them.
 */
export interface SqlColumn {
  name: string;
  /** PostgreSQL type name from `pg_type.typname`: `int4`, `int8`, `numeric`, `text`, `bool`, `timestamp`, … */
  typeName: string;
}

export interface SqlResult {
  /** The command tag's verb: `SELECT`, `INSERT`, `CREATE`, … (empty when unknown). */
  command: string;
  /** Empty for statements that return no result set. */
  columns: SqlColumn[];
  rows: (string | null)[][];
  /** Rows returned or affected according to the command tag; null when the command reports none (DDL). */
  rowCount: number | null;
}

export interface SqlSession {
  /**
   * Runs SQL. With `params`, exactly one statement whose `$1, $2, …` take the values (typed by the
   * database from context, like Redshift's implicit conversion). Without, the text may hold several
   * statements separated by `;` and the result is the last one's.
   */
  query(sql: string, params?: readonly string[]): Promise<SqlResult>;
}

export interface SqlEngine extends SqlSession {
  /** `pglite` or `postgres`, for messages. */
  readonly kind: 'pglite' | 'postgres';
  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (session: SqlSession) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Base error of the SQL engines. */
export class SqlEngineError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SqlEngineError';
  }
}

/** The database rejected a statement. `message` is the database's text; `code` its SQLSTATE. */
export class SqlStatementError extends SqlEngineError {
  constructor(
    message: string,
    readonly code: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'SqlStatementError';
  }
}

/** Wraps a driver error (PGlite's or pg's DatabaseError) into a {@link SqlStatementError}. */
export function toSqlStatementError(error: unknown): SqlStatementError {
  if (error instanceof SqlStatementError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown } | null)?.code;
  return new SqlStatementError(message, typeof code === 'string' ? code : undefined, { cause: error });
}

/**
 * Maps type OIDs to names, asking `loadTypes` only when it meets an OID it has not seen. The loader gets
 * those OIDs: it may load just them, or all of `pg_type` (a type created after the engine opened is then found too).
 */
export class TypeNameCache {
  private readonly names = new Map<number, string>();

  constructor(private readonly loadTypes: (missingOids: readonly number[]) => Promise<{ oid: number; typname: string }[]>) {}

  async namesOf(oids: readonly number[]): Promise<string[]> {
    const missing = oids.filter((oid) => !this.names.has(oid));
    if (missing.length > 0) {
      for (const row of await this.loadTypes([...new Set(missing)])) this.names.set(Number(row.oid), row.typname);
    }
    return oids.map((oid) => this.names.get(oid) ?? 'unknown');
  }

  /** Every OID known so far. */
  knownOids(): number[] {
    return [...this.names.keys()];
  }
}

/** SQL that lists every type; used to fill {@link TypeNameCache}. */
export const LIST_TYPES_SQL = 'SELECT oid::int AS oid, typname FROM pg_catalog.pg_type';

/** SQL that lists the types whose OIDs are `$1` (an array). */
export const LIST_TYPES_BY_OID_SQL = `${LIST_TYPES_SQL} WHERE oid = ANY($1::oid[])`;
