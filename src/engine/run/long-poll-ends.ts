/**
 * Statement ends through the Data API's long poll, for a run loop on a warehouse that cannot say by itself when a
 * statement ends (the Data API client, against a local endpoint or Redshift): the CLI's loop (cli/local-build.ts)
 * and AdvanceRun's linger between steps (runtime/transform-run.ts). DescribeStatement waits up to
 * `WaitTimeSeconds` (≤ 30) for the statement to end before it answers (the API's DescribeStatementRequest, as the
 * AWS SDK's model documents it: "The number of seconds to wait for the SQL statement to complete execution before
 * returning the description", https://docs.rs/crate/aws-sdk-redshiftdata/1.117.0/source/src/operation/describe_statement/_describe_statement_input.rs;
 * a recent member: older API reference pages show `Id` alone; the local Data API holds the call the same way). So the loop wakes the moment a statement ends, instead of sleeping a backoff between
 * polls (the CLI: 5 ms doubling to 1 s) or until a statement's due time (AdvanceRun: then every 150 ms near it).
 *
 * Each statement in flight has one long poll at a time; its terminal description is kept and handed to the run's
 * next `describe` of that id, and a `describe` while its long poll is out answers "running" without a call (the
 * poll would have answered had it ended): a statement costs one DescribeStatement, as with polling.
 */
import { TERMINAL_STATUSES, type StatementDescription, type Warehouse } from '../warehouse/warehouse';

export interface StatementEndWaiter {
  /** Resolves as soon as one of these statements has ended (at once when one already has), or after `timeoutMs`. */
  waitForAnyStatementEnd(ids: readonly string[], timeoutMs?: number): Promise<void>;
}

export interface LongPolledEnds extends StatementEndWaiter {
  /** Statements the long polls saw end whose description no `describe` took yet. */
  endedIds(): string[];
}

/** Under the API's maximum (30 s); a statement still running after it is asked again. */
const LONG_POLL_SECONDS = 20;

/**
 * `warehouse`, whose `describe` of a statement the waiter saw end answers from that description (once), with
 * {@link StatementEndWaiter.waitForAnyStatementEnd}. An adapter that ignores `waitSeconds` (answers at once) is
 * polled with a backoff from 5 ms to 1 s instead, never in a tight loop.
 *
 * @example
 * const warehouse = withLongPolledEnds(dataApiWarehouse);
 * await warehouse.waitForAnyStatementEnd([id]); // the Data API answered: the statement ended
 * await warehouse.describe(id); // that answer, no second call
 */
export function withLongPolledEnds(warehouse: Warehouse): Warehouse & LongPolledEnds {
  const ended = new Map<string, StatementDescription>();
  const polling = new Map<string, Promise<void>>();
  const poll = (id: string, untilMs: number): Promise<void> => {
    let pending = polling.get(id);
    if (!pending) {
      pending = pollUntilEnd(warehouse, id, ended, untilMs).finally(() => polling.delete(id));
      polling.set(id, pending);
    }
    return pending;
  };
  const wrapped = Object.create(warehouse) as Warehouse & LongPolledEnds;
  wrapped.describe = (id, options) => {
    const description = ended.get(id);
    if (description) {
      ended.delete(id);
      return Promise.resolve(description);
    }
    // A long poll of it is out and has not answered: the Data API holds it until the statement ends, so the
    // statement is still running (as a DescribeStatement now would say), and no call is spent to hear it.
    if (polling.has(id) && !options?.waitSeconds) return Promise.resolve(stillRunning(id));
    return warehouse.describe(id, options);
  };
  wrapped.waitForAnyStatementEnd = async (ids, timeoutMs) => {
    if (ids.length === 0 || ids.some((id) => ended.has(id))) return;
    let timer: NodeJS.Timeout | undefined;
    const timeout = timeoutMs === undefined ? [] : [new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))];
    // The polls end with the wait (a long poll asks for no more than what is left of it): none outlives the caller,
    // e.g. an AdvanceRun invocation, whose container is frozen when it returns.
    const untilMs = timeoutMs === undefined ? Infinity : Date.now() + timeoutMs;
    await Promise.race([...ids.map((id) => poll(id, untilMs)), ...timeout]);
    clearTimeout(timer);
  };
  wrapped.endedIds = () => [...ended.keys()];
  return wrapped;
}

function stillRunning(id: string): StatementDescription {
  return { id, status: 'STARTED', hasResultSet: false, resultRows: -1, durationMs: 0 };
}

async function pollUntilEnd(warehouse: Warehouse, id: string, ended: Map<string, StatementDescription>, untilMs: number): Promise<void> {
  let pauseMs = 5;
  while (Date.now() < untilMs) {
    const asked = Date.now();
    // Whole seconds, at least 1: a wait of 0 would answer at once; the last call may end up to a second after untilMs.
    const waitSeconds = Math.max(1, Math.min(LONG_POLL_SECONDS, Math.ceil((untilMs - asked) / 1000)));
    let description: StatementDescription;
    try {
      description = await warehouse.describe(id, { waitSeconds });
    } catch {
      return; // the run's own describe of this id meets the error and handles it (e.g. an expired statement)
    }
    if (TERMINAL_STATUSES.has(description.status)) {
      ended.set(id, description);
      return;
    }
    // Answered well before the wait was over without the statement ending: the adapter does not long-poll.
    if (Date.now() - asked < (waitSeconds * 1000) / 2) {
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
      pauseMs = Math.min(pauseMs * 2, 1000);
    }
  }
}
