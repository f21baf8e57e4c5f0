import {
  DescribeExecutionCommand,
  DescribeStateMachineCommand,
  ExecutionAlreadyExists,
  GetExecutionHistoryCommand,
  InvalidExecutionInput,
  InvalidName,
  ListExecutionsCommand,
  SFNClient,
  StartExecutionCommand,
  StateMachineDoesNotExist,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { listStoredExecutions, readStoredExecution, writeStoredExecution } from '../../../src/local/aws/execution-store';
import { type LocalCloud, startLocalCloud } from '../../../src/local/aws/local-cloud';
import { LocalStepFunctions } from '../../../src/local/aws/step-functions';
import { clientConfig, gate, makeStateDir } from './support';

/** Load → Choice → Wait (30 s, scaled to 30 ms) → Map over items with a retried Task → Succeed. */
const pipelineDefinition = {
  StartAt: 'LoadBatch',
  States: {
    LoadBatch: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Catch: [{ ErrorEquals: ['States.ALL'], Next: 'LoadFailed' }],
      Next: 'HasRows',
    },
    HasRows: {
      Type: 'Choice',
      Choices: [{ Variable: '$.rows', NumericGreaterThan: 0, Next: 'Settle' }],
      Default: 'NothingToDo',
    },
    Settle: { Type: 'Wait', Seconds: 30, Next: 'BuildEach' },
    BuildEach: {
      Type: 'Map',
      ItemsPath: '$.models',
      ItemProcessor: {
        ProcessorConfig: { Mode: 'INLINE' },
        StartAt: 'BuildModel',
        States: {
          BuildModel: {
            Type: 'Task',
            Resource: 'arn:aws:states:::aws-sdk:redshiftdata:executeStatement',
            Retry: [{ ErrorEquals: ['Warehouse.Busy'], IntervalSeconds: 5, MaxAttempts: 2 }],
            End: true,
          },
        },
      },
      ResultPath: '$.built',
      Next: 'Done',
    },
    NothingToDo: { Type: 'Pass', Result: { built: [] }, End: true },
    LoadFailed: { Type: 'Fail', Error: 'LoadFailed', Cause: 'the load task failed' },
    Done: { Type: 'Succeed' },
  },
};

