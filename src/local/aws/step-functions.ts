/**
 * A local Step Functions service, as strict as AWS. It runs Standard-workflow executions of the project's
 * real state machine definitions with aws-local-stepfunctions, binding each Task state (by state name) to a
 * local function, and answers the Step Functions API (AWS JSON 1.0, `X-Amz-Target:
 * AWSStepFunctions.<Operation>`) through {@link LocalStepFunctions.operations}, so production code using
 * `@aws-sdk/client-sfn` runs unchanged against it — RedriveExecution included.
 *
 * Enforced (each rule cites its AWS page where it is implemented): 256 KiB payloads and the 25,000-event
 * history (sfn-limits.ts, sfn-history.ts), execution names and their 90-day uniqueness, `TimeoutSeconds`,
 * Lambda timeouts and Lambda's error shape (sfn-tasks.ts), RedriveExecution (sfn-redrive.ts).
 * Every execution is persisted under `<stateDir>/executions/` (see execution-store.ts).
 */
import './promise-with-resolvers-polyfill';
import { randomUUID } from 'node:crypto';
import type {
  DescribeExecutionInput,
  DescribeExecutionOutput,
  DescribeStateMachineInput,
  DescribeStateMachineOutput,
  GetExecutionHistoryInput,
  GetExecutionHistoryOutput,
  ListExecutionsInput,
  ListExecutionsOutput,
  ListStateMachinesOutput,
  RedriveExecutionInput,
  RedriveExecutionOutput,
  StartExecutionInput,
  StartExecutionOutput,
  StopExecutionInput,
  StopExecutionOutput,
} from '@aws-sdk/client-sfn';
import {
  ExecutionAlreadyExistsError,
  ExecutionDoesNotExistError,
  ExecutionNotRedrivableError,
  InvalidArnError,
  StateMachineDoesNotExistError,
  ValidationError,
} from './errors';
import { type StoredExecution, listStoredExecutions, writeStoredExecution } from './execution-store';
import { executionListItem, isProcessAlive, paginate, toSdkHistoryEvent, validateExecutionInput } from './sfn-api-support';
import { type LoadedStateMachine, type RestartPoint, type RunningExecution, startRun } from './sfn-execution-run';
import { appendHistoryEvent } from './sfn-history';
import { jsonBytes, NAME_REUSE_PERIOD_MS, validateName } from './sfn-limits';
import { type LocalStateMachineConfig, loadStateMachine } from './sfn-load-state-machine';
import { CLIENT_TOKEN_WINDOW_MS, redriveStatusOf, unsuccessfulState } from './sfn-redrive';
import { FaultInjector, type TaskFault, type TaskHandler } from './sfn-tasks';

export type { TaskFault, TaskHandler } from './sfn-tasks';
export { MAX_PAYLOAD_BYTES } from './sfn-limits';

export interface LocalStepFunctionsOptions {
  /** Root folder of the local runtime's state; executions go to `<stateDir>/executions/`. */
  stateDir: string;
  /** State machines keyed by name (the name in their ARN). */
  stateMachines: Record<string, LocalStateMachineConfig>;
  /** Default `us-east-1`. */
  region?: string;
  /** Default `000000000000`. */
  accountId?: string;
  /** The service's clock (start/stop/redrive dates, the 14-day and 90-day windows). Tests move it forward. */
  now?: () => Date;
  /** Real milliseconds per second of `TimeoutSeconds` (state machine and Task) and of Lambda timeouts. Default 1000. */
  timeoutScaleMs?: number;
  /** Test-only: accept {@link LocalStepFunctions.injectFault}. Never set it outside tests. */
  faultInjection?: boolean;
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
  private readonly now: () => Date;
  private readonly timeoutScaleMs: number;
  private readonly faults: FaultInjector | undefined;
  private readonly machinesByArn = new Map<string, LoadedStateMachine>();
  private readonly executions = new Map<string, StoredExecution>();
  private readonly inProgress = new Map<string, RunningExecution>();
  private readonly redriveTokens = new Map<string, { redriveDate: Date; at: number }>();

