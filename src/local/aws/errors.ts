/**
 * Errors raised by the local AWS endpoints. Each carries the AWS error code that the real service
 * would return (`awsCode`), the HTTP status, and whether the caller (`Sender`) or the service
 * (`Receiver`) is at fault. The HTTP layer turns them into each protocol's real error format, so
 * SDK clients raise the matching exception class (`ExecutionAlreadyExists`,
 * `InvalidParameterException`, ...).
 */
export class LocalAwsError extends Error {
  constructor(
    readonly awsCode: string,
    message: string,
    readonly httpStatus = 400,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'LocalAwsError';
  }

  /** `Sender` for 4xx errors (the caller's fault), `Receiver` for 5xx. Used by the Query protocol. */
  get faultType(): 'Sender' | 'Receiver' {
    return this.httpStatus >= 500 ? 'Receiver' : 'Sender';
  }
}

/** Step Functions: an execution with this name exists and is closed, or is running with a different input. */
export class ExecutionAlreadyExistsError extends LocalAwsError {
  constructor(executionArn: string) {
    super('ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'`);
    this.name = 'ExecutionAlreadyExistsError';
  }
}

/** Step Functions: no execution has this ARN. */
export class ExecutionDoesNotExistError extends LocalAwsError {
  constructor(executionArn: string) {
    super('ExecutionDoesNotExist', `Execution Does Not Exist: '${executionArn}'`);
    this.name = 'ExecutionDoesNotExistError';
  }
}

/** Step Functions: no state machine has this ARN. */
export class StateMachineDoesNotExistError extends LocalAwsError {
  constructor(stateMachineArn: string) {
    super('StateMachineDoesNotExist', `State Machine Does Not Exist: '${stateMachineArn}'`);
    this.name = 'StateMachineDoesNotExistError';
  }
}

/** Step Functions: a malformed ARN. */
export class InvalidArnError extends LocalAwsError {
  constructor(arn: string) {
    super('InvalidArn', `Invalid Arn: '${arn}'`);
    this.name = 'InvalidArnError';
  }
}

/** Step Functions: an execution name breaks the naming rules. */
export class InvalidNameError extends LocalAwsError {
  constructor(name: string, reason?: string) {
    super('InvalidName', `Invalid Name: '${name}'${reason ? ` (${reason})` : ''}`);
    this.name = 'InvalidNameError';
  }
}

/** Step Functions: RedriveExecution on an execution that cannot be redriven; the message says why. */
export class ExecutionNotRedrivableError extends LocalAwsError {
  constructor(executionArn: string, reason: string) {
    super('ExecutionNotRedrivable', `Execution '${executionArn}' cannot be redriven: ${reason}`);
    this.name = 'ExecutionNotRedrivableError';
  }
}

/** Step Functions: the execution input is not JSON or is over 256 KiB. */
export class InvalidExecutionInputError extends LocalAwsError {
  constructor(reason: string) {
    super('InvalidExecutionInput', `Invalid State Machine Execution Input: '${reason}'`);
    this.name = 'InvalidExecutionInputError';
  }
}

/** Any JSON service: a request that fails the service model's constraints. */
export class ValidationError extends LocalAwsError {
  constructor(message: string) {
    super('ValidationException', message);
    this.name = 'ValidationError';
  }
}

/** SNS: a parameter is missing or invalid (subject too long, message too big, bad JSON structure). */
export class InvalidParameterError extends LocalAwsError {
  constructor(message: string) {
    super('InvalidParameter', message);
    this.name = 'InvalidParameterError';
  }
}

/** SNS: the topic is not known to the local outbox. */
export class TopicNotFoundError extends LocalAwsError {
  constructor(topicArn: string) {
    super('NotFound', `Topic does not exist: ${topicArn}`, 404);
    this.name = 'TopicNotFoundError';
  }
}

/** The endpoint has no such operation (an unsupported `X-Amz-Target` or `Action`). */
export class UnknownOperationError extends LocalAwsError {
  constructor(operation: string, awsCode = 'UnknownOperationException') {
    super(awsCode, `The local endpoint does not support the operation '${operation}'`);
    this.name = 'UnknownOperationError';
  }
}
