/** Base error of the events module (pattern matching, webhook parsing, arrival events). */
export class EventsError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EventsError';
  }
}

/**
 * An EventBridge event pattern is malformed. `path` points at the offending part of the pattern
 * (`detail.bucket.name[0]`, `$or[1].source`, or `(root)`); `problem` says what is wrong there.
 * Deterministic: never retried.
 */
export class InvalidPatternError extends EventsError {
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(`${path}: ${problem}`);
    this.name = 'InvalidPatternError';
  }
}

/**
 * A Fivetran webhook body could not be used. `kind` tells a body that is not JSON at all
 * (`json-syntax`) from JSON of the wrong shape (`shape`); `issues` lists each problem as `path: message`.
 * Deterministic: answer the webhook with 400, never retry.
 */
export class FivetranPayloadError extends EventsError {
  constructor(
    readonly kind: 'json-syntax' | 'shape',
    message: string,
    readonly issues: readonly string[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'FivetranPayloadError';
  }
}

/**
 * An event from an AWS service (DMS, S3) did not have the envelope or detail landfall needs. `issues`
 * lists each problem as `path: message`. Deterministic: the event goes to the dead-letter queue, never retried.
 */
export class AwsEventShapeError extends EventsError {
  constructor(
    readonly eventSource: string,
    readonly issues: readonly string[],
  ) {
    super(`${eventSource} event has an unexpected shape: ${issues.join('; ')}`);
    this.name = 'AwsEventShapeError';
  }
}