  /** The API operations by name, as routed from `X-Amz-Target: AWSStepFunctions.<name>`. */
  readonly operations: Record<string, (request: never) => Promise<unknown>> = {
    StartExecution: (request: StartExecutionInput) => this.startExecution(request),
    DescribeExecution: (request: DescribeExecutionInput) => this.describeExecution(request),
    ListExecutions: (request: ListExecutionsInput) => this.listExecutions(request),
    GetExecutionHistory: (request: GetExecutionHistoryInput) => this.getExecutionHistory(request),
    StopExecution: (request: StopExecutionInput) => this.stopExecution(request),
    RedriveExecution: (request: RedriveExecutionInput) => this.redriveExecution(request),
    DescribeStateMachine: (request: DescribeStateMachineInput) => this.describeStateMachine(request),
    ListStateMachines: () => this.listStateMachines(),
  };

  constructor(options: LocalStepFunctionsOptions) {
    this.region = options.region ?? 'us-east-1';
    this.accountId = options.accountId ?? '000000000000';
    this.stateDir = options.stateDir;
    this.now = options.now ?? (() => new Date());
    this.timeoutScaleMs = options.timeoutScaleMs ?? 1000;
    this.faults = options.faultInjection ? new FaultInjector() : undefined;
    for (const [name, config] of Object.entries(options.stateMachines)) {
      const loaded = loadStateMachine(name, this.stateMachineArn(name), config, this.timeoutScaleMs);
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
   * Starts an execution. Names follow AWS's rules and stay taken for 90 days after the execution closes
   * (https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html): the same name
   * and input while it runs returns the running execution (idempotent); another input, or any input after it
   * closed, fails with `ExecutionAlreadyExists`. Without a name, a UUID is used.
   */
  async startExecution(request: StartExecutionInput): Promise<StartExecutionOutput> {
    const machine = this.requireStateMachine(request.stateMachineArn);
    const name = request.name ?? randomUUID();
    validateName(name);
    const input = request.input ?? '{}';
    validateExecutionInput(input);

    const executionArn = this.executionArn(machine.name, name);
    const existing = this.executions.get(executionArn);
    if (existing && !this.nameReusable(existing)) {
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
      startDate: this.now().toISOString(),
      stateTransitions: 0,
      historyEventCount: 0,
      largestPayloadBytes: jsonBytes(input),
      largestPayloadState: 'execution input',
      redriveCount: 0,
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
      ...executionListItem(execution),
      input: execution.input,
      inputDetails: { included: true },
      output: execution.output,
      outputDetails: execution.output === undefined ? undefined : { included: true },
      error: execution.error,
      cause: execution.cause,
      ...redriveStatusOf(execution, this.now()),
    };
  }

  /** Executions of one state machine, newest first, filtered by status or redrive; paginated with `nextToken`. */
  async listExecutions(request: ListExecutionsInput): Promise<ListExecutionsOutput> {
    const machine = this.requireStateMachine(request.stateMachineArn);
    const matching = [...this.executions.values()]
      .filter((execution) => execution.stateMachineArn === machine.arn)
      .filter((execution) => !request.statusFilter || execution.status === request.statusFilter)
      .filter((execution) => !request.redriveFilter || (request.redriveFilter === 'REDRIVEN') === execution.redriveCount > 0)
      .sort((a, b) => b.startDate.localeCompare(a.startDate));
    const page = paginate(matching, request.maxResults, request.nextToken);
    return {
      executions: page.items.map(executionListItem),
      nextToken: page.nextToken,
    };
  }

  async getExecutionHistory(request: GetExecutionHistoryInput): Promise<GetExecutionHistoryOutput> {
    const execution = this.requireExecution(request.executionArn);
    const ordered = request.reverseOrder ? [...execution.history].reverse() : execution.history;
    const page = paginate(ordered, request.maxResults, request.nextToken);
    const includeData = request.includeExecutionData ?? true;
    return { events: page.items.map((event) => toSdkHistoryEvent(event, includeData)), nextToken: page.nextToken };
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
    return { stopDate: new Date(execution.stopDate ?? this.now()) };
  }

  /**
   * Restarts a FAILED, TIMED_OUT or ABORTED execution at its unsuccessful state with that state's original
   * input (see sfn-redrive.ts for the rules); `ExecutionNotRedrivable` says why when it cannot.
   * `$$.Execution.RedriveCount` is the new `redriveCount` in the restarted run.
   */
  async redriveExecution(request: RedriveExecutionInput): Promise<RedriveExecutionOutput> {
    const execution = this.requireExecution(request.executionArn);
    const tokenKey = request.clientToken && `${execution.executionArn}#${request.clientToken}`;
    const earlier = tokenKey ? this.redriveTokens.get(tokenKey) : undefined;
    if (earlier && this.now().getTime() - earlier.at <= CLIENT_TOKEN_WINDOW_MS) return { redriveDate: earlier.redriveDate };

    const { redriveStatus, redriveStatusReason } = redriveStatusOf(execution, this.now());
    if (redriveStatus !== 'REDRIVABLE') throw new ExecutionNotRedrivableError(execution.executionArn, redriveStatusReason!);
    const machine = this.requireStateMachine(execution.stateMachineArn);
    const restart = unsuccessfulState(execution, machine.topLevelStates);
    if (!restart) throw new ExecutionNotRedrivableError(execution.executionArn, 'no top-level state was left unfinished, so there is no state to restart at');

    const redriveDate = this.now();
    execution.redriveCount += 1;
    execution.redriveDate = redriveDate.toISOString();
    execution.stateTransitions += 1; // "Execution redrives are considered as state transitions" (redrive-executions.html)
    execution.status = 'RUNNING';
    execution.hostPid = process.pid;
    for (const key of ['output', 'error', 'cause', 'stopDate'] as const) delete execution[key];
    appendHistoryEvent(execution, { type: 'ExecutionRedriven', executionRedrivenEventDetails: { redriveCount: execution.redriveCount } }, redriveDate.getTime());
    if (tokenKey) this.redriveTokens.set(tokenKey, { redriveDate, at: redriveDate.getTime() });
    this.persist(execution);
    this.launch(machine, execution, restart);
    return { redriveDate };
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
      stateMachines: [...this.machinesByArn.values()].map((machine) => ({ stateMachineArn: machine.arn, name: machine.name, type: 'STANDARD', creationDate: machine.creationDate })),
    };
  }

  /** Test-only: make the next invocation(s) of a Task state's handler throw, hang or time out. */
  injectFault(fault: TaskFault): void {
    if (!this.faults) throw new Error('fault injection is off: construct LocalStepFunctions with faultInjection: true (tests only)');
    this.faults.add(fault);
  }

  /** Faults that fired so far (state, kind, time), oldest first. */
  get firedFaults(): readonly { state: string; kind: TaskFault['kind']; at: string }[] {
    return this.faults?.fired ?? [];
  }

  /** Resolves when the execution has closed (and its final state is on disk), with its record. Resolves at once for a closed execution. */
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

  private nameReusable(existing: StoredExecution): boolean {
    return existing.status !== 'RUNNING' && !!existing.stopDate && this.now().getTime() - Date.parse(existing.stopDate) > NAME_REUSE_PERIOD_MS;
  }

  /** Runs an execution (from the start, or from `restart` for a redrive); forgets it once it closed. */
  private launch(machine: LoadedStateMachine, execution: StoredExecution, restart?: RestartPoint): void {
    const running = startRun(machine, execution, { roleArn: this.roleArn(), now: this.now, timeoutScaleMs: this.timeoutScaleMs, faults: this.faults, persist: (e) => this.persist(e) }, restart);
    running.finished = running.finished.finally(() => this.inProgress.delete(execution.executionArn));
    this.inProgress.set(execution.executionArn, running);
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
      stopDate: this.now().toISOString(),
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
