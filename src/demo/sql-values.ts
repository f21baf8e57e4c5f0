/**
 * Turns JavaScript values into SQL literals and rows into size-bounded multi-row INSERT statements
 * that run unchanged on PostgreSQL, PGlite and Amazon Redshift.
 */

/** A value the demo data writes into a column. Dates are written as UTC timestamps. */
export type SqlValue = string | number | bigint | boolean | Date | null;

/** Base error of the demo data module. */
export class DemoDataError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DemoDataError';
  }
}

/** A value cannot be written as a portable SQL literal (NaN, Infinity, NUL or backslash characters). */
export class UnsupportedSqlValueError extends DemoDataError {
  constructor(readonly value: unknown, reason: string) {
    super(`Cannot write ${JSON.stringify(String(value))} as a SQL literal: ${reason}`);
    this.name = 'UnsupportedSqlValueError';
  }
}

/** A single row is larger than the statement size limit, so no batching can make it fit. */
export class RowTooLargeError extends DemoDataError {
  constructor(readonly table: string, readonly rowBytes: number, readonly maxStatementBytes: number) {
    super(`A row for ${table} needs ${rowBytes} bytes, more than the ${maxStatementBytes}-byte statement limit`);
    this.name = 'RowTooLargeError';
  }
}

/**
 * Formats a date as a UTC timestamp literal body, `YYYY-MM-DD HH:MM:SS` (no time zone, seconds precision).
 *
 * @example
 * formatTimestamp(new Date('2026-11-01T08:30:00Z')); // '2026-11-01 08:30:00'
 */
export function formatTimestamp(date: Date): string {
  return date.toISOString().slice(0, 19).replace('T', ' ');
}

/**
 * Writes one value as a SQL literal. Strings are single-quoted with embedded quotes doubled. Backslashes
 * are refused because Redshift reads them as escapes inside literals while PostgreSQL does not.
 *
 * @example
 * sqlLiteral("O'Brien");   // "'O''Brien'"
 * sqlLiteral(null);        // 'null'
 * sqlLiteral(true);        // 'true'
 */
export function sqlLiteral(value: SqlValue): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new UnsupportedSqlValueError(value, 'not a finite number');
    return String(value);
  }
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new UnsupportedSqlValueError(value, 'invalid date');
    return `'${formatTimestamp(value)}'`;
  }
  if (value.includes('\0')) throw new UnsupportedSqlValueError(value, 'contains a NUL character');
  if (value.includes('\\')) throw new UnsupportedSqlValueError(value, 'backslashes are not portable to Redshift');
  return `'${value.replace(/'/g, "''")}'`;
}

/**
 * Builds `insert into <table> (<columns>) values (...), (...)` statements holding as many rows as fit
 * in `maxStatementBytes` (UTF-8 bytes), in row order. Returns no statement for no rows.
 *
 * @example
 * buildInsertStatements('raw.plans', ['id', 'name'], [['free', 'Free']]);
 * // ["insert into raw.plans (id, name) values\n('free', 'Free')"]
 */
export function buildInsertStatements(
  table: string,
  columns: readonly string[],
  rows: readonly (readonly SqlValue[])[],
  maxStatementBytes = 64 * 1024,
): string[] {
  const header = `insert into ${table} (${columns.join(', ')}) values\n`;
  const headerBytes = Buffer.byteLength(header);
  const statements: string[] = [];
  let tuples: string[] = [];
  let bytes = headerBytes;

  for (const row of rows) {
    if (row.length !== columns.length) {
      throw new DemoDataError(`A row for ${table} has ${row.length} values for ${columns.length} columns`);
    }
    const tuple = `(${row.map(sqlLiteral).join(', ')})`;
    const tupleBytes = Buffer.byteLength(tuple) + 2; // plus the ",\n" separator
    if (headerBytes + tupleBytes > maxStatementBytes) {
      throw new RowTooLargeError(table, headerBytes + tupleBytes, maxStatementBytes);
    }
    if (bytes + tupleBytes > maxStatementBytes) {
      statements.push(header + tuples.join(',\n'));
      tuples = [];
      bytes = headerBytes;
    }
    tuples.push(tuple);
    bytes += tupleBytes;
  }
  if (tuples.length > 0) statements.push(header + tuples.join(',\n'));
  return statements;
}
