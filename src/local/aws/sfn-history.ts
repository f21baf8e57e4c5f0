/**
 * Turns aws-local-stepfunctions' event log into the execution history Step Functions records, counting
 * events as AWS does (so the 25,000-event quota bites where it would in AWS), counting state transitions,
 * and measuring every state input and output against the 256 KiB payload quota.
 *
 * Events per state, as AWS records them (https://docs.aws.amazon.com/step-functions/latest/apireference/API_HistoryEvent.html):
 *
 * | state | events |
 * | --- | --- |
 * | execution | `ExecutionStarted` + one of `ExecutionSucceeded`/`Failed`/`TimedOut`/`Aborted`; `ExecutionRedriven` per redrive |
 * | Task, Lambda function ARN | `TaskStateEntered`, `LambdaFunctionScheduled`, `LambdaFunctionStarted`, `LambdaFunctionSucceeded`, `TaskStateExited` = 5 |
 * | Task, integration (`arn:aws:states:::…`) | `TaskStateEntered`, `TaskScheduled`, `TaskStarted`, `TaskSucceeded`, `TaskStateExited` = 5 |
 * | each failed attempt that is retried | `…Failed` (or `…TimedOut`), `…Scheduled`, `…Started` = +3 |
 * | Task caught by a Catch | `…Failed`/`…TimedOut` instead of `…Succeeded`, then `TaskStateExited` |
 * | Pass, Wait, Choice, Succeed | `…StateEntered`, `…StateExited` = 2 |
 * | Fail | `FailStateEntered` = 1 (then `ExecutionFailed`) |
 * | Map | `MapStateEntered`, `MapStateStarted`, per iteration `MapIterationStarted` + its states + `MapIterationSucceeded`/`Failed`, `MapStateSucceeded`/`Failed`, `MapStateExited` |
 * | Parallel | `ParallelStateEntered`, `ParallelStateStarted`, the branches' states, `ParallelStateSucceeded`/`Failed`, `ParallelStateExited` |
 *
 * So a loop Task → Choice → Wait costs 9 events per turn; 25,000 events allow ~2,770 turns.
 */
import type { ExecutionHistoryEvent, StoredExecution } from './execution-store';
import { DataLimitExceededError, dataLimitCause, HISTORY_LIMIT_FAILURE, jsonBytes, MAX_HISTORY_EVENTS, MAX_PAYLOAD_BYTES } from './sfn-limits';

/** One event of aws-local-stepfunctions' event log, reduced to the fields read here. */
export interface LibraryEvent {
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

/** A reason the execution must end FAILED at once, whatever its Catch fields say. */
export interface TerminalFailure {
  error: string;
  cause: string;
}

export interface HistoryRecorderOptions {
  execution: StoredExecution;
  /** Task state name → its Resource. */
  taskResources: Map<string, string>;
  /** States that exist only for the local runtime (the redrive entry) and never appear in the history. */
  hiddenStates: ReadonlySet<string>;
  /** A redriven run's ExecutionStarted is not recorded: the history continues with ExecutionRedriven. */
  redrive: boolean;
  /** Called once when a quota is hit; the caller stops the run and fails the execution. */
  onTerminalFailure: (failure: TerminalFailure) => void;
}

export class HistoryRecorder {
  private stopped = false;
  /** `state#iteration` of Task attempts that failed (so a caught Task does not also record …Succeeded). */
  private readonly failedAttempts = new Set<string>();
  /**
   * JSON text of payload objects already serialized: a state's output object is the next state's input, and
   * a task's parameters and result are often the state's own input and output, so each is serialized once.
   */
  private readonly jsonTexts = new WeakMap<object, string>();

  constructor(private readonly options: HistoryRecorderOptions) {}

  /** True once a quota was hit: nothing more is recorded and no further task may start. */
  get hasStopped(): boolean {
    return this.stopped;
  }

  /** Records one library event (zero or more history events), enforcing the payload and history quotas. */
  record(event: LibraryEvent): void {
    if (this.stopped) return;
    const state = event.state;
    if (state && this.options.hiddenStates.has(state.name)) return;
    const execution = this.options.execution;
    if (event.type === 'StateEntered' || event.type === 'StateRetried') execution.stateTransitions += 1;

