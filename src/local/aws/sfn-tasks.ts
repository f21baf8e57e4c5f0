/**
 * How the local service runs a Task state's local function so that Retry and Catch see what AWS would
 * report: payload quotas on the task's parameters and result, the Lambda function's configured timeout,
 * Lambda's error shape, and (tests only) injected faults.
 */
import type { HistoryRecorder } from './sfn-history';
import { invokesLambda } from './sfn-history';
import { jsonBytes } from './sfn-limits';

/** A local function standing in for a Task state's Resource. It receives the state's effective input (after Parameters). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type TaskHandler = (input: any) => Promise<any>;

/**
 * A fault to inject into the next invocation(s) of one Task state's handler. Test-only: the service accepts
 * faults only when constructed with `faultInjection: true`.
 *
 * - `throw`: the invocation fails with `error` (default `Lambda.ServiceException`), before the handler runs or,
 *   with `when: 'after'`, after it ran (its side effects happened; its result is lost — a crash after submit).
 * - `hang`: the handler is never called and the invocation never answers; the Lambda timeout (or the Task's
 *   `TimeoutSeconds`) ends it.
 * - `timeout`: the invocation fails at once as a Lambda timeout would (before or after the handler ran).
 *
 * Which invocations: those of `state` for which `onlyIf` holds (all, without it); the first `skip` of them pass
 * untouched, the next `times` fail. An invocation the fault does not apply to leaves it pending.
 */
export interface TaskFault {
  state: string;
  kind: 'throw' | 'hang' | 'timeout';
  when?: 'before' | 'after';
  error?: { name: string; message?: string };
  /** Invocations affected, from the next one (default 1). */
  times?: number;
  /** Matching invocations let through untouched before the fault applies (default 0): crash the third AdvanceRun with `skip: 2`. */
  skip?: number;
  /**
   * Applies only to invocations for which this holds: before the handler it sees the input; with `when: 'after'`
   * also the handler's result (e.g. crash the first AdvanceRun that returned with a statement in flight:
   * `(_, result) => result.counts.running > 0`).
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  onlyIf?: (input: any, result?: any) => boolean | Promise<boolean>;
}

/** Faults waiting to fire, and a log of the ones that fired. */
export class FaultInjector {
  private readonly pending: TaskFault[] = [];
  readonly fired: { state: string; kind: TaskFault['kind']; at: string }[] = [];

  add(fault: TaskFault): void {
    this.pending.push({ ...fault, times: fault.times ?? 1, skip: fault.skip ?? 0 });
  }

