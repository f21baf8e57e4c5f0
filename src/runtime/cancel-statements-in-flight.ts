/**
 * A failed or crashed run's statements still running are cancelled before its execution closes (and the status-change
 * rule releases its model locks), then waited for, bounded, until the warehouse reports them ended: never two builds of
 * one model at once. A model's tests riding along share its statement id: each id is cancelled once.
 *
 * CancelStatement "cancels a running query. To be canceled, a query must be running"
 * (https://docs.aws.amazon.com/redshift-data/latest/APIReference/API_CancelStatement.html): a statement that ended
 * meanwhile answers a ValidationException ("already in FINISHED state"), which is ignored; any other error is logged
 * and the run goes on ending. Best effort throughout: nothing here may stop the run from ending FAILED.
 */
import { TERMINAL_STATUSES, WarehouseValidationError, type Warehouse } from '../engine/warehouse/warehouse';
import type { RunStatePointer } from './run-state-store';
import { loadRun, type PlanRunDependencies } from './transform-run';

/** Well inside EndFailedRun's 60 s Lambda timeout (serverless.yml provider.timeout). */
export const CANCEL_WAIT_MS = 5_000;
const POLL_MS = 200;

export interface CancelledStatements {
  cancelled: string[];
  /** Ids still not ended when the wait ran out (their locks go anyway: the statement is cancelled). */
  stillRunning: string[];
}

export async function cancelStatementsInFlight(pointer: RunStatePointer, iterations: number, deps: PlanRunDependencies & { warehouse: Warehouse }, waitMs = CANCEL_WAIT_MS): Promise<CancelledStatements> {
  let ids: string[];
  try {
    const { run } = await loadRun({ state: pointer, iterations, waitSeconds: 0 }, deps);
    ids = [...new Set(run.nodes.filter((node) => node.status === 'running' && node.statementId).map((node) => node.statementId!))];
  } catch (failure) {
    console.error(`cancel in flight: the run state was not read, its statements were not cancelled: ${(failure as Error).message}`);
    return { cancelled: [], stillRunning: [] };
  }
  const cancelled: string[] = [];
  for (const id of ids) {
    try {
      await deps.warehouse.cancel(id);
      cancelled.push(id);
    } catch (failure) {
      if (failure instanceof WarehouseValidationError && /already in (FINISHED|FAILED|ABORTED) state/i.test(failure.message)) continue;
      console.error(`cancel in flight: statement ${id} was not cancelled: ${(failure as Error).message}`);
    }
  }
  return { cancelled, stillRunning: await waitUntilEnded(cancelled, deps.warehouse, waitMs) };
}

async function waitUntilEnded(ids: string[], warehouse: Warehouse, waitMs: number): Promise<string[]> {
  const deadline = Date.now() + waitMs;
  let running = ids;
  while (running.length > 0) {
    const still: string[] = [];
    for (const id of running) {
      try {
        if (!TERMINAL_STATUSES.has((await warehouse.describe(id)).status)) still.push(id);
      } catch (failure) {
        console.error(`cancel in flight: statement ${id} was not described: ${(failure as Error).message}`);
      }
    }
    running = still;
    if (running.length === 0 || Date.now() >= deadline) break;
    await new Promise((resolve) => setTimeout(resolve, Math.min(POLL_MS, Math.max(0, deadline - Date.now()))));
  }
  if (running.length > 0) console.error(`cancel in flight: ${running.length} cancelled statement(s) still running after ${waitMs} ms: ${running.join(', ')}`);
  return running;
}
