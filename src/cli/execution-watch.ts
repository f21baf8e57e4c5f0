/**
 * Closure for event-driven runs: `serve` prints a closing line for every execution that ends, and `send-event`
 * waits for the run its event started (or says that it started none because the arrival was already
 * processed, and how to run it again). Executions are read from the state folder, where the local Step
 * Functions writes them, so this works across processes.
 */
import { listStoredExecutions, type StoredExecution } from '../local/aws/execution-store';
import { closingLines, runStateOfExecution } from './execution-summary';

const POLL_MS = 250;

/** `serve`: a closing line for each execution that closes from now on. */
export function watchExecutions(stateDir: string, write: (line: string) => void): { stop(): void } {
  const closed = new Set(listStoredExecutions(stateDir).filter((e) => e.status !== 'RUNNING').map((e) => `${e.executionArn}#${e.redriveCount}`));
  const timer = setInterval(() => {
    for (const e of listStoredExecutions(stateDir)) {
      const key = `${e.executionArn}#${e.redriveCount}`;
      if (e.status === 'RUNNING' || closed.has(key)) continue;
      closed.add(key);
      write('');
      for (const line of closingLines(e, runStateOfExecution(stateDir, e.name))) write(line);
    }
  }, POLL_MS);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

/** The names of the executions the state folder holds now. */
export function executionNames(stateDir: string): Set<string> {
  return new Set(listStoredExecutions(stateDir).map((e) => e.name));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The executions started since `before` was taken, once they have closed; waits `startWithinMs` for one to start. */
export async function awaitNewExecutions(stateDir: string, before: Set<string>, startWithinMs: number): Promise<StoredExecution[]> {
  const deadline = Date.now() + startWithinMs;
  for (;;) {
    const fresh = listStoredExecutions(stateDir).filter((e) => !before.has(e.name));
    if (fresh.length > 0 && fresh.every((e) => e.status !== 'RUNNING')) return fresh;
    if (fresh.length === 0 && Date.now() > deadline) return [];
    await sleep(POLL_MS);
  }
}

/**
 * When an event started no run: the execution that already processed the same arrival (its input names the
 * Fivetran sync_id or the event's id), if there is one.
 */
export function executionThatProcessed(stateDir: string, body: Record<string, unknown>): StoredExecution | undefined {
  const data = (body.data ?? {}) as Record<string, unknown>;
  const detail = (body.detail ?? {}) as Record<string, unknown>;
  const markers = [body.sync_id, data.sync_id, detail.arrivalId, body.id].filter((m): m is string => typeof m === 'string' && m.length >= 6);
  if (markers.length === 0) return undefined;
  return listStoredExecutions(stateDir).find((e) => markers.some((m) => e.input.includes(m)));
}

/** What `send-event` prints after delivering: each run's closing line, or why there was none. */
export function reportDelivery(stateDir: string, body: Record<string, unknown>, started: StoredExecution[], write: (line: string) => void): void {
  if (started.length > 0) {
    for (const e of started) {
      write('');
      for (const line of closingLines(e, runStateOfExecution(stateDir, e.name))) write(line);
    }
    return;
  }
  const earlier = executionThatProcessed(stateDir, body);
  if (earlier) {
    write(`\nNo new run: this arrival was already processed by execution ${earlier.name} (${earlier.status}); a repeated arrival is dropped (deduplication, docs/arrivals.md).`);
    write(`  To run it again with the same input: npx landfall replay ${earlier.name}`);
  } else {
    write('\nNo run started: the event matched no rule or routes to no model (a coalescing window may also still hold it; `serve` prints the run when it starts).');
  }
}
