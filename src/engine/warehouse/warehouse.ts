/**
 * The one port through which landfall runs SQL. The production adapter is
 * `RedshiftDataWarehouse` in src/warehouse/ (the AWS SDK Redshift Data API client); locally the very same
 * adapter talks to the local Data API endpoint (src/local/data-api), which runs on PGlite or PostgreSQL.
 *
 * Statements are asynchronous: `submit` returns an id at once; `describe` reports progress;
 * `fetchRows` pages through a finished statement's result.
 */
export type StatementStatus = 'SUBMITTED' | 'PICKED' | 'STARTED' | 'FINISHED' | 'FAILED' | 'ABORTED';

export const TERMINAL_STATUSES: ReadonlySet<StatementStatus> = new Set(['FINISHED', 'FAILED', 'ABORTED']);

export interface SubmitOptions {
  /** Shown in the console and ListStatements, e.g. `landfall/<run>/<node>`. At most 500 characters. */
  name?: string;
  /** Idempotency token (1–64 chars): a retried submit with the same token returns the same statement. */
  clientToken?: string;
  /** Named parameters, written `:name` in the SQL. Values are strings (the Data API's rule). Single statements only. */
  parameters?: Record<string, string>;
  /** Ask the Data API to emit a "Redshift Data Statement Status Change" event when the statement ends. */
  withEvent?: boolean;
}

export interface StatementDescription {
  id: string;
  status: StatementStatus;
  /** The database's error text when `status` is FAILED. */
  error?: string;
  hasResultSet: boolean;
  /** Rows returned or affected (-1 when unknown). For a batch: of the last sub-statement that reported rows. */
  resultRows: number;
  /** Milliseconds. */
  durationMs: number;
  subStatements?: { id: string; status: StatementStatus; error?: string; resultRows: number; hasResultSet: boolean }[];
}

export type Cell = string | number | boolean | null;

export interface ResultSet {
  columns: { name: string; typeName: string }[];
  rows: Cell[][];
}

export interface DescribeOptions {
  /**
   * Long-poll: let the service hold the call up to this many seconds (≤ 30) until the statement ends
   * (the Data API's `WaitTimeSeconds`). Adapters that cannot wait ignore it.
   */
  waitSeconds?: number;
}

export interface Warehouse {
  /** One SQL statement (ExecuteStatement) or several run as one transaction (BatchExecuteStatement, ≤ 40). */
  submit(sqls: string | string[], options?: SubmitOptions): Promise<string>;
  describe(id: string, options?: DescribeOptions): Promise<StatementDescription>;
  /** All rows of a finished statement (or of one sub-statement `id:N`), following pagination. */
  fetchRows(id: string): Promise<ResultSet>;
  cancel(id: string): Promise<void>;
}

/** Base error of the warehouse module. */
export class WarehouseError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'WarehouseError';
  }
}

/** The database refused the SQL (the statement ended FAILED). Deterministic: never retried. */
export class SqlFailedError extends WarehouseError {
  constructor(
    readonly statementId: string,
    readonly sqlError: string,
  ) {
    super(sqlError);
    this.name = 'SqlFailedError';
  }
}

/** The request was invalid (ValidationException). Deterministic: never retried. */
export class WarehouseValidationError extends WarehouseError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'WarehouseValidationError';
  }
}

/** Too many statements or sessions, throttling or a server error: worth retrying later. */
export class WarehouseBusyError extends WarehouseError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'WarehouseBusyError';
  }
}

/** The statement id is unknown (expired after 24 h, or never existed). */
export class StatementNotFoundError extends WarehouseError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StatementNotFoundError';
  }
}
