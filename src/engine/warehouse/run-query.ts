import {
  type ResultSet,
  SqlFailedError,
  type StatementDescription,
  type SubmitOptions,
  TERMINAL_STATUSES,
  type Warehouse,
  WarehouseError,
} from './warehouse';

export interface WaitOptions {
  /** The longest pause between two polls, in ms. Polling starts at 50 ms and grows by half each time. Default 1000. */
  pollMs?: number;
  /** Long-poll seconds passed to `describe` (the Data API's `WaitTimeSeconds`, ≤ 30). Default 20; 0 disables. */
  waitSeconds?: number;
  /** Give up after this many ms with a {@link StatementTimeoutError}. Default: wait forever. */
  timeoutMs?: number;
}

/** {@link waitForStatement} gave up before the statement ended (the statement keeps running). */
export class StatementTimeoutError extends WarehouseError {
  constructor(
    readonly statementId: string,
    readonly lastStatus: string,
  ) {
    super(`Statement ${statementId} did not end in time (last status ${lastStatus}).`);
    this.name = 'StatementTimeoutError';
  }
}

/** The statement was cancelled (status ABORTED). */
export class StatementAbortedError extends WarehouseError {
  constructor(readonly statementId: string) {
    super(`Statement ${statementId} was cancelled (ABORTED).`);
    this.name = 'StatementAbortedError';
  }
}

const FIRST_POLL_MS = 50;

/**
 * Waits until a statement is FINISHED, FAILED or ABORTED and returns its last description.
 * It does not throw for FAILED: look at `status` (or use {@link runQuery}).
 *
 * @example
 * const description = await waitForStatement(warehouse, id, { pollMs: 2000 });
 * if (description.status === 'FAILED') console.error(description.error);
 */
export async function waitForStatement(
  warehouse: Warehouse,
  id: string,
  options: WaitOptions = {},
): Promise<StatementDescription> {
  const maxPollMs = options.pollMs ?? 1000;
  const waitSeconds = options.waitSeconds ?? 20;
  const deadline = options.timeoutMs === undefined ? Infinity : Date.now() + options.timeoutMs;
  let pause = Math.min(FIRST_POLL_MS, maxPollMs);
  for (;;) {
    const remainingSeconds = Math.floor((deadline - Date.now()) / 1000);
    const description = await warehouse.describe(id, { waitSeconds: Math.max(0, Math.min(waitSeconds, remainingSeconds)) });
    if (TERMINAL_STATUSES.has(description.status)) return description;
    if (Date.now() + pause > deadline) throw new StatementTimeoutError(id, description.status);
    await new Promise((resolve) => setTimeout(resolve, pause));
    pause = Math.min(Math.ceil(pause * 1.5), maxPollMs);
  }
}

/**
 * Submits SQL, waits for it, and returns its rows (for a batch: the last sub-statement's rows when it
 * has a result set, otherwise none).
 *
 * @throws SqlFailedError when the statement ends FAILED; StatementAbortedError when it ends ABORTED.
 * @example
 * const { rows } = await runQuery(warehouse, 'select id from analytics.orders where day = :day', { day: '2024-01-01' });
 */
export async function runQuery(
  warehouse: Warehouse,
  sql: string | string[],
  parameters?: Record<string, string>,
  options: SubmitOptions & WaitOptions = {},
): Promise<ResultSet> {
  const id = await warehouse.submit(sql, { ...options, parameters: parameters ?? options.parameters });
  const description = await waitForStatement(warehouse, id, options);
  if (description.status === 'FAILED') throw new SqlFailedError(id, description.error ?? 'The statement failed.');
  if (description.status === 'ABORTED') throw new StatementAbortedError(id);
  const resultId = description.subStatements?.length
    ? description.subStatements[description.subStatements.length - 1]
    : { id, hasResultSet: description.hasResultSet };
  return resultId.hasResultSet ? warehouse.fetchRows(resultId.id) : { columns: [], rows: [] };
}