  /**
   * The fault that fails this invocation of `state` at `phase` (before the handler ran, or after it with its
   * result), if any; consumes one of its `skip`, else one of its `times`. A `hang` applies before the handler.
   */
  async take(state: string, phase: 'before' | 'after', input: unknown, result?: unknown): Promise<TaskFault | undefined> {
    for (const fault of this.pending) {
      if (fault.state !== state || phaseOf(fault) !== phase) continue;
      if (fault.onlyIf && !(await fault.onlyIf(input, result))) continue;
      if (fault.skip! > 0) {
        fault.skip! -= 1;
        return undefined;
      }
      fault.times! -= 1;
      if (fault.times! <= 0) this.pending.splice(this.pending.indexOf(fault), 1);
      this.fired.push({ state, kind: fault.kind, at: new Date().toISOString() });
      return fault;
    }
    return undefined;
  }
}

function phaseOf(fault: TaskFault): 'before' | 'after' {
  return fault.kind !== 'hang' && fault.when === 'after' ? 'after' : 'before';
}

/**
 * The error a Task reports when its Lambda function throws: the error name is Lambda's `errorType` (the
 * thrown error's `name`), the cause is the function's error payload as JSON
 * (`{"errorType", "errorMessage", "trace"}`), as Step Functions shows it for Node.js functions.
 */
export class LambdaFunctionError extends Error {
  constructor(errorType: string, payload: Record<string, unknown>) {
    super(JSON.stringify(payload));
    this.name = errorType;
  }
}

function lambdaErrorFrom(error: unknown): LambdaFunctionError {
  const errorType = error instanceof Error ? error.name || 'Error' : 'Error';
  const errorMessage = error instanceof Error ? error.message : String(error);
  const trace = error instanceof Error && error.stack ? error.stack.split('\n') : [];
  return new LambdaFunctionError(errorType, { errorType, errorMessage, trace });
}

/**
 * A Lambda invocation that ran past the function's timeout. "Unhandled errors in Lambda are reported as
 * Lambda.Unknown in the error output. These include out-of-memory errors and function timeouts."
 * (https://docs.aws.amazon.com/step-functions/latest/dg/bp-lambda-serviceexception.html). Newer Lambda
 * runtimes may report `Sandbox.Timedout` instead; match `States.TaskFailed` (it matches both) in definitions.
 */
export function lambdaTimeoutError(timeoutSeconds: number): LambdaFunctionError {
  const payload = { errorMessage: `${new Date().toISOString()} local Task timed out after ${timeoutSeconds.toFixed(2)} seconds` };
  const error = new LambdaFunctionError('Lambda.Unknown', {});
  error.message = `The cause could not be determined because Lambda did not return an error type. Returned payload: ${JSON.stringify(payload)}`;
  return error;
}

export interface TaskRunSettings {
  stateName: string;
  /** The state's Resource. */
  resource: string | undefined;
  /** The Lambda function's configured timeout in seconds (Lambda tasks only). */
  lambdaTimeoutSeconds?: number;
  /** Milliseconds of real time per second of `lambdaTimeoutSeconds` (tests shrink it; default 1000). */
  timeoutScaleMs: number;
  recorder: HistoryRecorder;
  faults?: FaultInjector;
  /** Rejects when the run has ended (succeeded, failed, aborted, timed out): tasks still pending give up then. */
  runEnded: Promise<never>;
}

/**
 * Thrown into a task of a run a quota already stopped: nothing can catch or retry it, and it ends the
 * library's own Task timer at once. The execution's status comes from the quota, not from this error.
 */
export class RunStoppedError extends Error {
  readonly isCatchable = false;
  readonly isRetryable = false;
  constructor() {
    super('The execution was stopped by a Step Functions quota.');
    this.name = 'Local.RunStopped';
  }
}

const never = <T>() => new Promise<T>(() => undefined);

/**
 * Wraps a Task handler for one execution. Before the handler runs, the run's event log is allowed to catch
 * up (one `setImmediate`), so a quota hit by an earlier state stops the run before this task has any effect.
 */
export function runTaskWith(handler: TaskHandler, settings: TaskRunSettings): TaskHandler {
  const isLambda = invokesLambda(settings.resource);
  return async (input) => {
    await new Promise((resolve) => setImmediate(resolve));
    const { recorder, stateName } = settings;
    if (recorder.hasStopped) throw new RunStoppedError();
    if (!recorder.checkPayload(stateName, 'task parameters', jsonBytes(recorder.jsonOf(input)))) throw new RunStoppedError();

    const faults = settings.faults;
    const timeoutSeconds = isLambda ? settings.lambdaTimeoutSeconds : undefined;
    const invoke = async () => {
      const before = await faults?.take(stateName, 'before', input);
      if (before?.kind === 'hang') return never();
      if (before) throw faultError(before, timeoutSeconds);
      const result = await handler(input);
      const after = await faults?.take(stateName, 'after', input, result);
      if (after) throw faultError(after, timeoutSeconds);
      return result;
    };

    let result: unknown;
    try {
      result = await Promise.race([withTimeout(invoke(), timeoutSeconds, settings.timeoutScaleMs), settings.runEnded]);
    } catch (error) {
      if (recorder.hasStopped) throw new RunStoppedError();
      if (error instanceof LambdaFunctionError || !isLambda) throw error;
      throw lambdaErrorFrom(error);
    }
    if (recorder.hasStopped) throw new RunStoppedError();
    if (!recorder.checkPayload(stateName, 'task result', jsonBytes(recorder.jsonOf(result, true)))) throw new RunStoppedError();
    return result;
  };
}

function faultError(fault: TaskFault, timeoutSeconds: number | undefined): Error {
  if (fault.kind === 'timeout') return lambdaTimeoutError(timeoutSeconds ?? 0);
  const error = new Error(fault.error?.message ?? `injected fault in ${fault.state}`);
  error.name = fault.error?.name ?? 'Lambda.ServiceException';
  return error;
}

async function withTimeout<T>(work: Promise<T>, timeoutSeconds: number | undefined, scaleMs: number): Promise<T> {
  if (timeoutSeconds === undefined) return work;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(lambdaTimeoutError(timeoutSeconds)), timeoutSeconds * scaleMs);
  });
  try {
    return await Promise.race([work, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
