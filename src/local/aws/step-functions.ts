/**
 * A local Step Functions service. It runs Standard-workflow executions of the project's real state
 * machine definitions with aws-local-stepfunctions, binding each Task state (by state name) to a
 * local function, and answers the Step Functions API (AWS JSON 1.0, `X-Amz-Target:
 * AWSStepFunctions.<Operation>`) through {@link LocalStepFunctions.operations}, so production code
 * using `@aws-sdk/client-sfn` runs unchanged against it.
 *
 * Every execution is persisted under `<stateDir>/executions/` (see execution-store.ts).
 */
import './promise-with-resolvers-polyfill';
import { randomUUID } from 'node:crypto';
import type {
  DescribeExecutionInput,
  DescribeExecutionOutput,
  DescribeStateMachineInput,
  DescribeStateMachineOutput,
  ExecutionListItem,
  GetExecutionHistoryInput,
  GetExecutionHistoryOutput,
  HistoryEvent,
  ListExecutionsInput,
  ListExecutionsOutput,
  ListStateMachinesOutput,
  StartExecutionInput,
  StartExecutionOutput,
  StopExecutionInput,
  StopExecutionOutput,
} from '@aws-sdk/client-sfn';
import {
  ExecutionAbortedError,
  ExecutionError,
  ExecutionTimeoutError,
  StateMachine,
  type StateMachineDefinition,
} from 'aws-local-stepfunctions';
import {
  ExecutionAlreadyExistsError,
  ExecutionDoesNotExistError,
  InvalidArnError,
  InvalidExecutionInputError,
  InvalidNameError,
  StateMachineDoesNotExistError,
  ValidationError,
} from './errors';
import {
  type ExecutionHistoryEvent,
  type StoredExecution,
  listStoredExecutions,
  writeStoredExecution,
} from './execution-store';

/** A local function standing in for a Task state's Resource. It receives the state's effective input (after Parameters). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type TaskHandler = (input: any) => Promise<any>;

export interface LocalStateMachineConfig {
  /** The Amazon States Language definition (JSONPath), as deployed. */
  definition: object;
  /** Local functions keyed by Task state NAME (anywhere in the definition, including Map/Parallel bodies). */
  taskHandlers: Record<string, TaskHandler>;
  /**
   * Milliseconds that stand in for one second of waiting: a `Wait` state with `Seconds: n` waits
   * `n × waitTimeScaleMs`, a Wait given by `SecondsPath`/`Timestamp`/`TimestampPath` waits
   * `waitTimeScaleMs`, and each `Retry` interval waits `IntervalSeconds × waitTimeScaleMs` (no
   * backoff). When absent, waits and retry intervals take their real duration.
   */
  waitTimeScaleMs?: number;
  /** Exact wait in milliseconds per Wait state name; wins over `waitTimeScaleMs`. */
  waitTimeOverrides?: Record<string, number>;
}

export interface LocalStepFunctionsOptions {
  /** Root folder of the local runtime's state; executions go to `<stateDir>/executions/`. */
  stateDir: string;
  /** State machines keyed by name (the name in their ARN). */
  stateMachines: Record<string, LocalStateMachineConfig>;
  /** Default `us-east-1`. */
  region?: string;
  /** Default `000000000000`. */
  accountId?: string;
}

/** Step Functions' payload limit for execution input and output. */
export const MAX_PAYLOAD_BYTES = 256 * 1024;

const NAME_PATTERN = /^[^\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]{1,80}$/;

interface LoadedStateMachine {
  name: string;
  arn: string;
  definition: object;
  stateMachine: StateMachine;
  taskHandlers: Record<string, TaskHandler>;
  waitTimeOverrides: Record<string, number>;
  retryIntervalOverrides: Record<string, number[]>;
  taskResources: Map<string, string>;
  creationDate: Date;
}

interface ExecutionInProgress {
  abort: () => void;
  finished: Promise<void>;
  stopRequest?: { error?: string; cause?: string };
}

/** One event of aws-local-stepfunctions' event log, reduced to the fields this module reads. */
interface LibraryEvent {
  type: string;
  timestamp: number;
  input?: unknown;
  output?: unknown;
  Error?: string;
  Cause?: unknown;
  index?: number;
  state?: { name: string; type: string; input?: unknown; output?: unknown };
  parentState?: { name: string; type: string };
}

