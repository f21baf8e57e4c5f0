/**
 * RecordRun on the real definition, the real handlers and the local endpoints: a done run passes through it between
 * IsRunDone and DidAnythingFail (so the run history is written before any alert), its entry is in the history index,
 * and a RecordRun that fails does not fail the run: the error is kept in `$.historyError` and the run still succeeds.
 */
import type { TaskHandler } from '../../src/local/aws/step-functions';
import { awsDependencies } from '../../src/runtime/aws-dependencies';
import { useDemoStack } from '../support/demo-stack';

const asOf = new Date(new Date().toISOString().slice(0, 10));
let failRecordRun = false;

function wrapTask(stateName: string, handler: TaskHandler): TaskHandler {
  if (stateName !== 'RecordRun') return handler;
  return async (input) => {
    if (failRecordRun) throw Object.assign(new Error('history bucket unreachable (planted)'), { name: 'S3ServiceException' });
    return handler(input);
  };
}

const demo = useDemoStack({
  stateDirPrefix: 'landfall-record-run-', asOf, volumes: { users: 20, transfers: 60, boards: 10, decks: 10, productEvents: 50 },
  stackOptions: { waitTimeScaleMs: 2, wrapTask },
});

/** The states an execution entered, in order. */
function statesOf(executionArn: string): string[] {
  const execution = demo.current.stack.stepFunctions.getExecution(executionArn)!;
  return execution.history.flatMap((event) => {
    const entered = (event as { stateEnteredEventDetails?: { name: string } }).stateEnteredEventDetails;
    return event.type.endsWith('StateEntered') && entered ? [entered.name] : [];
  });
}

describe('RecordRun', () => {
  it('records a done run in the run history before the alert states, and leaves the payload as it was', async () => {
    const arn = await demo.current.start('record-seed', { command: 'seed' });
    const done = await demo.current.stack.stepFunctions.waitForExecution(arn);
    expect(done.status).toBe('SUCCEEDED');
    const states = statesOf(arn);
    expect(states.slice(states.lastIndexOf('IsRunDone'))).toEqual(['IsRunDone', 'RecordRun', 'DidAnythingFail', 'UpdateIncidents', 'RunSucceeded']);
    expect(states.filter((s) => s === 'RecordRun')).toHaveLength(1);
    const output = JSON.parse(done.output!) as Record<string, unknown>;
    expect(output).toMatchObject({ done: true, failed: false, execution: { name: 'record-seed' } });
    expect(output.historyError).toBeUndefined();
    const entries = await awsDependencies().history!.list();
    expect(entries.map((e) => e.runId)).toContain('record-seed');
    expect((await awsDependencies().history!.readRunResults('record-seed')).metadata.invocation_id).toBe('record-seed');
  }, 180_000);

  it('a run with nothing to build goes from IsRunPlanned to RecordRun', async () => {
    const arn = await demo.current.start('record-nothing', { command: 'build', select: ['resource_type:none'] });
    const done = await demo.current.stack.stepFunctions.waitForExecution(arn);
    expect(done.status).toBe('SUCCEEDED');
    expect(statesOf(arn)).toEqual(['PlanRun', 'IsRunPlanned', 'RecordRun', 'DidAnythingFail', 'UpdateIncidents', 'RunSucceeded']);
    expect((await awsDependencies().history!.list()).map((e) => e.runId)).toContain('record-nothing');
  }, 180_000);

  it('a failing RecordRun never fails the run: its error is kept in $.historyError', async () => {
    failRecordRun = true;
    try {
      const arn = await demo.current.start('record-fails', { command: 'seed' });
      const done = await demo.current.stack.stepFunctions.waitForExecution(arn);
      expect(done.status).toBe('SUCCEEDED');
      const output = JSON.parse(done.output!) as { historyError?: { Error: string; Cause: string } };
      expect(output.historyError?.Error).toBe('S3ServiceException');
      expect(output.historyError?.Cause).toContain('history bucket unreachable (planted)');
      expect((await awsDependencies().history!.list()).map((e) => e.runId)).not.toContain('record-fails');
    } finally {
      failRecordRun = false;
    }
  }, 180_000);
});
