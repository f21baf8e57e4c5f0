import { endFailedRun, RunFailedError } from '../../src/runtime/end-failed-run';
import type { RunStatePointer, RunStateStore, StoredRun } from '../../src/runtime/run-state-store';
import type { RunDependencies } from '../../src/runtime/transform-run';

/** Deps that fail loudly if the end task touches the warehouse or the store when it should only fail the run. */
function untouchableDeps(): RunDependencies {
  const store: RunStateStore = {
    pointerFor: (name: string): RunStatePointer => ({ bucket: 'b', key: `runs/${name}/run-state.json.gz` }),
    read: async <T>(): Promise<StoredRun<T>> => { throw new Error('read not expected'); },
    write: async () => { throw new Error('write not expected'); },
  };
  return { manifest: {} as RunDependencies['manifest'], dialect: {} as RunDependencies['dialect'], warehouse: {} as RunDependencies['warehouse'], runStates: store };
}

const execution = { Id: 'arn:aws:states:us-east-1:1:execution:landfall-prod-transform-run:r1', Name: 'r1', RedriveCount: 0 };
const payload = { state: { bucket: 'b', key: 'runs/r1/run-state.json.gz' }, redriveCount: 0, done: true, failed: true, waitSeconds: 1, iterations: 3, execution: { arn: execution.Id, name: 'r1' }, counts: { nodes: 10, models: 5, testNodes: 5, finished: 10, running: 0, failed: 1, skipped: 4 } };

describe('endFailedRun', () => {
  it('fails a run whose models or tests failed with landfall.RunFailed, says how to redrive, and counts it', async () => {
    const metrics: string[] = [];
    const error = await endFailedRun({ payload, execution }, untouchableDeps(), (line) => metrics.push(line)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RunFailedError);
    expect((error as Error).name).toBe('landfall.RunFailed');
    expect((error as Error).message).toMatch(/1 node\(s\) failed and 4 were skipped.*Redrive this execution/);
    expect(metrics.map((m) => Object.keys(JSON.parse(m)).find((k) => k.startsWith('Runs')))).toEqual(['RunsFailed']);
  });

  it('fails a crashed run with landfall.RunCrashed naming the state and the error', async () => {
    const metrics: string[] = [];
    const crashed = { ...payload, crashedIn: 'AdvanceRun', crash: { Error: 'Lambda.Unknown', Cause: 'Task timed out after 60.00 seconds' } };
    const error = await endFailedRun({ payload: crashed, execution }, untouchableDeps(), (line) => metrics.push(line)).catch((e: unknown) => e);
    expect((error as Error).name).toBe('landfall.RunCrashed');
    expect((error as Error).message).toContain('The run crashed in AdvanceRun: Lambda.Unknown: Task timed out after 60.00 seconds');
    expect(JSON.parse(metrics[0]!).RunsCrashed).toBe(1);
  });

  it('reads the run state only when the execution was redriven past what the state was planned for', async () => {
    const deps = untouchableDeps();
    await expect(endFailedRun({ payload: { ...payload, redriveCount: 1 }, execution: { ...execution, RedriveCount: 1 } }, deps)).rejects.toBeInstanceOf(RunFailedError);
    await expect(endFailedRun({ payload, execution: { ...execution, RedriveCount: 1 } }, deps)).rejects.toThrow('read not expected');
  });
});