/** One Task that waits for the test to open a gate, or fails when asked to. */
const slowDefinition = {
  StartAt: 'Work',
  States: { Work: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', End: true } },
};

class WarehouseBusyError extends Error {
  override name = 'Warehouse.Busy';
}

class ModelBuildError extends Error {
  override name = 'ModelBuildError';
}

describe('Class: LocalStepFunctions (through @aws-sdk/client-sfn)', () => {
  let stateDir: string;
  let removeStateDir: () => void;
  let stepFunctions: LocalStepFunctions;
  let cloud: LocalCloud;
  let sfn: SFNClient;
  let slowGate = gate();
  const busyOnce = new Set<string>();

  beforeAll(async () => {
    ({ stateDir, remove: removeStateDir } = makeStateDir());
    stepFunctions = new LocalStepFunctions({
      stateDir,
      stateMachines: {
        pipeline: {
          definition: pipelineDefinition,
          waitTimeScaleMs: 1,
          taskHandlers: {
            LoadBatch: async (input: { rows: number }) => ({ rows: input.rows, models: ['stg_orders', 'fct_orders', 'fct_transfers'] }),
            BuildModel: async (model: string) => {
              if (model === 'fct_orders' && !busyOnce.has(model)) {
                busyOnce.add(model);
                throw new WarehouseBusyError('too many active statements');
              }
              return { model, status: 'built' };
            },
          },
        },
        slow: {
          definition: slowDefinition,
          taskHandlers: {
            Work: async (input: { fail?: boolean }) => {
              await slowGate.opened;
              if (input.fail) throw new ModelBuildError('relation "raw.orders" does not exist');
              return { done: true };
            },
          },
        },
      },
    });
    cloud = await startLocalCloud({ stepFunctions });
    sfn = new SFNClient(clientConfig(cloud.url));
  });

  afterAll(async () => {
    slowGate.open();
    await stepFunctions.waitForAllExecutions();
    sfn.destroy();
    await cloud.close();
    removeStateDir();
  });

  const pipelineArn = 'arn:aws:states:us-east-1:000000000000:stateMachine:pipeline';
  const slowArn = 'arn:aws:states:us-east-1:000000000000:stateMachine:slow';

  it('runs Task, Choice, Wait and Map states with local handlers and returns the output', async () => {
    const started = Date.now();
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: pipelineArn, name: 'run-1', input: JSON.stringify({ rows: 5 }) }),
    );
    expect(executionArn).toBe('arn:aws:states:us-east-1:000000000000:execution:pipeline:run-1');

    await stepFunctions.waitForExecution(executionArn!);
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));

    expect(described.status).toBe('SUCCEEDED');
    expect(JSON.parse(described.output!)).toEqual({
      rows: 5,
      models: ['stg_orders', 'fct_orders', 'fct_transfers'],
      built: [
        { model: 'stg_orders', status: 'built' },
        { model: 'fct_orders', status: 'built' },
        { model: 'fct_transfers', status: 'built' },
      ],
    });
    expect(described.startDate).toBeInstanceOf(Date);
    expect(described.stopDate!.getTime()).toBeGreaterThanOrEqual(described.startDate!.getTime());
    // The 30-second Wait and the 5-second retry interval were scaled to milliseconds.
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('records the history as Step Functions HistoryEvents and counts state transitions', async () => {
    const executionArn = 'arn:aws:states:us-east-1:000000000000:execution:pipeline:run-1';
    const { events } = await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }));
    const types = events!.map((event) => event.type);

    expect(types[0]).toBe('ExecutionStarted');
    expect(types[types.length - 1]).toBe('ExecutionSucceeded');
    expect(types).toEqual(
      expect.arrayContaining(['TaskStateEntered', 'ChoiceStateEntered', 'WaitStateEntered', 'MapStateEntered', 'MapIterationStarted', 'TaskFailed', 'TaskScheduled', 'SucceedStateEntered']),
    );
    expect(events!.map((event) => event.id)).toEqual(events!.map((_, index) => index + 1));
    expect(events![1].previousEventId).toBe(1);
    expect(events![0].timestamp).toBeInstanceOf(Date);

    const loadEntered = events!.find((event) => event.type === 'TaskStateEntered')!;
    expect(loadEntered.stateEnteredEventDetails).toEqual({ name: 'LoadBatch', input: '{"rows":5}' });
    const failed = events!.find((event) => event.type === 'TaskFailed')!;
    expect(failed.taskFailedEventDetails).toMatchObject({
      resourceType: 'aws-sdk:redshiftdata',
      resource: 'executeStatement',
      error: 'Warehouse.Busy',
      cause: 'too many active statements',
    });

    // LoadBatch, HasRows, Settle, BuildEach, Done, three BuildModel iterations, and one retry.
    expect(stepFunctions.getExecution(executionArn)!.stateTransitions).toBe(9);
    expect(readStoredExecution(stateDir, executionArn)!.stateTransitions).toBe(9);
  });

  it('pages the history and leaves out execution data when asked', async () => {
    const executionArn = 'arn:aws:states:us-east-1:000000000000:execution:pipeline:run-1';
    const first = await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 3, reverseOrder: true, includeExecutionData: false }));

    expect(first.events).toHaveLength(3);
    expect(first.events![0].type).toBe('ExecutionSucceeded');
    expect(first.events![0].executionSucceededEventDetails?.output).toBeUndefined();
    expect(first.nextToken).toBeDefined();
    const second = await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 3, reverseOrder: true, nextToken: first.nextToken }));
    expect(second.events![0].id).toBe(first.events![2].id! - 1);
  });

  it('takes the Choice default branch when there is nothing to build', async () => {
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn: pipelineArn, input: '{"rows":0}' }));
    const execution = await stepFunctions.waitForExecution(executionArn!);

    expect(execution.status).toBe('SUCCEEDED');
    expect(JSON.parse(execution.output!)).toEqual({ built: [] });
    expect(execution.name).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });

  it('makes StartExecution idempotent for the same name and input while the execution runs', async () => {
    slowGate = gate();
    const first = await sfn.send(new StartExecutionCommand({ stateMachineArn: slowArn, name: 'sync-42', input: '{"n":1}' }));
    const again = await sfn.send(new StartExecutionCommand({ stateMachineArn: slowArn, name: 'sync-42', input: '{"n":1}' }));

    expect(again.executionArn).toBe(first.executionArn);
    expect(again.startDate).toEqual(first.startDate);
    await expect(sfn.send(new StartExecutionCommand({ stateMachineArn: slowArn, name: 'sync-42', input: '{"n":2}' }))).rejects.toBeInstanceOf(
      ExecutionAlreadyExists,
    );

    const running = await sfn.send(new ListExecutionsCommand({ stateMachineArn: slowArn, statusFilter: 'RUNNING' }));
    expect(running.executions!.map((execution) => execution.name)).toEqual(['sync-42']);

    slowGate.open();
    await stepFunctions.waitForExecution(first.executionArn!);
    await expect(sfn.send(new StartExecutionCommand({ stateMachineArn: slowArn, name: 'sync-42', input: '{"n":1}' }))).rejects.toThrow(
      /Execution Already Exists/,
    );
    const succeeded = await sfn.send(new ListExecutionsCommand({ stateMachineArn: slowArn, statusFilter: 'SUCCEEDED' }));
    expect(succeeded.executions!.map((execution) => execution.name)).toContain('sync-42');
  });

  it('reports a failed Task as a FAILED execution with the error name and cause', async () => {
    slowGate = gate();
    slowGate.open();
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn: slowArn, name: 'broken', input: '{"fail":true}' }));
    await stepFunctions.waitForExecution(executionArn!);
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));

    expect(described.status).toBe('FAILED');
    expect(described.error).toBe('ModelBuildError');
    // Lambda's error payload, as Step Functions shows it for a Node.js function.
    expect(JSON.parse(described.cause!)).toMatchObject({ errorType: 'ModelBuildError', errorMessage: 'relation "raw.orders" does not exist' });
    expect(described.output).toBeUndefined();
    const { events } = await sfn.send(new GetExecutionHistoryCommand({ executionArn, reverseOrder: true, maxResults: 1 }));
    expect(events![0]).toMatchObject({ type: 'ExecutionFailed', executionFailedEventDetails: { error: 'ModelBuildError' } });
  });

  it('stops a running execution as ABORTED with the given error and cause', async () => {
    slowGate = gate();
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn: slowArn, name: 'to-stop' }));
    const { stopDate } = await sfn.send(new StopExecutionCommand({ executionArn, error: 'Operator.Cancelled', cause: 'redeploying' }));
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    const { events } = await sfn.send(new GetExecutionHistoryCommand({ executionArn }));
    slowGate.open();

    expect(stopDate).toBeInstanceOf(Date);
    expect(described).toMatchObject({ status: 'ABORTED', error: 'Operator.Cancelled', cause: 'redeploying' });
    expect(events![events!.length - 1].type).toBe('ExecutionAborted');
  });

  it('rejects bad names, bad input and unknown state machines with the real exception classes', async () => {
    await expect(sfn.send(new StartExecutionCommand({ stateMachineArn: slowArn, name: 'has space' }))).rejects.toBeInstanceOf(InvalidName);
    await expect(sfn.send(new StartExecutionCommand({ stateMachineArn: slowArn, input: '{not json' }))).rejects.toBeInstanceOf(
      InvalidExecutionInput,
    );
    await expect(
      sfn.send(new StartExecutionCommand({ stateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:nope' })),
    ).rejects.toBeInstanceOf(StateMachineDoesNotExist);
  });

  it('describes a state machine with its definition', async () => {
    const described = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: pipelineArn }));

    expect(described.name).toBe('pipeline');
    expect(JSON.parse(described.definition!)).toEqual(pipelineDefinition);
    expect(described.type).toBe('STANDARD');
  });

  it('persists executions so another process can list them and a new service keeps their names taken', async () => {
    const fromDisk = listStoredExecutions(stateDir, { stateMachineName: 'slow' });
    expect(fromDisk.map((execution) => execution.name).sort()).toEqual(['broken', 'sync-42', 'to-stop']);
    expect(readStoredExecution(stateDir, 'broken')).toMatchObject({ status: 'FAILED', error: 'ModelBuildError' });

    const restarted = new LocalStepFunctions({ stateDir, stateMachines: { slow: { definition: slowDefinition, taskHandlers: {} } } });
    const described = await restarted.describeExecution({ executionArn: 'arn:aws:states:us-east-1:000000000000:execution:slow:sync-42' });
    expect(described.status).toBe('SUCCEEDED');
    await expect(restarted.startExecution({ stateMachineArn: slowArn, name: 'sync-42', input: '{"n":1}' })).rejects.toThrow(
      /Execution Already Exists/,
    );
  });

  it('marks a RUNNING execution left by an exited process as ABORTED when the state folder is loaded again', async () => {
    const orphan = { ...readStoredExecution(stateDir, 'to-stop')!, name: 'orphan', status: 'RUNNING' as const, hostPid: 2 ** 31 - 1 };
    orphan.executionArn = 'arn:aws:states:us-east-1:000000000000:execution:slow:orphan';
    delete orphan.stopDate;
    writeStoredExecution(stateDir, orphan);

    new LocalStepFunctions({ stateDir, stateMachines: { slow: { definition: slowDefinition, taskHandlers: {} } } });

    expect(readStoredExecution(stateDir, orphan.executionArn)).toMatchObject({ status: 'ABORTED', error: 'Local.HostProcessExited' });
  });
});