    let stateData: string | undefined;
    if (state && (event.type === 'StateEntered' || event.type === 'StateExited')) {
      stateData = this.jsonOf(event.type === 'StateEntered' ? state.input : state.output);
      const what = event.type === 'StateEntered' ? 'input' : 'output';
      if (!this.checkPayload(state.name, what, jsonBytes(stateData))) return;
    }
    for (const details of this.historyDetails(event, stateData)) {
      // Event 25,000 may only close the execution; anything else ends it (bp-history-limit.html).
      if (execution.history.length >= MAX_HISTORY_EVENTS - 1 && details.type !== 'ExecutionSucceeded' && details.type !== 'ExecutionFailed') {
        this.stop(HISTORY_LIMIT_FAILURE);
        return;
      }
      this.append(details, event.timestamp);
    }
  }

  /**
   * Measures a payload (a task's effective parameters or its result) against the 256 KiB quota; records the
   * largest. Returns false, and fails the execution with `States.DataLimitExceeded`, when it is over.
   */
  checkPayload(stateName: string, what: string, bytes: number): boolean {
    const execution = this.options.execution;
    if (bytes > execution.largestPayloadBytes) {
      execution.largestPayloadBytes = bytes;
      execution.largestPayloadState = `${stateName} ${what}`;
    }
    if (bytes <= MAX_PAYLOAD_BYTES) return true;
    const error = new DataLimitExceededError(dataLimitCause(stateName, what, bytes));
    this.stop({ error: error.name, cause: error.message });
    return false;
  }

  /** JSON text of a payload, serialized once per object (`fresh`: serialize again, e.g. a task result that may be its mutated input). */
  jsonOf(value: unknown, fresh = false): string {
    if (!value || typeof value !== 'object') return json(value);
    let text = fresh ? undefined : this.jsonTexts.get(value);
    if (text === undefined) {
      text = JSON.stringify(value);
      this.jsonTexts.set(value, text);
    }
    return text;
  }

  /** Appends an event the service itself produces (ExecutionFailed/TimedOut/Aborted/Redriven), even after a stop. */
  append(details: { type: string } & Record<string, unknown>, timestamp = Date.now()): void {
    appendHistoryEvent(this.options.execution, details, timestamp);
  }

  private stop(failure: TerminalFailure): void {
    if (this.stopped) return;
    this.stopped = true;
    this.options.onTerminalFailure(failure);
  }

  private historyDetails(event: LibraryEvent, stateData: string | undefined): ({ type: string } & Record<string, unknown>)[] {
    const state = event.state;
    const attempt = state ? `${state.name}#${event.index ?? ''}` : '';
    switch (event.type) {
      case 'ExecutionStarted':
        if (this.options.redrive) return [];
        return [{ type: 'ExecutionStarted', executionStartedEventDetails: { input: json(event.input), inputDetails: { truncated: false } } }];
      case 'ExecutionSucceeded':
        return [{ type: 'ExecutionSucceeded', executionSucceededEventDetails: { output: json(event.output), outputDetails: { truncated: false } } }];
      case 'ExecutionFailed':
        return [{ type: 'ExecutionFailed', executionFailedEventDetails: { error: event.Error, cause: causeText(event.Cause) } }];
      case 'StateEntered': {
        const entered = { type: `${state!.type}StateEntered`, stateEnteredEventDetails: { name: state!.name, input: stateData } };
        if (state!.type === 'Task') {
          this.failedAttempts.delete(attempt);
          return [entered, ...this.taskScheduled(state!.name, stateData!)];
        }
        if (state!.type === 'Map' || state!.type === 'Parallel') return [entered, { type: `${state!.type}StateStarted` }];
        return [entered];
      }
      case 'StateExited': {
        const exited = { type: `${state!.type}StateExited`, stateExitedEventDetails: { name: state!.name, output: stateData } };
        if (state!.type === 'Task') {
          if (this.failedAttempts.delete(attempt)) return [exited];
          return [this.taskEvent(state!.name, 'Succeeded', { output: stateData, outputDetails: { truncated: false } }), exited];
        }
        if (state!.type === 'Map' || state!.type === 'Parallel') return [{ type: `${state!.type}StateSucceeded` }, exited];
        return [exited];
      }
      case 'StateFailed':
        if (state!.type === 'Task') {
          this.failedAttempts.add(attempt);
          const outcome = event.Error === 'States.Timeout' ? 'TimedOut' : 'Failed';
          return [this.taskEvent(state!.name, outcome, { error: event.Error, cause: causeText(event.Cause) })];
        }
        if (state!.type === 'Map' || state!.type === 'Parallel') return [{ type: `${state!.type}StateFailed` }];
        return [];
      case 'StateRetried':
        // A retried Task appears as a new …Scheduled and …Started after its …Failed.
        if (state!.type !== 'Task') return [];
        this.failedAttempts.delete(attempt);
        return this.taskScheduled(state!.name, json(state!.input));
      case 'MapIterationStarted':
      case 'MapIterationSucceeded':
      case 'MapIterationFailed': {
        const detailsKey = `${event.type.charAt(0).toLowerCase()}${event.type.slice(1)}EventDetails`;
        return [{ type: event.type, [detailsKey]: { name: event.parentState?.name, index: event.index } }];
      }
      default:
        return [];
    }
  }