/**
 * The local Step Functions service.
 *
 * @example
 * const stepFunctions = new LocalStepFunctions({
 *   stateDir: '.landfall',
 *   stateMachines: { transform: { definition, taskHandlers: { BuildModel: buildModel }, waitTimeScaleMs: 10 } },
 * });
 * const { executionArn } = await stepFunctions.startExecution({
 *   stateMachineArn: stepFunctions.stateMachineArn('transform'),
 *   input: JSON.stringify({ runId: 'r1' }),
 * });
 * const execution = await stepFunctions.waitForExecution(executionArn!);
 */
export class LocalStepFunctions {
  readonly region: string;
  readonly accountId: string;
  readonly stateDir: string;
  private readonly machinesByArn = new Map<string, LoadedStateMachine>();
  private readonly executions = new Map<string, StoredExecution>();
  private readonly inProgress = new Map<string, ExecutionInProgress>();

  /** The API operations by name, as routed from `X-Amz-Target: AWSStepFunctions.<name>`. */
  readonly operations: Record<string, (request: never) => Promise<unknown>> = {
    StartExecution: (request: StartExecutionInput) => this.startExecution(request),
    DescribeExecution: (request: DescribeExecutionInput) => this.describeExecution(request),
    ListExecutions: (request: ListExecutionsInput) => this.listExecutions(request),
    GetExecutionHistory: (request: GetExecutionHistoryInput) => this.getExecutionHistory(request),
    StopExecution: (request: StopExecutionInput) => this.stopExecution(request),
    DescribeStateMachine: (request: DescribeStateMachineInput) => this.describeStateMachine(request),
    ListStateMachines: () => this.listStateMachines(),
  };

  constructor(options: LocalStepFunctionsOptions) {
    this.region = options.region ?? 'us-east-1';
    this.accountId = options.accountId ?? '000000000000';
    this.stateDir = options.stateDir;
    for (const [name, config] of Object.entries(options.stateMachines)) {
      const loaded = this.loadStateMachine(name, config);
      this.machinesByArn.set(loaded.arn, loaded);
      for (const stored of listStoredExecutions(this.stateDir, { stateMachineName: name })) {
        this.executions.set(stored.executionArn, this.closeIfOrphaned(stored));
      }
    }
  }

  /** `arn:aws:states:<region>:<account>:stateMachine:<name>` */
  stateMachineArn(name: string): string {
    return `arn:aws:states:${this.region}:${this.accountId}:stateMachine:${name}`;
  }

  /** `arn:aws:states:<region>:<account>:execution:<stateMachineName>:<executionName>` */
  executionArn(stateMachineName: string, executionName: string): string {
    return `arn:aws:states:${this.region}:${this.accountId}:execution:${stateMachineName}:${executionName}`;
  }

  /**
   * Starts an execution with Standard-workflow idempotency: the same name and input while it runs
   * returns the running execution's ARN; the same name with another input, or after it closed,
   * fails with `ExecutionAlreadyExists`. Without a name, a UUID is used.
   */
  async startExecution(request: StartExecutionInput): Promise<StartExecutionOutput> {
    const machine = this.requireStateMachine(request.stateMachineArn);
    const name = request.name ?? randomUUID();
    if (!NAME_PATTERN.test(name)) throw new InvalidNameError(name);
    const input = request.input ?? '{}';
    validatePayload(input);

    const executionArn = this.executionArn(machine.name, name);
    const existing = this.executions.get(executionArn);
    if (existing) {
      if (existing.status === 'RUNNING' && existing.input === input) {
        return { executionArn, startDate: new Date(existing.startDate) };
      }
      throw new ExecutionAlreadyExistsError(executionArn);
    }

    const execution: StoredExecution = {
      executionArn,
      stateMachineArn: machine.arn,
      stateMachineName: machine.name,
      name,
      status: 'RUNNING',
      input,
      startDate: new Date().toISOString(),
      stateTransitions: 0,
      history: [],
      hostPid: process.pid,
    };
    this.executions.set(executionArn, execution);
    this.persist(execution);
    this.launch(machine, execution);
    return { executionArn, startDate: new Date(execution.startDate) };
  }

