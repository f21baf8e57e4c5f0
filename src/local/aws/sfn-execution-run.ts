/**
 * One run of an execution on aws-local-stepfunctions — from the start, or from the unsuccessful state for a
 * redrive — recorded into the execution's history with the quotas enforced, until it closes.
 */
import { ExecutionAbortedError, ExecutionError, ExecutionTimeoutError, StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import type { StoredExecution } from './execution-store';
import { PersistThrottle } from './sfn-api-support';
import { redriveDefinition, REDRIVE_ENTRY_STATE } from './sfn-definition';
import { HistoryRecorder, type LibraryEvent, type TerminalFailure } from './sfn-history';
import { type FaultInjector, RunStoppedError, runTaskWith, type TaskHandler } from './sfn-tasks';

export interface LoadedStateMachine {
  name: string;
  arn: string;
  definition: object;
  /** The definition executions run (timeouts scaled), validated once. */
  runDefinition: object;
  stateMachine: StateMachine;
  taskHandlers: Record<string, TaskHandler>;
  waitTimeOverrides: Record<string, number>;
  retryIntervalOverrides: Record<string, number[]>;
  taskResources: Map<string, string>;
  topLevelStates: Set<string>;
  lambdaTimeouts: Record<string, number>;
  creationDate: Date;
}

export interface RunSettings {
  roleArn: string;
  now: () => Date;
  timeoutScaleMs: number;
  faults?: FaultInjector;
  persist: (execution: StoredExecution) => void;
}

export interface RunningExecution {
  abort: () => void;
  /** Resolves once the execution has closed and its final state is on disk. */
  finished: Promise<void>;
  /** Set by StopExecution before it aborts the run. */
  stopRequest?: { error?: string; cause?: string };
}

/** Where a redrive restarts: a top-level state and the input it was first entered with. */
export interface RestartPoint {
  stateName: string;
  input: unknown;
}

const HIDDEN_STATES: ReadonlySet<string> = new Set([REDRIVE_ENTRY_STATE]);

export function startRun(machine: LoadedStateMachine, execution: StoredExecution, settings: RunSettings, restart?: RestartPoint): RunningExecution {
  const running: RunningExecution = { abort: () => undefined, finished: Promise.resolve() };
  let terminal: TerminalFailure | undefined;
  let endRun: (error: Error) => void = () => undefined;
  const runEnded = new Promise<never>((_, reject) => {
    endRun = reject;
  });
  runEnded.catch(() => undefined);
  const recorder = new HistoryRecorder({
    execution,
    taskResources: machine.taskResources,
    hiddenStates: HIDDEN_STATES,
    redrive: !!restart,
    onTerminalFailure: (failure) => {
      terminal = failure;
      running.abort();
    },
  });
  const taskHandlers = Object.fromEntries(
    Object.entries(machine.taskHandlers).map(([stateName, handler]) => [
      stateName,
      runTaskWith(handler, {
        stateName,
        resource: machine.taskResources.get(stateName),
        lambdaTimeoutSeconds: machine.lambdaTimeouts[stateName],
        timeoutScaleMs: settings.timeoutScaleMs,
        recorder,
        faults: settings.faults,
        runEnded,
      }),
    ]),
  );
  const stateMachine = restart
    ? new StateMachine(redriveDefinition(machine.runDefinition, restart.stateName, restart.input) as StateMachineDefinition, { validationOptions: { noValidate: true } })
    : machine.stateMachine;
  const run = stateMachine.run(JSON.parse(execution.input), {
    overrides: { taskResourceLocalHandlers: taskHandlers, waitTimeOverrides: machine.waitTimeOverrides, retryIntervalOverrides: machine.retryIntervalOverrides },
    context: {
      Execution: {
        Id: execution.executionArn,
        Name: execution.name,
        RoleArn: settings.roleArn,
        // 0 on the first run, n on the n-th redrive (ExecutionRedrivenEventDetails.redriveCount).
        RedriveCount: execution.redriveCount,
        ...(execution.redriveDate ? { RedriveTime: execution.redriveDate } : {}),
      },
      StateMachine: { Id: machine.arn, Name: machine.name },
    },
  });
  running.abort = run.abort;

  const throttle = new PersistThrottle(() => settings.persist(execution));
  const recordEvents = (async () => {
    for await (const event of run.eventLogs as AsyncGenerator<LibraryEvent>) {
      recorder.record(event);
      throttle.request();
    }
  })();
  const outcome = run.result.then(
    (output) => ({ output, error: undefined as unknown }),
    (error: unknown) => ({ output: undefined, error }),
  );
  // A task still waiting when the run ended (timed out, aborted) gives up, so the library's Task timer ends too.
  void outcome.then(() => endRun(new RunStoppedError()));
  running.finished = Promise.all([outcome, recordEvents]).then(([result]) => {
    closeExecution(execution, result, terminal, running.stopRequest, recorder);
    execution.stopDate = settings.now().toISOString();
    throttle.cancel();
    settings.persist(execution);
  });
  return running;
}

/** The final status: a quota hit wins over whatever the run did meanwhile. */
function closeExecution(
  execution: StoredExecution,
  result: { output: unknown; error: unknown },
  terminal: TerminalFailure | undefined,
  stopRequest: RunningExecution['stopRequest'],
  recorder: HistoryRecorder,
): void {
  const { error } = result;
  if (terminal) {
    Object.assign(execution, { status: 'FAILED', error: terminal.error, cause: terminal.cause, output: undefined });
    recorder.append({ type: 'ExecutionFailed', executionFailedEventDetails: { error: terminal.error, cause: terminal.cause } });
  } else if (!error) {
    Object.assign(execution, { status: 'SUCCEEDED', output: JSON.stringify(result.output) });
  } else if (error instanceof ExecutionAbortedError) {
    Object.assign(execution, { status: 'ABORTED', error: stopRequest?.error, cause: stopRequest?.cause });
    recorder.append({ type: 'ExecutionAborted', executionAbortedEventDetails: { error: stopRequest?.error, cause: stopRequest?.cause } });
  } else if (error instanceof ExecutionTimeoutError) {
    Object.assign(execution, { status: 'TIMED_OUT', error: 'States.Timeout', cause: 'The execution ran longer than the state machine TimeoutSeconds.' });
    recorder.append({ type: 'ExecutionTimedOut', executionTimedOutEventDetails: { error: execution.error, cause: execution.cause } });
  } else {
    // The library wraps the state's error (a Fail state's or a Task's) in an ExecutionError; its own
    // ExecutionFailed event is already in the history.
    const stateError = error instanceof ExecutionError && error.cause instanceof Error ? error.cause : undefined;
    execution.status = 'FAILED';
    execution.error = stateError?.name ?? 'States.Runtime';
    execution.cause = stateError?.message ?? (error instanceof Error ? error.message : String(error));
  }
}