  private taskScheduled(stateName: string, input: string): ({ type: string } & Record<string, unknown>)[] {
    const resource = this.options.taskResources.get(stateName);
    if (isLambdaFunctionArn(resource)) {
      return [
        { type: 'LambdaFunctionScheduled', lambdaFunctionScheduledEventDetails: { resource, input, inputDetails: { truncated: false } } },
        { type: 'LambdaFunctionStarted' },
      ];
    }
    const { resourceType, resource: name } = describeTaskResource(resource);
    return [
      { type: 'TaskScheduled', taskScheduledEventDetails: { resourceType, resource: name, region: 'us-east-1', parameters: input } },
      { type: 'TaskStarted', taskStartedEventDetails: { resourceType, resource: name } },
    ];
  }

  private taskEvent(stateName: string, outcome: 'Succeeded' | 'Failed' | 'TimedOut', details: Record<string, unknown>): { type: string } & Record<string, unknown> {
    const resource = this.options.taskResources.get(stateName);
    if (isLambdaFunctionArn(resource)) {
      return { type: `LambdaFunction${outcome}`, [`lambdaFunction${outcome}EventDetails`]: details };
    }
    return { type: `Task${outcome}`, [`task${outcome}EventDetails`]: { ...describeTaskResource(resource), ...details } };
  }
}

/** Appends one event with the next id, keeping `historyEventCount` in step. */
export function appendHistoryEvent(execution: StoredExecution, details: { type: string } & Record<string, unknown>, timestamp = Date.now()): void {
  const history = execution.history;
  const previous = history[history.length - 1];
  history.push({ id: history.length + 1, previousEventId: previous?.id ?? 0, timestamp: new Date(timestamp).toISOString(), ...details } as ExecutionHistoryEvent);
  execution.historyEventCount = history.length;
}

/** `arn:aws:lambda:<region>:<account>:function:<name>` as a Task Resource (not the `lambda:invoke` integration). */
export function isLambdaFunctionArn(resource: string | undefined): boolean {
  return !!resource && /^arn:[^:]+:lambda:[^:]*:[^:]*:function:/.test(resource);
}

/** Either form of invoking Lambda: a function ARN or `arn:aws:states:::lambda:invoke`. */
export function invokesLambda(resource: string | undefined): boolean {
  return isLambdaFunctionArn(resource) || (!!resource && /^arn:[^:]+:states:::lambda:invoke/.test(resource));
}

/**
 * Splits a Task Resource into the history's `resourceType` and `resource`, as Step Functions does:
 * `arn:aws:states:::aws-sdk:redshiftdata:executeStatement` → `aws-sdk:redshiftdata` / `executeStatement`.
 */
export function describeTaskResource(resourceArn: string | undefined): { resourceType: string; resource: string } {
  if (!resourceArn) return { resourceType: 'local', resource: 'handler' };
  const integration = /^arn:[^:]+:states:::(.+):([^:.]+)(?:\.[a-zA-Z]+)?$/.exec(resourceArn);
  if (integration) return { resourceType: integration[1], resource: integration[2] };
  if (resourceArn.includes(':lambda:')) return { resourceType: 'lambda', resource: resourceArn };
  return { resourceType: 'local', resource: resourceArn };
}

function causeText(cause: unknown): string {
  if (typeof cause === 'string') return cause;
  if (cause instanceof Error) return cause.message;
  return JSON.stringify(cause);
}

function json(value: unknown): string {
  return JSON.stringify(value ?? null);
}
