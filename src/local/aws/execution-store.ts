/**
 * Executions of the local Step Functions service, persisted under `<stateDir>/executions/<stateMachineName>/`
 * as `<executionName>.json` (the record, rewritten atomically) and `<executionName>.history.jsonl` (the
 * history, one event per line, appended), so that another process (`landfall executions ls/show`) can read
 * them without the server running, and a long execution's writes stay proportional to its new events (a
 * full history with large payloads is tens of MB; rewriting it on every save made each state cost ms).
 */
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../engine/write-file-atomic';

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

const historyFileOf = (recordFile: string) => recordFile.replace(/\.json$/, '.history.jsonl');
/** History file → events this process has already written to it. */
const eventsWritten = new Map<string, number>();

/**
 * Writes an execution: the history events not yet on disk are appended (the whole history is rewritten the
 * first time this process writes it), then the record is replaced atomically (temporary file, rename).
 */
export function writeStoredExecution(stateDir: string, execution: StoredExecution): void {
  const file = executionFile(stateDir, execution.stateMachineName, execution.name);
  mkdirSync(join(executionsDirectory(stateDir), execution.stateMachineName), { recursive: true });
  const { history, ...record } = execution;
  const historyFile = historyFileOf(file);
  const written = eventsWritten.get(historyFile);
  const lines = (events: ExecutionHistoryEvent[]) => events.map((event) => `${JSON.stringify(event)}\n`).join('');
  if (written === undefined || written > history.length) writeFileSync(historyFile, lines(history));
  else if (written < history.length) appendFileSync(historyFile, lines(history.slice(written)));
  eventsWritten.set(historyFile, history.length);
  writeFileAtomic(file, JSON.stringify(record, null, 2));
}

/** Reads a record and its history (from the `.history.jsonl` file, or inline in records written before it existed). */
function readExecutionFile(file: string): StoredExecution {
  const execution = JSON.parse(readFileSync(file, 'utf8')) as StoredExecution;
  const historyFile = historyFileOf(file);
  if (existsSync(historyFile)) {
    const text = readFileSync(historyFile, 'utf8');
    execution.history = text ? text.trimEnd().split('\n').map((line) => JSON.parse(line) as ExecutionHistoryEvent) : [];
  }
  execution.history ??= [];
  return withDefaults(execution);
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
      const execution = readExecutionFile(join(folder, file));
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
    return existsSync(file) ? readExecutionFile(file) : undefined;
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
