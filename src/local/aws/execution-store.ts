/**
 * Executions of the local Step Functions service, persisted as one JSON file each under
 * `<stateDir>/executions/<stateMachineName>/<executionName>.json`, so that another process
 * (`landfall executions ls/show`) can read them without the server running.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

/**
 * One event of an execution's history, in the shape of the Step Functions `HistoryEvent`
 * (`type`, `id`, `previousEventId`, and one `...EventDetails` member), except that `timestamp`
 * is an ISO-8601 string on disk.
 */
export interface ExecutionHistoryEvent {
  id: number;
  previousEventId: number;
  timestamp: string;
  type: string;
  [details: string]: unknown;
}

export interface StoredExecution {
  executionArn: string;
  stateMachineArn: string;
  stateMachineName: string;
  name: string;
  status: ExecutionStatus;
  /** The execution input as the JSON text it was started with. */
  input: string;
  /** The output JSON text, once SUCCEEDED. */
  output?: string;
  error?: string;
  cause?: string;
  /** ISO-8601. */
  startDate: string;
  stopDate?: string;
  /** StateEntered events plus retries: what AWS bills for a Standard workflow. */
  stateTransitions: number;
  /** Events in `history`, counted as AWS records them (the hard quota is 25,000; see sfn-history.ts). */
  historyEventCount: number;
  /** The largest payload seen (execution input, a state's input or output, a task's parameters or result), UTF-8 bytes; the quota is 256 KiB. */
  largestPayloadBytes: number;
  /** Where `largestPayloadBytes` was seen, e.g. `AdvanceRun output`. */
  largestPayloadState?: string;
  /** Times the execution was redriven: 0 until the first RedriveExecution. */
  redriveCount: number;
  /** ISO-8601 time of the latest redrive. */
  redriveDate?: string;
  history: ExecutionHistoryEvent[];
  /** The process that ran the execution; a RUNNING execution whose process is gone never finished. */
  hostPid: number;
}

/** The folder that holds every stored execution. */
export function executionsDirectory(stateDir: string): string {
  return join(stateDir, 'executions');
}

function executionFile(stateDir: string, stateMachineName: string, executionName: string): string {
  return join(executionsDirectory(stateDir), stateMachineName, `${executionName}.json`);
}

/** Writes an execution atomically (write a temporary file, then rename over the old one). */
export function writeStoredExecution(stateDir: string, execution: StoredExecution): void {
  const file = executionFile(stateDir, execution.stateMachineName, execution.name);
  mkdirSync(join(executionsDirectory(stateDir), execution.stateMachineName), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify(execution, null, 2));
  renameSync(temporary, file);
}

/**
 * Lists stored executions, newest first.
 *
 * @example
 * const failed = listStoredExecutions('.landfall', { status: 'FAILED' });
 * for (const execution of failed) console.log(execution.name, execution.error);
 */
export function listStoredExecutions(
  stateDir: string,
  filter: { stateMachineName?: string; status?: ExecutionStatus } = {},
): StoredExecution[] {
  const root = executionsDirectory(stateDir);
  if (!existsSync(root)) return [];
  const machineNames = filter.stateMachineName ? [filter.stateMachineName] : readdirSync(root);
  const executions: StoredExecution[] = [];
  for (const machineName of machineNames) {
    const folder = join(root, machineName);
    if (!existsSync(folder)) continue;
    for (const file of readdirSync(folder)) {
      if (!file.endsWith('.json')) continue;
      const execution = withDefaults(JSON.parse(readFileSync(join(folder, file), 'utf8')) as StoredExecution);
      if (!filter.status || execution.status === filter.status) executions.push(execution);
    }
  }
  return executions.sort((a, b) => b.startDate.localeCompare(a.startDate));
}

/**
 * Reads one stored execution by its ARN, or by its bare name (the newest one with that name).
 * Returns undefined when there is none.
 *
 * @example
 * const execution = readStoredExecution('.landfall', 'arn:aws:states:us-east-1:000000000000:execution:transform:run-1');
 */
export function readStoredExecution(stateDir: string, arnOrName: string): StoredExecution | undefined {
  const arnMatch = /^arn:[^:]+:states:[^:]*:[^:]*:execution:([^:]+):([^:]+)$/.exec(arnOrName);
  if (arnMatch) {
    const file = executionFile(stateDir, arnMatch[1], arnMatch[2]);
    return existsSync(file) ? withDefaults(JSON.parse(readFileSync(file, 'utf8')) as StoredExecution) : undefined;
  }
  return listStoredExecutions(stateDir).find((execution) => execution.name === arnOrName);
}

/** Records written before the limit counters existed get them from their history. */
function withDefaults(execution: StoredExecution): StoredExecution {
  execution.historyEventCount ??= execution.history.length;
  execution.largestPayloadBytes ??= 0;
  execution.redriveCount ??= 0;
  return execution;
}
