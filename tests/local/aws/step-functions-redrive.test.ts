/** RedriveExecution through @aws-sdk/client-sfn against the local endpoint, with AWS's semantics. */
import {
  DescribeExecutionCommand,
  ExecutionNotRedrivable,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  RedriveExecutionCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { type LocalCloud, startLocalCloud } from '../../../src/local/aws/local-cloud';
import { LocalStepFunctions } from '../../../src/local/aws/step-functions';
import { clientConfig, gate, makeStateDir } from './support';

const LAMBDA = 'arn:aws:lambda:us-east-1:000000000000:function:work';

/** Prepare (Pass) → Load (Task) → Build (Task, fails until fixed) → Done. Build sees the context's RedriveCount. */
const pipeline = {
  StartAt: 'Prepare',
  States: {
    Prepare: { Type: 'Pass', Result: { prepared: true }, ResultPath: '$.prep', Next: 'Load' },
    Load: { Type: 'Task', Resource: LAMBDA, ResultPath: '$.loaded', Next: 'Build' },
    Build: {
      Type: 'Task',
      Resource: LAMBDA,
      Parameters: { 'state.$': '$', 'redriveCount.$': '$$.Execution.RedriveCount', 'executionInput.$': '$$.Execution.Input' },
      Next: 'Done',
    },
    Done: { Type: 'Succeed' },
  },
};

/** A failure that is caught and ends in a Fail state: redrive restarts at the Fail state and fails again. */
const endsInFail = {
  StartAt: 'Work',
  States: {
    Work: { Type: 'Task', Resource: LAMBDA, Catch: [{ ErrorEquals: ['States.ALL'], Next: 'RunFailed' }], End: true },
    RunFailed: { Type: 'Fail', Error: 'landfall.RunFailed', Cause: 'models failed' },
  },
};

class BuildError extends Error {
  override name = 'BuildError';
}

describe('RedriveExecution on the local Step Functions', () => {
  let stateDir: string;
  let remove: () => void;
  let now = new Date('2026-03-01T00:00:00Z');
  let fixed = false;
  let hold = gate();
  const loads: unknown[] = [];
  const builds: { redriveCount: number; state: { loaded: unknown }; executionInput: unknown }[] = [];
  let stepFunctions: LocalStepFunctions;
  let cloud: LocalCloud;
  let sfn: SFNClient;

  beforeAll(async () => {
    ({ stateDir, remove } = makeStateDir());
    stepFunctions = new LocalStepFunctions({
      stateDir,
      now: () => now,
      stateMachines: {
        pipeline: {
          definition: pipeline,
          taskHandlers: {
            Load: async (input: unknown) => {
              loads.push(input);
              return { rows: 42, at: loads.length };
            },
            Build: async (input: (typeof builds)[number]) => {
              builds.push(input);
              await hold.opened;
              if (!fixed) throw new BuildError('accepted_values failed');
              return { built: true };
            },
          },
        },
        endsInFail: { definition: endsInFail, taskHandlers: { Work: async () => Promise.reject(new BuildError('boom')) } },
      },
    });
    cloud = await startLocalCloud({ stepFunctions });
    sfn = new SFNClient(clientConfig(cloud.url));
  });

  afterAll(async () => {
    hold.open();
    await stepFunctions.waitForAllExecutions();
    sfn.destroy();
    await cloud.close();
    remove();
  });

  const arnOf = (machine: string, name: string) => stepFunctions.executionArn(machine, name);

  it('restarts at the failed state with its original input, reruns no successful state, and succeeds', async () => {
    hold.open();
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn: stepFunctions.stateMachineArn('pipeline'), name: 'run-1', input: '{"sync":"s1"}' }));
    await stepFunctions.waitForExecution(executionArn!);
    expect(await sfn.send(new DescribeExecutionCommand({ executionArn }))).toMatchObject({ status: 'FAILED', error: 'BuildError', redriveCount: 0, redriveStatus: 'REDRIVABLE' });

    fixed = true;
    now = new Date(now.getTime() + 25 * 3600 * 1000);
    const { redriveDate } = await sfn.send(new RedriveExecutionCommand({ executionArn }));
    expect(redriveDate).toEqual(now);
    await stepFunctions.waitForExecution(executionArn!);

    const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    expect(described).toMatchObject({ executionArn: arnOf('pipeline', 'run-1'), name: 'run-1', status: 'SUCCEEDED', input: '{"sync":"s1"}', redriveCount: 1, redriveDate: now });
    expect(loads).toHaveLength(1); // Load succeeded the first time and was not rerun
    expect(builds.map((b) => b.redriveCount)).toEqual([0, 1]); // $$.Execution.RedriveCount
    expect(builds[1].state).toEqual(builds[0].state); // the same input as the first time
    expect(builds[1].executionInput).toEqual({ sync: 's1' }); // $$.Execution.Input is still the execution's input

    const { events } = await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }));
    const types = events!.map((event) => event.type);
    expect(types.filter((type) => type === 'ExecutionStarted')).toHaveLength(1);
    const redriven = types.indexOf('ExecutionRedriven');
    expect(types[redriven - 1]).toBe('ExecutionFailed');
    expect(types.slice(redriven + 1, redriven + 2)).toEqual(['TaskStateEntered']);
    expect(events![redriven].executionRedrivenEventDetails).toEqual({ redriveCount: 1 });
    expect(types[types.length - 1]).toBe('ExecutionSucceeded');
    expect(events!.map((event) => event.id)).toEqual(events!.map((_, i) => i + 1));

    const listed = await sfn.send(new ListExecutionsCommand({ stateMachineArn: stepFunctions.stateMachineArn('pipeline'), redriveFilter: 'REDRIVEN' }));
    expect(listed.executions).toEqual([expect.objectContaining({ name: 'run-1', redriveCount: 1, redriveDate: now })]);
  });

  it('refuses SUCCEEDED and RUNNING executions with ExecutionNotRedrivable and the reason', async () => {
    const succeeded = arnOf('pipeline', 'run-1');
    await expect(sfn.send(new RedriveExecutionCommand({ executionArn: succeeded }))).rejects.toBeInstanceOf(ExecutionNotRedrivable);
    expect(await sfn.send(new DescribeExecutionCommand({ executionArn: succeeded }))).toMatchObject({ redriveStatus: 'NOT_REDRIVABLE', redriveStatusReason: 'Execution is SUCCEEDED and cannot be redriven.' });

    hold = gate();
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn: stepFunctions.stateMachineArn('pipeline'), name: 'running' }));
    await expect(sfn.send(new RedriveExecutionCommand({ executionArn }))).rejects.toThrow(/RUNNING and cannot be redriven/);
    hold.open();
    await stepFunctions.waitForExecution(executionArn!);
  });

  it('allows a redrive within 14 days of the stop and refuses it after, as AWS does', async () => {
    fixed = false;
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn: stepFunctions.stateMachineArn('pipeline'), name: 'old-failure' }));
    const failed = await stepFunctions.waitForExecution(executionArn!);
    expect(failed.status).toBe('FAILED');

    now = new Date(Date.parse(failed.stopDate!) + 15 * 24 * 3600 * 1000);
    await expect(sfn.send(new RedriveExecutionCommand({ executionArn }))).rejects.toThrow(/redrivable period exceeded/);
    expect(await sfn.send(new DescribeExecutionCommand({ executionArn }))).toMatchObject({ redriveStatus: 'NOT_REDRIVABLE', redriveStatusReason: 'Execution redrivable period exceeded.' });

    now = new Date(Date.parse(failed.stopDate!) + 13 * 24 * 3600 * 1000);
    fixed = true;
    await sfn.send(new RedriveExecutionCommand({ executionArn }));
    expect((await stepFunctions.waitForExecution(executionArn!)).status).toBe('SUCCEEDED');
  });

  it('answers the same clientToken with the same redrive', async () => {
    fixed = false;
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn: stepFunctions.stateMachineArn('pipeline'), name: 'token' }));
    await stepFunctions.waitForExecution(executionArn!);
    hold = gate();
    const first = await sfn.send(new RedriveExecutionCommand({ executionArn, clientToken: 'retry-1' }));
    const again = await sfn.send(new RedriveExecutionCommand({ executionArn, clientToken: 'retry-1' }));
    hold.open();
    await stepFunctions.waitForExecution(executionArn!);

    expect(again.redriveDate).toEqual(first.redriveDate);
    expect(stepFunctions.getExecution(executionArn!)!.redriveCount).toBe(1);
  });

  it('restarts a run that ended in a Fail state at that Fail state, which fails again', async () => {
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn: stepFunctions.stateMachineArn('endsInFail'), name: 'caught' }));
    await stepFunctions.waitForExecution(executionArn!);
    await sfn.send(new RedriveExecutionCommand({ executionArn }));
    const redriven = await stepFunctions.waitForExecution(executionArn!);

    expect(redriven).toMatchObject({ status: 'FAILED', error: 'landfall.RunFailed', redriveCount: 1 });
    const afterRedrive = redriven.history.slice(redriven.history.findIndex((event) => event.type === 'ExecutionRedriven') + 1).map((event) => event.type);
    expect(afterRedrive).toEqual(['FailStateEntered', 'ExecutionFailed']);
  });
});
