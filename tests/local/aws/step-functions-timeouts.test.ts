/**
 * Timeouts as AWS applies them (state machine TimeoutSeconds, Task TimeoutSeconds, the Lambda function's own
 * timeout) and the test-only fault injection other tests build fault matrices with. Timeouts are scaled:
 * one second of TimeoutSeconds or of a Lambda timeout lasts `timeoutScaleMs` = 20 ms here.
 */
import { LocalStepFunctions, type TaskHandler } from '../../../src/local/aws/step-functions';
import { gate, makeStateDir } from './support';

const LAMBDA = 'arn:aws:lambda:us-east-1:000000000000:function:work';
const INVOKE = 'arn:aws:states:::lambda:invoke';

function single(state: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return {
    ...extra,
    StartAt: 'Work',
    States: {
      Work: { Type: 'Task', Resource: LAMBDA, ...state, Next: 'Done' },
      Done: { Type: 'Succeed' },
      ...(JSON.stringify(state).includes('"Caught"') ? { Caught: { Type: 'Pass', End: true } } : {}),
    },
  };
}

describe('LocalStepFunctions timeouts and fault injection', () => {
  let stateDir: string;
  let remove: () => void;
  let stepFunctions: LocalStepFunctions;
  let hold = gate();
  const gates = [hold];
  let invocations = 0;
  const slow: TaskHandler = async () => {
    invocations += 1;
    await hold.opened;
    return { ok: true };
  };
  const quick: TaskHandler = async () => {
    invocations += 1;
    return { ok: true };
  };

  beforeAll(() => {
    ({ stateDir, remove } = makeStateDir());
    stepFunctions = new LocalStepFunctions({
      stateDir,
      timeoutScaleMs: 20,
      faultInjection: true,
      stateMachines: {
        machineTimeout: { definition: single({}, { TimeoutSeconds: 3 }), taskHandlers: { Work: slow } },
        taskTimeout: {
          definition: single({ TimeoutSeconds: 2, Catch: [{ ErrorEquals: ['States.TaskFailed'], Next: 'Done' }, { ErrorEquals: ['States.Timeout'], ResultPath: '$.error', Next: 'Caught' }] }),
          taskHandlers: { Work: slow },
        },
        lambdaTimeout: {
          definition: single({
            Retry: [{ ErrorEquals: ['Lambda.Unknown'], IntervalSeconds: 1, MaxAttempts: 1 }],
            Catch: [{ ErrorEquals: ['States.TaskFailed'], ResultPath: '$.error', Next: 'Caught' }],
          }),
          taskHandlers: { Work: slow },
          lambdaTimeouts: { Work: 3 },
          waitTimeScaleMs: 1,
        },
        nested: {
          definition: single({ Parameters: { 'input.$': '$', execution: { 'name.$': '$$.Execution.Name' } } }),
          taskHandlers: { Work: async (input: unknown) => input },
          lambdaTimeouts: { Work: 3 },
        },
        integration: {
          definition: single({ Resource: INVOKE, Retry: [{ ErrorEquals: ['Lambda.TooManyRequestsException'], IntervalSeconds: 1, MaxAttempts: 2 }] }),
          taskHandlers: { Work: quick },
          lambdaTimeouts: { Work: 3 },
          waitTimeScaleMs: 1,
        },
      },
    });
  });

  afterAll(async () => {
    for (const g of gates) g.open();
    await stepFunctions.waitForAllExecutions();
    remove();
  });

  beforeEach(() => {
    invocations = 0;
    hold = gate();
    gates.push(hold);
  });

  const run = async (machine: string, input: object = {}) => {
    const { executionArn } = await stepFunctions.startExecution({ stateMachineArn: stepFunctions.stateMachineArn(machine), input: JSON.stringify(input) });
    return stepFunctions.waitForExecution(executionArn!);
  };

  it('ends an execution that runs past the state machine TimeoutSeconds as TIMED_OUT with States.Timeout', async () => {
    const execution = await run('machineTimeout');

    expect(execution).toMatchObject({ status: 'TIMED_OUT', error: 'States.Timeout' });
    expect(execution.history[execution.history.length - 1].type).toBe('ExecutionTimedOut');
  });

  it('fails a Task past its TimeoutSeconds with States.Timeout, which States.TaskFailed does not match', async () => {
    const execution = await run('taskTimeout');

    expect(execution.status).toBe('SUCCEEDED');
    expect(JSON.parse(execution.output!)).toMatchObject({ error: { Error: 'States.Timeout' } });
    expect(execution.history.map((event) => event.type)).toContain('LambdaFunctionTimedOut');
  });

  it('fails a Lambda task whose handler runs past the function timeout with Lambda.Unknown, retried and caught as AWS would', async () => {
    const execution = await run('lambdaTimeout');

    expect(invocations).toBe(2); // the first attempt and one retry
    expect(execution.status).toBe('SUCCEEDED');
    const { error } = JSON.parse(execution.output!) as { error: { Error: string; Cause: string } };
    expect(error.Error).toBe('Lambda.Unknown');
    expect(error.Cause).toMatch(/Task timed out after 3\.00 seconds/);
    expect(execution.history.filter((event) => event.type === 'LambdaFunctionFailed')).toHaveLength(2);
  });

  it('still resolves nested Parameters templates in a definition rewritten for its Lambda timeouts', async () => {
    const execution = await run('nested', { a: 1 });

    expect(JSON.parse(execution.output!)).toEqual({ input: { a: 1 }, execution: { name: execution.name } });
  });

  it('injects a throw before the handler, retried by a matching retrier', async () => {
    stepFunctions.injectFault({ state: 'Work', kind: 'throw', error: { name: 'Lambda.TooManyRequestsException', message: 'Rate exceeded' } });
    const execution = await run('integration');

    expect(execution.status).toBe('SUCCEEDED');
    expect(invocations).toBe(1); // the faulty attempt never reached the handler
    const failed = execution.history.find((event) => event.type === 'TaskFailed')!;
    expect(failed.taskFailedEventDetails).toMatchObject({ resourceType: 'lambda', resource: 'invoke', error: 'Lambda.TooManyRequestsException' });
    expect(stepFunctions.firedFaults.at(-1)).toMatchObject({ state: 'Work', kind: 'throw' });
  });

  it('injects a crash after the handler ran: its effects happened, its result is lost', async () => {
    stepFunctions.injectFault({ state: 'Work', kind: 'throw', when: 'after', error: { name: 'Runtime.ExitError', message: 'killed' } });
    const execution = await run('integration');

    expect(invocations).toBe(1);
    expect(execution).toMatchObject({ status: 'FAILED', error: 'Runtime.ExitError' });
    expect(JSON.parse(execution.cause!)).toMatchObject({ errorType: 'Runtime.ExitError', errorMessage: 'killed' });
  });

  it('injects a hang that the Lambda timeout ends, and an immediate timeout', async () => {
    stepFunctions.injectFault({ state: 'Work', kind: 'hang' });
    expect(await run('integration')).toMatchObject({ status: 'FAILED', error: 'Lambda.Unknown' });
    stepFunctions.injectFault({ state: 'Work', kind: 'timeout' });
    expect(await run('integration')).toMatchObject({ status: 'FAILED', error: 'Lambda.Unknown' });
    expect(invocations).toBe(0);
  });

  it('refuses faults unless constructed for tests', () => {
    const production = new LocalStepFunctions({ stateDir, stateMachines: {} });
    expect(() => production.injectFault({ state: 'Work', kind: 'throw' })).toThrow(/faultInjection: true/);
  });
});