  async describeExecution(request: DescribeExecutionInput): Promise<DescribeExecutionOutput> {
    const execution = this.requireExecution(request.executionArn);
    return {
      executionArn: execution.executionArn,
      stateMachineArn: execution.stateMachineArn,
      name: execution.name,
      status: execution.status,
      startDate: new Date(execution.startDate),
      stopDate: execution.stopDate ? new Date(execution.stopDate) : undefined,
      input: execution.input,
      inputDetails: { included: true },
      output: execution.output,
      outputDetails: execution.output === undefined ? undefined : { included: true },
      error: execution.error,
      cause: execution.cause,
      redriveCount: 0,
      redriveStatus: 'NOT_REDRIVABLE',
    };
  }

  /** Executions of one state machine, newest first, optionally filtered by status; paginated with `nextToken`. */
  async listExecutions(request: ListExecutionsInput): Promise<ListExecutionsOutput> {
    const machine = this.requireStateMachine(request.stateMachineArn);
    const matching = [...this.executions.values()]
      .filter((execution) => execution.stateMachineArn === machine.arn)
      .filter((execution) => !request.statusFilter || execution.status === request.statusFilter)
      .sort((a, b) => b.startDate.localeCompare(a.startDate));
    const page = paginate(matching, request.maxResults, request.nextToken);
    return {
      executions: page.items.map(
        (execution): ExecutionListItem => ({
          executionArn: execution.executionArn,
          stateMachineArn: execution.stateMachineArn,
          name: execution.name,
          status: execution.status,
          startDate: new Date(execution.startDate),
          stopDate: execution.stopDate ? new Date(execution.stopDate) : undefined,
        }),
      ),
      nextToken: page.nextToken,
    };
  }

  async getExecutionHistory(request: GetExecutionHistoryInput): Promise<GetExecutionHistoryOutput> {
    const execution = this.requireExecution(request.executionArn);
    const ordered = request.reverseOrder ? [...execution.history].reverse() : execution.history;
    const page = paginate(ordered, request.maxResults, request.nextToken);
    const includeData = request.includeExecutionData ?? true;
    return {
      events: page.items.map((event) => toSdkHistoryEvent(event, includeData)),
      nextToken: page.nextToken,
    };
  }

  /** Aborts a running execution (status ABORTED, with the given error and cause). A closed execution is left as it is. */
  async stopExecution(request: StopExecutionInput): Promise<StopExecutionOutput> {
    const execution = this.requireExecution(request.executionArn);
    const running = this.inProgress.get(execution.executionArn);
    if (running) {
      running.stopRequest = { error: request.error, cause: request.cause };
      running.abort();
      await running.finished;
    }
    return { stopDate: new Date(execution.stopDate ?? Date.now()) };
  }

  async describeStateMachine(request: DescribeStateMachineInput): Promise<DescribeStateMachineOutput> {
    const machine = this.requireStateMachine(request.stateMachineArn);
    return {
      stateMachineArn: machine.arn,
      name: machine.name,
      status: 'ACTIVE',
      definition: JSON.stringify(machine.definition),
      roleArn: this.roleArn(),
      type: 'STANDARD',
      creationDate: machine.creationDate,
    };
  }

  async listStateMachines(): Promise<ListStateMachinesOutput> {
    return {
      stateMachines: [...this.machinesByArn.values()].map((machine) => ({
        stateMachineArn: machine.arn,
        name: machine.name,
        type: 'STANDARD',
        creationDate: machine.creationDate,
      })),
    };
  }

  /**
   * Resolves when the execution has closed (and its final state is on disk), with its record.
   * Resolves at once for a closed execution.
   */
  async waitForExecution(executionArn: string): Promise<StoredExecution> {
    const execution = this.requireExecution(executionArn);
    await this.inProgress.get(executionArn)?.finished;
    return execution;
  }

  /** Resolves when no execution is running (for shutdown and tests). */
  async waitForAllExecutions(): Promise<void> {
    while (this.inProgress.size > 0) {
      await Promise.all([...this.inProgress.values()].map((running) => running.finished));
    }
  }

  /** The stored record of an execution, or undefined. */
  getExecution(executionArn: string): StoredExecution | undefined {
    return this.executions.get(executionArn);
  }

  private roleArn(): string {
    return `arn:aws:iam::${this.accountId}:role/landfall-local-state-machine`;
  }

