/**
 * Small pieces of the local Step Functions API: the execution input check, the fields listed per execution, paging,
 * SDK-shaped history events, throttled persistence.
 */
import type { ExecutionListItem, HistoryEvent } from '@aws-sdk/client-sfn';
import type { ExecutionHistoryEvent, StoredExecution } from './execution-store';
import { InvalidExecutionInputError, ValidationError } from './errors';
import { jsonBytes, MAX_PAYLOAD_BYTES } from './sfn-limits';
import { offsetPage } from './offset-pages';

/**
 * ListExecutions / GetExecutionHistory paging: `maxResults` 0–1000, 0 or absent meaning the default (100), anything
 * else refused as AWS does (https://docs.aws.amazon.com/step-functions/latest/apireference/API_ListExecutions.html,
 * "Valid Range: Minimum value of 0. Maximum value of 1000"); opaque tokens as the other local endpoints issue them.
 */
export function paginate<T>(items: T[], maxResults: number | undefined, nextToken: string | undefined): { items: T[]; nextToken?: string } {
  if (maxResults !== undefined && !(Number.isInteger(maxResults) && maxResults >= 0 && maxResults <= 1000)) {
    throw new ValidationError(`1 validation error detected: Value '${maxResults}' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 1000`);
  }
  const { page, nextToken: next } = offsetPage(items, nextToken, maxResults || 100, () => new ValidationError(`Invalid Token: '${nextToken}'`));
  return { items: page, ...(next !== undefined && { nextToken: next }) };
}

export function toSdkHistoryEvent(event: ExecutionHistoryEvent, includeExecutionData: boolean): HistoryEvent {
  const sdkEvent = { ...event, timestamp: new Date(event.timestamp) } as unknown as HistoryEvent & Record<string, unknown>;
  if (!includeExecutionData) {
    for (const [key, value] of Object.entries(sdkEvent)) {
      if (key.endsWith('EventDetails') && value && typeof value === 'object') {
        const { input: _input, output: _output, ...rest } = value as Record<string, unknown>;
        sdkEvent[key] = rest;
      }
    }
  }
  return sdkEvent;
}

export function isProcessAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Writes at most every `intervalMs` while events stream in, so a running execution is visible on disk. */
export class PersistThrottle {
  private timer: NodeJS.Timeout | undefined;
  constructor(
    private readonly write: () => void,
    private readonly intervalMs = 200,
  ) {}

  request(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.write();
    }, this.intervalMs);
    this.timer.unref();
  }

  cancel(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/** What ListExecutions reports of an execution; DescribeExecution reports it too, and more. */
export function executionListItem(execution: StoredExecution): ExecutionListItem {
  return {
    executionArn: execution.executionArn,
    stateMachineArn: execution.stateMachineArn,
    name: execution.name,
    status: execution.status,
    startDate: new Date(execution.startDate),
    stopDate: execution.stopDate ? new Date(execution.stopDate) : undefined,
    redriveCount: execution.redriveCount,
    redriveDate: execution.redriveDate ? new Date(execution.redriveDate) : undefined,
  };
}

/** StartExecution's `input`: JSON, at most 256 KiB (sfn-limits.ts). @throws InvalidExecutionInputError saying which. */
export function validateExecutionInput(input: string): void {
  const bytes = jsonBytes(input);
  if (bytes > MAX_PAYLOAD_BYTES) throw new InvalidExecutionInputError(`input is ${bytes} bytes, over the ${MAX_PAYLOAD_BYTES}-byte (256 KiB) limit`);
  try {
    JSON.parse(input);
  } catch (error) {
    throw new InvalidExecutionInputError(error instanceof Error ? error.message : String(error));
  }
}
