/**
 * RedriveExecution's rules (https://docs.aws.amazon.com/step-functions/latest/dg/redrive-executions.html,
 * https://docs.aws.amazon.com/step-functions/latest/apireference/API_RedriveExecution.html):
 *
 * - only FAILED, TIMED_OUT or ABORTED executions, within 14 days of their stop, not past the one-year maximum
 *   open time, and not once the history is full (the reasons are `redriveStatusReason`'s own words,
 *   API_DescribeExecution.html);
 * - the execution continues at the unsuccessful state, with that state's original input; states that
 *   succeeded are not rerun; same ARN, name, input and definition; the state machine timeout starts again;
 *   `ExecutionRedriven` joins the same history; `redriveCount` counts successful redrives.
 *
 * Local support: the unsuccessful state is a top-level state. A Map or Parallel state that failed is rerun as
 * a whole (AWS reruns only its failed iterations or branches).
 */
import type { StoredExecution } from './execution-store';
import { MAX_EXECUTION_OPEN_TIME_MS, MAX_HISTORY_EVENTS, REDRIVABLE_PERIOD_MS } from './sfn-limits';

export interface RedriveStatus {
  redriveStatus: 'REDRIVABLE' | 'NOT_REDRIVABLE';
  redriveStatusReason?: string;
}

export function redriveStatusOf(execution: StoredExecution, now: Date): RedriveStatus {
  const notRedrivable = (reason: string): RedriveStatus => ({ redriveStatus: 'NOT_REDRIVABLE', redriveStatusReason: reason });
  if (execution.status === 'RUNNING') return notRedrivable('Execution is RUNNING and cannot be redriven.');
  if (execution.status === 'SUCCEEDED') return notRedrivable('Execution is SUCCEEDED and cannot be redriven.');
  // A redrive adds ExecutionRedriven and at least one more event: a full history cannot take them.
  if (execution.history.length >= MAX_HISTORY_EVENTS - 1) return notRedrivable('Execution history event limit exceeded.');
  if (now.getTime() - Date.parse(execution.startDate) > MAX_EXECUTION_OPEN_TIME_MS) return notRedrivable('Execution has exceeded the max execution time.');
  if (execution.stopDate && now.getTime() - Date.parse(execution.stopDate) > REDRIVABLE_PERIOD_MS) return notRedrivable('Execution redrivable period exceeded.');
  return { redriveStatus: 'REDRIVABLE' };
}

/**
 * The top-level state the execution stopped in (entered and never exited in the latest attempt), with the
 * input it was entered with. Undefined when every state it entered also exited.
 */
export function unsuccessfulState(execution: StoredExecution, topLevelStates: ReadonlySet<string>): { stateName: string; input: unknown } | undefined {
  let open: { stateName: string; input: string } | undefined;
  for (const event of execution.history) {
    if (event.type.endsWith('StateEntered')) {
      const details = event.stateEnteredEventDetails as { name: string; input?: string };
      if (topLevelStates.has(details.name)) open = { stateName: details.name, input: details.input ?? 'null' };
    } else if (event.type.endsWith('StateExited')) {
      const details = event.stateExitedEventDetails as { name: string };
      if (open && details.name === open.stateName) open = undefined;
    }
  }
  return open && { stateName: open.stateName, input: JSON.parse(open.input) };
}

/** RedriveExecution's `clientToken`: the same token within 15 minutes answers the same redrive. */
export const CLIENT_TOKEN_WINDOW_MS = 15 * 60 * 1000;