  private loadStateMachine(name: string, config: LocalStateMachineConfig): LoadedStateMachine {
    if (!NAME_PATTERN.test(name)) throw new InvalidNameError(name);
    const definition = config.definition as StateMachineDefinition;
    // Validated once here (~130 ms); every execution reuses the instance.
    const stateMachine = new StateMachine(definition, { validationOptions: { checkArn: false } });
    const waits = new Map<string, number | undefined>();
    const retriers = new Map<string, number[]>();
    const taskResources = new Map<string, string>();
    collectStates(definition, waits, retriers, taskResources);

    const waitTimeOverrides: Record<string, number> = {};
    const retryIntervalOverrides: Record<string, number[]> = {};
    if (config.waitTimeScaleMs !== undefined) {
      const scale = config.waitTimeScaleMs;
      for (const [stateName, seconds] of waits) waitTimeOverrides[stateName] = (seconds ?? 1) * scale;
      for (const [stateName, intervals] of retriers) retryIntervalOverrides[stateName] = intervals.map((s) => s * scale);
    }
    Object.assign(waitTimeOverrides, config.waitTimeOverrides);

    return {
      name,
      arn: this.stateMachineArn(name),
      definition: config.definition,
      stateMachine,
      taskHandlers: config.taskHandlers,
      waitTimeOverrides,
      retryIntervalOverrides,
      taskResources,
      creationDate: new Date(),
    };
  }

  private launch(machine: LoadedStateMachine, execution: StoredExecution): void {
    const run = machine.stateMachine.run(JSON.parse(execution.input), {
      overrides: {
        taskResourceLocalHandlers: machine.taskHandlers,
        waitTimeOverrides: machine.waitTimeOverrides,
        retryIntervalOverrides: machine.retryIntervalOverrides,
      },
      context: {
        Execution: { Id: execution.executionArn, Name: execution.name, RoleArn: this.roleArn() },
        StateMachine: { Id: machine.arn, Name: machine.name },
      },
    });

    const throttle = new PersistThrottle(() => this.persist(execution));
    const recordEvents = (async () => {
      for await (const event of run.eventLogs as AsyncGenerator<LibraryEvent>) {
        if (event.type === 'StateEntered' || event.type === 'StateRetried') execution.stateTransitions += 1;
        const historyEvent = toHistoryEvent(event, execution, machine.taskResources);
        if (historyEvent) execution.history.push(historyEvent);
        throttle.request();
      }
    })();

    const settle = run.result.then(
      (output) => {
        execution.status = 'SUCCEEDED';
        execution.output = JSON.stringify(output);
      },
      (error: unknown) => {
        const stopRequest = this.inProgress.get(execution.executionArn)?.stopRequest;
        if (error instanceof ExecutionAbortedError) {
          execution.status = 'ABORTED';
          execution.error = stopRequest?.error;
          execution.cause = stopRequest?.cause;
        } else if (error instanceof ExecutionTimeoutError) {
          execution.status = 'TIMED_OUT';
          execution.error = 'States.Timeout';
        } else {
          // The library wraps the state's error (a Fail state's or a Task's) in an ExecutionError.
          const stateError = error instanceof ExecutionError && error.cause instanceof Error ? error.cause : undefined;
          execution.status = 'FAILED';
          execution.error = stateError?.name ?? 'States.Runtime';
          execution.cause = stateError?.message ?? (error instanceof Error ? error.message : String(error));
        }
      },
    );

    const finished = Promise.all([settle, recordEvents]).then(() => this.close(execution, throttle));
    this.inProgress.set(execution.executionArn, { abort: run.abort, finished });
  }

  /** Final checks and the final write of a closed execution. */
  private close(execution: StoredExecution, throttle: PersistThrottle): void {
    try {
      if (execution.status === 'SUCCEEDED' && Buffer.byteLength(execution.output ?? '') > MAX_PAYLOAD_BYTES) {
        execution.status = 'FAILED';
        execution.output = undefined;
        execution.error = 'States.DataLimitExceeded';
        execution.cause = `The execution output exceeds the ${MAX_PAYLOAD_BYTES}-byte limit.`;
      }
      if (execution.status === 'ABORTED' || execution.status === 'TIMED_OUT') {
        execution.history.push(closingEvent(execution));
      }
      execution.stopDate = new Date().toISOString();
      throttle.cancel();
      this.persist(execution);
    } finally {
      this.inProgress.delete(execution.executionArn);
    }
  }

