/**
 * The quotas the local Step Functions enforces as AWS does: 256 KiB per payload (uncatchable
 * States.DataLimitExceeded), 25,000 history events, execution names and their 90-day uniqueness.
 */
import { InvalidName, SFNClient, StartExecutionCommand, ExecutionAlreadyExists } from '@aws-sdk/client-sfn';
import { readStoredExecution } from '../../../src/local/aws/execution-store';
import { type LocalCloud, startLocalCloud } from '../../../src/local/aws/local-cloud';
import { MAX_HISTORY_EVENTS, MAX_PAYLOAD_BYTES } from '../../../src/local/aws/sfn-limits';
import { LocalStepFunctions } from '../../../src/local/aws/step-functions';
import { clientConfig, makeStateDir } from './support';

const LAMBDA = 'arn:aws:lambda:us-east-1:000000000000:function:work';

/** Big returns whatever the input asks for; every catcher there is would route to Handler. */
const dataLimitDefinition = {
  StartAt: 'Big',
  States: {
    Big: {
      Type: 'Task',
      Resource: LAMBDA,
      ResultPath: '$.result',
      Catch: [
        { ErrorEquals: ['States.DataLimitExceeded'], Next: 'Handler' },
        { ErrorEquals: ['States.ALL'], Next: 'Handler' },
      ],
      Next: 'Second',
    },
    Second: { Type: 'Task', Resource: LAMBDA, ResultPath: '$.second', Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Handler' }], Next: 'After' },
    After: { Type: 'Task', Resource: LAMBDA, End: true },
    Handler: { Type: 'Task', Resource: LAMBDA, End: true },
  },
};

/** Count → IsDone loop: 7 history events per turn (Task 5, Choice 2). */
const loopDefinition = {
  StartAt: 'Count',
  States: {
    Count: { Type: 'Task', Resource: LAMBDA, Next: 'IsDone' },
    IsDone: { Type: 'Choice', Choices: [{ Variable: '$.n', NumericGreaterThanEquals: 100000, Next: 'Done' }], Default: 'Count' },
    Done: { Type: 'Succeed' },
  },
};

describe('LocalStepFunctions quotas', () => {
  let stateDir: string;
  let remove: () => void;
  let now = new Date('2026-01-01T00:00:00Z');
  const calls: string[] = [];
  let stepFunctions: LocalStepFunctions;
  let cloud: LocalCloud;
  let sfn: SFNClient;

  beforeAll(async () => {
    ({ stateDir, remove } = makeStateDir());
    stepFunctions = new LocalStepFunctions({
      stateDir,
      now: () => now,
      stateMachines: {
        limits: {
          definition: dataLimitDefinition,
          taskHandlers: {
            Big: async (input: { bigChars?: number; char?: string }) => {
              calls.push('Big');
              return (input.char ?? 'x').repeat(input.bigChars ?? 1);
            },
            Second: async (input: { secondChars?: number }) => {
              calls.push('Second');
              return 'y'.repeat(input.secondChars ?? 1);
            },
            After: async () => {
              calls.push('After');
              return 'after';
            },
            Handler: async () => {
              calls.push('Handler');
              return 'caught';
            },
          },
        },
        exact: {
          definition: { StartAt: 'Exact', States: { Exact: { Type: 'Task', Resource: LAMBDA, End: true } } },
          taskHandlers: { Exact: async (input: { chars: number }) => 'é'.repeat(input.chars) },
        },
        fanOut: {
          definition: {
            StartAt: 'Both',
            States: {
              Both: {
                Type: 'Parallel',
                Branches: [
                  { StartAt: 'Left', States: { Left: { Type: 'Pass', End: true } } },
                  { StartAt: 'Right', States: { Right: { Type: 'Pass', End: true } } },
                ],
                ResultPath: null,
                Next: 'Each',
              },
              Each: { Type: 'Map', ItemsPath: '$.items', ItemProcessor: { ProcessorConfig: { Mode: 'INLINE' }, StartAt: 'One', States: { One: { Type: 'Pass', End: true } } }, ResultPath: '$.each', Next: 'Grow' },
              Grow: { Type: 'Task', Resource: LAMBDA, End: true },
            },
          },
          // Grows its input object and returns the same object: the result must be measured as it is now.
          taskHandlers: { Grow: async (input: { pad?: string }) => Object.assign(input, { pad: 'z'.repeat(MAX_PAYLOAD_BYTES) }) },
        },
        loop: { definition: loopDefinition, taskHandlers: { Count: async (input: { n?: number }) => ({ n: (input.n ?? 0) + 1 }) } },
      },
    });
    cloud = await startLocalCloud({ stepFunctions });
    sfn = new SFNClient(clientConfig(cloud.url));
  });

  afterAll(async () => {
    await stepFunctions.waitForAllExecutions();
    sfn.destroy();
    await cloud.close();
    remove();
  });

  beforeEach(() => {
    calls.length = 0;
  });

  const run = async (machine: string, name: string, input: object) => {
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn: stepFunctions.stateMachineArn(machine), name, input: JSON.stringify(input) }));
    return stepFunctions.waitForExecution(executionArn!);
  };

  it('fails a task result over 256 KiB with States.DataLimitExceeded, which neither States.ALL nor an explicit catcher catches', async () => {
    const execution = await run('limits', 'too-big-result', { bigChars: MAX_PAYLOAD_BYTES });

    expect(execution.status).toBe('FAILED');
    expect(execution.error).toBe('States.DataLimitExceeded');
    expect(execution.cause).toMatch(/state 'Big' is 262146 bytes/);
    expect(calls).toEqual(['Big']); // no catcher ran, nothing after it ran
    expect(execution.history[execution.history.length - 1]).toMatchObject({ type: 'ExecutionFailed', executionFailedEventDetails: { error: 'States.DataLimitExceeded' } });
    expect(execution.largestPayloadBytes).toBe(MAX_PAYLOAD_BYTES + 2);
  });

  it('counts UTF-8 bytes, not characters: exactly 262,144 bytes pass, two more fail', async () => {
    // 131,071 × 'é' (2 bytes) + 2 quotes = 262,144 bytes, in only 131,073 characters.
    const fits = await run('exact', 'exactly-256k', { chars: 131_071 });
    expect(fits.status).toBe('SUCCEEDED');
    expect(readStoredExecution(stateDir, fits.executionArn)!.largestPayloadBytes).toBe(MAX_PAYLOAD_BYTES);

    const over = await run('exact', 'one-char-over', { chars: 131_072 });
    expect(over).toMatchObject({ status: 'FAILED', error: 'States.DataLimitExceeded' });
  });

  it('fails when a state output grows past 256 KiB through ResultPath even though each task result fits', async () => {
    const execution = await run('limits', 'merged-too-big', { bigChars: 140_000, secondChars: 140_000 });

    expect(execution).toMatchObject({ status: 'FAILED', error: 'States.DataLimitExceeded' });
    expect(execution.cause).toMatch(/output of state 'Second'/);
    expect(calls).toEqual(['Big', 'Second']);
    expect(execution.largestPayloadState).toBe('Second output');
  });

  it('records history events as AWS does for a Lambda Task, a Choice and a Succeed state', async () => {
    const execution = await run('loop', 'count-one', { n: 99_999 });

    expect(execution.status).toBe('SUCCEEDED');
    expect(execution.history.map((event) => event.type)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'LambdaFunctionScheduled',
      'LambdaFunctionStarted',
      'LambdaFunctionSucceeded',
      'TaskStateExited',
      'ChoiceStateEntered',
      'ChoiceStateExited',
      'SucceedStateEntered',
      'SucceedStateExited',
      'ExecutionSucceeded',
    ]);
    expect(execution.historyEventCount).toBe(11);
    expect(execution.stateTransitions).toBe(3);
  });

  it('counts Parallel and Map events as AWS does, and measures a task result that is its own grown input', async () => {
    const execution = await run('fanOut', 'fan-out', { items: [[1], [2]] });
    const count = (type: string) => execution.history.filter((event) => event.type === type).length;

    for (const [type, n] of Object.entries({ ParallelStateEntered: 1, ParallelStateStarted: 1, ParallelStateSucceeded: 1, ParallelStateExited: 1, MapStateEntered: 1, MapStateStarted: 1, MapIterationStarted: 2, MapIterationSucceeded: 2, MapStateSucceeded: 1, MapStateExited: 1, PassStateEntered: 4, PassStateExited: 4 })) {
      expect([type, count(type)]).toEqual([type, n]);
    }
    expect(execution).toMatchObject({ status: 'FAILED', error: 'States.DataLimitExceeded' });
    expect(execution.cause).toMatch(/task result of state 'Grow'/);
  });

  it('fails an execution whose history reaches 25,000 events, with ExecutionFailed as event 25,000', async () => {
    const execution = await run('loop', 'endless', { n: 0 });

    expect(execution.status).toBe('FAILED');
    expect(execution.error).toBe('States.Runtime');
    expect(execution.cause).toContain('maximum number of history events (25000)');
    expect(execution.historyEventCount).toBe(MAX_HISTORY_EVENTS);
    expect(execution.history[MAX_HISTORY_EVENTS - 1]).toMatchObject({ id: 25_000, type: 'ExecutionFailed' });
    // ~3,571 turns of 7 events fit; the loop would have needed 100,000.
    expect(execution.stateTransitions).toBeLessThan(7200);
  }, 60_000);

  it('rejects names that break the rules, saying why, and accepts 80 characters and non-ASCII', async () => {
    const start = (name: string) => sfn.send(new StartExecutionCommand({ stateMachineArn: stepFunctions.stateMachineArn('loop'), name, input: '{"n":100000}' }));
    for (const bad of ['x'.repeat(81), '', 'a b', 'a\tb', 'run<1>', 'run{1}', 'run[1]', 'what?', 'all*', 'q"', 'h#', 'p%', 'b\\s', 'c^', 'p|', 't~', 'b`', 'd$', 'a&b', 'a,b', 'a;b', 'a:b', 'a/b', 'nul\u0000', 'del\u007f', 'c1\u0085']) {
      await expect(start(bad)).rejects.toBeInstanceOf(InvalidName);
    }
    await expect(start('x'.repeat(81))).rejects.toThrow(/1 to 80 characters, got 81/);
    await expect(start('a/b')).rejects.toThrow(/U\+002f at position 1/);
    await expect(start('x'.repeat(80))).resolves.toMatchObject({ executionArn: expect.stringContaining('x'.repeat(80)) });
    await expect(start('café-run_1.2')).resolves.toBeDefined();
    await stepFunctions.waitForAllExecutions();
  });

  it('keeps an execution name taken for 90 days after it closed', async () => {
    const first = await run('loop', 'sync-2026-01-01', { n: 100_000 });
    expect(first.status).toBe('SUCCEEDED');

    now = new Date(Date.parse(first.stopDate!) + 89 * 24 * 3600 * 1000);
    await expect(run('loop', 'sync-2026-01-01', { n: 100_000 })).rejects.toBeInstanceOf(ExecutionAlreadyExists);

    now = new Date(Date.parse(first.stopDate!) + 91 * 24 * 3600 * 1000);
    const reused = await run('loop', 'sync-2026-01-01', { n: 100_000 });
    expect(reused.status).toBe('SUCCEEDED');
    expect(reused.startDate).toBe(now.toISOString());
  });
});
