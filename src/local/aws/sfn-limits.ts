/**
 * The Step Functions limits the local service enforces, each with the AWS page that states it. The local
 * service is never more lenient than AWS: a definition or a payload that AWS would reject fails here too.
 */
import { InvalidNameError } from './errors';

/**
 * 256 KiB per execution input, state input/output, task parameters and task result, counted as UTF-8 bytes.
 * https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html ("Maximum input or output size
 * for a task, state, or execution: 256 KiB of data as a UTF-8 encoded string").
 */
export const MAX_PAYLOAD_BYTES = 256 * 1024;

/**
 * 25,000 history events per execution, a hard quota. "When an execution reaches 24,999 events, it waits for
 * the next event: if event number 25,000 is ExecutionSucceeded the execution succeeds, otherwise
 * ExecutionFailed is logged and the execution fails."
 * https://docs.aws.amazon.com/step-functions/latest/dg/bp-history-limit.html
 */
export const MAX_HISTORY_EVENTS = 25_000;

/**
 * Names of state machines and executions: 1–80 characters, none of whitespace, `< > { } [ ]`, `? *`,
 * `" # % \ ^ | ~ \` $ & , ; : /`, or control characters U+0000–U+001F, U+007F–U+009F.
 * https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html#service-limits-general
 * https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html (`name`)
 */
export const MAX_NAME_LENGTH = 80;
const FORBIDDEN_NAME_CHARACTER = /[\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]/u;

/**
 * An execution name cannot be reused for 90 days (API_StartExecution.html: "An execution can't use the name
 * of another execution for 90 days"). Measured from the close of the earlier execution.
 */
export const NAME_REUSE_PERIOD_MS = 90 * 24 * 3600 * 1000;

/**
 * Redrive: only within 14 days of the stop; not past the one-year maximum open time; not once the history
 * is full. https://docs.aws.amazon.com/step-functions/latest/dg/redrive-executions.html
 */
export const REDRIVABLE_PERIOD_MS = 14 * 24 * 3600 * 1000;
export const MAX_EXECUTION_OPEN_TIME_MS = 365 * 24 * 3600 * 1000;

/** Throws `InvalidName` saying what is wrong with a state machine or execution name. */
export function validateName(name: string): void {
  const length = [...name].length;
  if (length < 1 || length > MAX_NAME_LENGTH) {
    throw new InvalidNameError(name, `must be 1 to ${MAX_NAME_LENGTH} characters, got ${length}`);
  }
  const forbidden = FORBIDDEN_NAME_CHARACTER.exec(name);
  if (forbidden) {
    const code = forbidden[0].codePointAt(0)!.toString(16).padStart(4, '0');
    throw new InvalidNameError(name, `contains the character U+${code} at position ${forbidden.index} (no whitespace, brackets, wildcards, control characters or " # % \\ ^ | ~ \` $ & , ; : /)`);
  }
}

/** UTF-8 size of a JSON text, as Step Functions counts payloads. */
export function jsonBytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/**
 * The terminal `States.DataLimitExceeded` error. `States.ALL` cannot catch it, nor can a Retry match it:
 * "States.ALL … can't catch the States.DataLimitExceeded terminal error"
 * (https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html). An explicit
 * `States.DataLimitExceeded` catcher is not honoured either: the local service fails the execution, which
 * is never more lenient than AWS. aws-local-stepfunctions reads `isCatchable`/`isRetryable` from errors.
 */
export class DataLimitExceededError extends Error {
  readonly isCatchable = false;
  readonly isRetryable = false;
  constructor(message: string) {
    super(message);
    this.name = 'States.DataLimitExceeded';
  }
}

/** Why a payload is too large, in the words an engineer needs: which state, which payload, how big. */
export function dataLimitCause(stateName: string, what: string, bytes: number): string {
  return `The ${what} of state '${stateName}' is ${bytes} bytes, over the ${MAX_PAYLOAD_BYTES}-byte (256 KiB) limit of Step Functions payloads.`;
}

/** Error and cause of an execution that reached the history quota (event 25,000 is ExecutionFailed). */
export const HISTORY_LIMIT_FAILURE = {
  error: 'States.Runtime',
  cause: `The execution reached the maximum number of history events (${MAX_HISTORY_EVENTS}).`,
};