  private persist(execution: StoredExecution): void {
    writeStoredExecution(this.stateDir, execution);
  }

  /** A RUNNING execution read from disk whose process has exited never finished: mark it ABORTED. */
  private closeIfOrphaned(execution: StoredExecution): StoredExecution {
    if (execution.status !== 'RUNNING' || isProcessAlive(execution.hostPid)) return execution;
    const closed: StoredExecution = {
      ...execution,
      status: 'ABORTED',
      error: 'Local.HostProcessExited',
      cause: `The process (pid ${execution.hostPid}) that ran this execution exited before it finished.`,
      stopDate: new Date().toISOString(),
    };
    this.persist(closed);
    return closed;
  }

  private requireStateMachine(arn: string | undefined): LoadedStateMachine {
    if (!arn) throw new ValidationError("1 validation error detected: Value null at 'stateMachineArn' failed to satisfy constraint: Member must not be null");
    if (!/^arn:[^:]+:states:[^:]*:[^:]*:stateMachine:[^:]+$/.test(arn)) throw new InvalidArnError(arn);
    const machine = this.machinesByArn.get(arn);
    if (!machine) throw new StateMachineDoesNotExistError(arn);
    return machine;
  }

  private requireExecution(arn: string | undefined): StoredExecution {
    if (!arn) throw new ValidationError("1 validation error detected: Value null at 'executionArn' failed to satisfy constraint: Member must not be null");
    if (!/^arn:[^:]+:states:[^:]*:[^:]*:execution:[^:]+:[^:]+$/.test(arn)) throw new InvalidArnError(arn);
    const execution = this.executions.get(arn);
    if (!execution) throw new ExecutionDoesNotExistError(arn);
    return execution;
  }
}

