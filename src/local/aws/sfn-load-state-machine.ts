/**
 * A state machine as the local service holds it: the definition validated once (as CreateStateMachine would), the
 * definition executions run (timeouts scaled), and the waits and retry intervals scaled for tests.
 */
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { readDefinition, withScaledTimeouts } from './sfn-definition';
import type { LoadedStateMachine } from './sfn-execution-run';
import { validateName } from './sfn-limits';
import type { TaskHandler } from './sfn-tasks';

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
  /**
   * The configured timeout, in seconds, of the Lambda function behind each Task state (by state name), e.g.
   * from `lambdaTimeoutsByState` (lambda-timeouts.ts). A handler of a Lambda-invoking Task that runs longer
   * fails the Task with the error AWS reports for a timed-out function (`Lambda.Unknown`).
   */
  lambdaTimeouts?: Record<string, number>;
}

/**
 * Validates the name and the definition (throws as AWS refuses them) and prepares what every execution reuses.
 * `timeoutScaleMs`: real milliseconds per second of `TimeoutSeconds` and of Lambda timeouts.
 */
export function loadStateMachine(name: string, arn: string, config: LocalStateMachineConfig, timeoutScaleMs: number): LoadedStateMachine {
  validateName(name);
  // Validated once here (~130 ms); every execution reuses the instance.
  new StateMachine(config.definition as StateMachineDefinition, { validationOptions: { checkArn: false } });
  const runDefinition = withScaledTimeouts(config.definition, timeoutScaleMs, config.lambdaTimeouts);
  const stateMachine = new StateMachine(runDefinition as StateMachineDefinition, { validationOptions: { noValidate: true } });
  const facts = readDefinition(config.definition);

  const waitTimeOverrides: Record<string, number> = {};
  const retryIntervalOverrides: Record<string, number[]> = {};
  if (config.waitTimeScaleMs !== undefined) {
    const scale = config.waitTimeScaleMs;
    for (const [stateName, seconds] of facts.waits) waitTimeOverrides[stateName] = (seconds ?? 1) * scale;
    for (const [stateName, intervals] of facts.retriers) retryIntervalOverrides[stateName] = intervals.map((s) => s * scale);
  }
  Object.assign(waitTimeOverrides, config.waitTimeOverrides);

  return {
    name,
    arn,
    definition: config.definition,
    runDefinition,
    stateMachine,
    taskHandlers: config.taskHandlers,
    waitTimeOverrides,
    retryIntervalOverrides,
    taskResources: facts.taskResources,
    topLevelStates: facts.topLevelStates,
    lambdaTimeouts: config.lambdaTimeouts ?? {},
    creationDate: new Date(),
  };
}
