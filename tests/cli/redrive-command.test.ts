/** `landfall redrive ID` against a running `landfall serve` (its endpoints.json), through the SDK client. */
import fs from 'node:fs';
import path from 'node:path';
import { redriveCommand } from '../../src/cli/redrive-command';
import { type LocalCloud, localCloudEndpointEnvironment, startLocalCloud } from '../../src/local/aws/local-cloud';
import { LocalStepFunctions } from '../../src/local/aws/step-functions';
import { makeStateDir } from '../local/aws/support';

describe('landfall redrive', () => {
  let stateDir: string;
  let remove: () => void;
  let stepFunctions: LocalStepFunctions;
  let cloud: LocalCloud;
  let fixed = false;
  const output: string[] = [];

  beforeAll(async () => {
    ({ stateDir, remove } = makeStateDir());
    stepFunctions = new LocalStepFunctions({
      stateDir,
      stateMachines: {
        m: {
          definition: { StartAt: 'Work', States: { Work: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:000000000000:function:w', End: true } } },
          taskHandlers: { Work: async () => (fixed ? { ok: true } : Promise.reject(new Error('not yet'))) },
        },
      },
    });
    cloud = await startLocalCloud({ stepFunctions });
    fs.writeFileSync(path.join(stateDir, 'endpoints.json'), JSON.stringify({ pid: process.pid, ...localCloudEndpointEnvironment(cloud.url) }));
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => output.push(String(chunk)) > 0);
    jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => output.push(String(chunk)) > 0);
  });

  afterAll(async () => {
    jest.restoreAllMocks();
    await stepFunctions.waitForAllExecutions();
    await cloud.close();
    remove();
  });

  it('redrives a failed execution by name on the running serve, and refuses one that succeeded', async () => {
    const { executionArn } = await stepFunctions.startExecution({ stateMachineArn: stepFunctions.stateMachineArn('m'), name: 'nightly' });
    await stepFunctions.waitForExecution(executionArn!);
    fixed = true;

    expect(await redriveCommand(['nightly', '--state-dir', stateDir])).toBe(0);
    const redriven = await stepFunctions.waitForExecution(executionArn!);
    expect(redriven).toMatchObject({ status: 'SUCCEEDED', redriveCount: 1 });
    expect(output.join('')).toMatch(/Redriving nightly \(FAILED: Error\)/);

    expect(await redriveCommand(['nightly', '--state-dir', stateDir])).toBe(1);
    expect(output.join('')).toMatch(/Execution is SUCCEEDED and cannot be redriven/);
  });

  it('says so when there is no such execution', async () => {
    await expect(redriveCommand(['nope', '--state-dir', stateDir])).rejects.toThrow(/no execution named nope/);
  });
});