/** Writes at most every `intervalMs` while events stream in, so a running execution is visible on disk. */
class PersistThrottle {
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

function validatePayload(input: string): void {
  if (Buffer.byteLength(input) > MAX_PAYLOAD_BYTES) {
    throw new InvalidExecutionInputError(`input exceeds the ${MAX_PAYLOAD_BYTES}-byte limit`);
  }
  try {
    JSON.parse(input);
  } catch (error) {
    throw new InvalidExecutionInputError(error instanceof Error ? error.message : String(error));
  }
}

function isProcessAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function paginate<T>(items: T[], maxResults: number | undefined, nextToken: string | undefined): { items: T[]; nextToken?: string } {
  const start = nextToken ? Number.parseInt(nextToken, 10) : 0;
  if (!Number.isInteger(start) || start < 0) throw new ValidationError(`Invalid nextToken: '${nextToken}'`);
  const size = maxResults && maxResults > 0 ? Math.min(maxResults, 1000) : 100;
  const end = start + size;
  return { items: items.slice(start, end), nextToken: end < items.length ? String(end) : undefined };
}

/**
 * Walks a definition (including Map `Iterator`/`ItemProcessor` and Parallel `Branches`) to find
 * each Wait state's static seconds, each Retry's intervals, and each Task's Resource.
 */
function collectStates(
  definition: { States?: Record<string, unknown> },
  waits: Map<string, number | undefined>,
  retriers: Map<string, number[]>,
  taskResources: Map<string, string>,
): void {
  for (const [name, rawState] of Object.entries(definition.States ?? {})) {
    const state = rawState as Record<string, unknown>;
    if (state.Type === 'Wait') waits.set(name, typeof state.Seconds === 'number' ? state.Seconds : undefined);
    if (state.Type === 'Task' && typeof state.Resource === 'string') taskResources.set(name, state.Resource);
    if (Array.isArray(state.Retry)) {
      retriers.set(name, (state.Retry as { IntervalSeconds?: number }[]).map((retrier) => retrier.IntervalSeconds ?? 1));
    }
    const processor = (state.ItemProcessor ?? state.Iterator) as { States?: Record<string, unknown> } | undefined;
    if (processor) collectStates(processor, waits, retriers, taskResources);
    for (const branch of (state.Branches as { States?: Record<string, unknown> }[] | undefined) ?? []) {
      collectStates(branch, waits, retriers, taskResources);
    }
  }
}

function causeText(cause: unknown): string {
  if (typeof cause === 'string') return cause;
  if (cause instanceof Error) return cause.message;
  return JSON.stringify(cause);
}

/**
 * Splits a Task Resource into the history's `resourceType` and `resource`, as Step Functions does:
 * `arn:aws:states:::aws-sdk:redshiftdata:executeStatement` → `aws-sdk:redshiftdata` / `executeStatement`.
 */
function describeTaskResource(resourceArn: string | undefined): { resourceType: string; resource: string } {
  if (!resourceArn) return { resourceType: 'local', resource: 'handler' };
  const integration = /^arn:[^:]+:states:::(.+):([^:]+)$/.exec(resourceArn);
  if (integration) return { resourceType: integration[1], resource: integration[2] };
  if (resourceArn.includes(':lambda:')) return { resourceType: 'lambda', resource: resourceArn };
  return { resourceType: 'local', resource: resourceArn };
}

function json(value: unknown): string {
  return JSON.stringify(value ?? null);
}

/** Maps one library event to a Step Functions HistoryEvent; events with no real counterpart return undefined. */
function toHistoryEvent(
  event: LibraryEvent,
  execution: StoredExecution,
  taskResources: Map<string, string>,
): ExecutionHistoryEvent | undefined {
  const details = historyDetails(event, taskResources);
  if (!details) return undefined;
  const previous = execution.history[execution.history.length - 1];
  return {
    id: execution.history.length + 1,
    previousEventId: previous?.id ?? 0,
    timestamp: new Date(event.timestamp).toISOString(),
    ...details,
  };
}

function historyDetails(
  event: LibraryEvent,
  taskResources: Map<string, string>,
): ({ type: string } & Record<string, unknown>) | undefined {
  const state = event.state;
  switch (event.type) {
    case 'ExecutionStarted':
      return {
        type: 'ExecutionStarted',
        executionStartedEventDetails: { input: json(event.input), inputDetails: { truncated: false } },
      };
    case 'ExecutionSucceeded':
      return {
        type: 'ExecutionSucceeded',
        executionSucceededEventDetails: { output: json(event.output), outputDetails: { truncated: false } },
      };
    case 'ExecutionFailed':
      return { type: 'ExecutionFailed', executionFailedEventDetails: { error: event.Error, cause: causeText(event.Cause) } };
    case 'StateEntered':
      return { type: `${state!.type}StateEntered`, stateEnteredEventDetails: { name: state!.name, input: json(state!.input) } };
    case 'StateExited':
      return { type: `${state!.type}StateExited`, stateExitedEventDetails: { name: state!.name, output: json(state!.output) } };
    case 'StateFailed':
      if (state!.type === 'Task') {
        return {
          type: 'TaskFailed',
          taskFailedEventDetails: {
            ...describeTaskResource(taskResources.get(state!.name)),
            error: event.Error,
            cause: causeText(event.Cause),
          },
        };
      }
      if (state!.type === 'Map' || state!.type === 'Parallel') return { type: `${state!.type}StateFailed` };
      return undefined;
    case 'StateRetried':
      // A retried Task appears in real histories as a new TaskScheduled after the TaskFailed.
      if (state!.type !== 'Task') return undefined;
      return {
        type: 'TaskScheduled',
        taskScheduledEventDetails: { ...describeTaskResource(taskResources.get(state!.name)), parameters: json(state!.input) },
      };
    case 'MapIterationStarted':
    case 'MapIterationSucceeded':
    case 'MapIterationFailed': {
      const detailsKey = `${event.type.charAt(0).toLowerCase()}${event.type.slice(1)}EventDetails`;
      return { type: event.type, [detailsKey]: { name: event.parentState?.name, index: event.index } };
    }
    default:
      return undefined;
  }
}

function closingEvent(execution: StoredExecution): ExecutionHistoryEvent {
  const previous = execution.history[execution.history.length - 1];
  const base = { id: execution.history.length + 1, previousEventId: previous?.id ?? 0, timestamp: new Date().toISOString() };
  if (execution.status === 'TIMED_OUT') {
    return { ...base, type: 'ExecutionTimedOut', executionTimedOutEventDetails: { error: execution.error } };
  }
  return { ...base, type: 'ExecutionAborted', executionAbortedEventDetails: { error: execution.error, cause: execution.cause } };
}

function toSdkHistoryEvent(event: ExecutionHistoryEvent, includeExecutionData: boolean): HistoryEvent {
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
