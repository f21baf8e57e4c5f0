/**
 * A failed run's statements still in flight are cancelled before its execution closes (and its locks go): on the local
 * Data API through the real SDK client, a slow statement of a running node ends ABORTED by the time endFailedRun has
 * thrown. A cancel that fails never changes how the run ends.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { endFailedRun, RunFailedError } from '../../src/runtime/end-failed-run';
import { openLocalWarehouse } from '../../src/local/local-warehouse';
import { LATENCY_ENV } from '../../src/local/data-api/redshift-latency';
import { WarehouseBusyError, WarehouseValidationError, type Warehouse } from '../../src/engine/warehouse/warehouse';
import type { RunStatePointer, RunStateStore, StoredRun } from '../../src/runtime/run-state-store';
import type { PlanRunDependencies } from '../../src/runtime/transform-run';

let stateDir: string;
let local: Awaited<ReturnType<typeof openLocalWarehouse>>;

beforeAll(async () => {
  stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'landfall-cancel-in-flight-'));
  // Latency mode for its marked statements only: `/* landfall-sim-ms: N */` runs N ms (PGlite's pg_sleep would block
  // the process, endpoint included). The cancel must cut that modelled time short, as Redshift stops a cancelled query.
  process.env[LATENCY_ENV] = JSON.stringify({ callMs: 0, commitMs: 0, minStatementMs: 0, markedStatementScale: 1 });
  local = await openLocalWarehouse({ stateDir, viaDataApi: true });
  delete process.env[LATENCY_ENV];
});
afterAll(async () => {
  await local.close();
  fs.rmSync(stateDir, { recursive: true, force: true });
});

const execution = { Id: 'arn:aws:states:us-east-1:1:execution:landfall-prod-transform-run:r1', Name: 'r1', RedriveCount: 0 };
const pointer: RunStatePointer = { bucket: 'b', key: 'runs/r1/run-state.json.gz' };
const payload = { state: pointer, redriveCount: 0, done: true, failed: true, waitSeconds: 1, iterations: 3, execution: { arn: execution.Id, name: 'r1' }, counts: { nodes: 4, models: 2, testNodes: 2, finished: 2, running: 2, failed: 1, skipped: 0 } };

/** A stored run with a model and the tests riding along in one statement still running, and one finished model. */
function storeWith(statementId: string): RunStateStore {
  const stored = {
    version: 1, execution: { arn: execution.Id, name: 'r1' }, trigger: { kind: 'manual' }, redriveCount: 0,
    run: { runId: 'r1', nodes: [
      { id: 'model.p.slow', status: 'running', statementId },
      { id: 'test.p.slow_not_null', status: 'running', statementId, inModelBatch: true },
      { id: 'model.p.done', status: 'success' },
      { id: 'model.p.broken', status: 'error' },
    ] },
  };
  return {
    pointerFor: () => pointer,
    read: async <T>() => stored as unknown as StoredRun<T>,
    write: async () => { throw new Error('write not expected'); },
  };
}

function depsWith(warehouse: Warehouse, statementId: string): PlanRunDependencies & { warehouse: Warehouse } {
  return { manifest: {} as PlanRunDependencies['manifest'], runStates: storeWith(statementId), warehouse };
}

/** Counts the cancels, and can make them fail. */
function counting(warehouse: Warehouse, failWith?: Error): Warehouse & { cancels: string[] } {
  const cancels: string[] = [];
  return Object.assign(Object.create(warehouse) as Warehouse, {
    cancels,
    cancel: async (id: string) => { cancels.push(id); if (failWith) throw failWith; return warehouse.cancel(id); },
  });
}

async function startedSlowStatement(): Promise<string> {
  // Far longer than the bounded wait (5 s): only the cancel can end it in time.
  const id = await local.warehouse.submit('select 1 /* landfall-sim-ms: 60000 */');
  for (let i = 0; i < 200 && (await local.warehouse.describe(id)).status !== 'STARTED'; i++) await new Promise((r) => setTimeout(r, 10));
  expect((await local.warehouse.describe(id)).status).toBe('STARTED');
  return id;
}

describe('endFailedRun cancels the run\'s statements in flight', () => {
  it('cancels a running statement once (its riding tests share the id) and ends after the warehouse stopped it: ABORTED', async () => {
    const id = await startedSlowStatement();
    const warehouse = counting(local.warehouse);
    const metrics: string[] = [];
    const error = await endFailedRun({ payload, execution }, depsWith(warehouse, id), (line) => metrics.push(line)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RunFailedError);
    expect((error as Error).name).toBe('landfall.RunFailed');
    expect(warehouse.cancels).toEqual([id]);
    // Not still running when the execution closes and the locks go.
    expect((await local.warehouse.describe(id)).status).toBe('ABORTED');
    expect(JSON.parse(metrics[0]!).RunsFailed).toBe(1);
  });

  it('a cancel error does not change the run\'s outcome or its message; "already finished" is not even logged', async () => {
    const finished = await local.warehouse.submit('select 1');
    for (let i = 0; i < 200 && (await local.warehouse.describe(finished)).status !== 'FINISHED'; i++) await new Promise((r) => setTimeout(r, 10));
    const errors = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const baseline = await endFailedRun({ payload, execution }, { manifest: {} as PlanRunDependencies['manifest'], runStates: storeWith(finished) }).then(() => new Error('did not fail'), (e: unknown) => e as Error);
      // The real local Data API answers "already in FINISHED state" for the ended statement: ignored quietly.
      const ended = await endFailedRun({ payload, execution }, depsWith(local.warehouse, finished)).then(() => new Error('did not fail'), (e: unknown) => e as Error);
      expect(ended).toBeInstanceOf(RunFailedError);
      expect(ended.message).toBe(baseline.message);
      expect(errors).not.toHaveBeenCalled();

      const refused = counting(local.warehouse, new WarehouseBusyError('ThrottlingException: Rate exceeded'));
      const metrics: string[] = [];
      const crashed = { ...payload, crashedIn: 'AdvanceRun', crash: { Error: 'Lambda.Unknown', Cause: 'Task timed out' } };
      const error = await endFailedRun({ payload: crashed, execution }, depsWith(refused, finished), (line) => metrics.push(line)).then(() => new Error('did not fail'), (e: unknown) => e as Error);
      expect(error.name).toBe('landfall.RunCrashed');
      expect(error.message).toContain('The run crashed in AdvanceRun: Lambda.Unknown: Task timed out');
      expect(JSON.parse(metrics[0]!).RunsCrashed).toBe(1);
      expect(refused.cancels).toEqual([finished]);
      expect(errors.mock.calls.map((call) => String(call[0])).join('\n')).toMatch(/statement .* was not cancelled: ThrottlingException/);

      const invalid = counting(local.warehouse, new WarehouseValidationError('Id is not a valid statement id'));
      await expect(endFailedRun({ payload, execution }, depsWith(invalid, finished))).rejects.toThrow(baseline.message);
      expect(errors.mock.calls.map((call) => String(call[0])).join('\n')).toMatch(/was not cancelled: Id is not a valid/);
    } finally {
      errors.mockRestore();
    }
  });

  it('cancels nothing when a redrive resumes the run (its unfinished nodes are replanned with new statements)', async () => {
    const warehouse = counting(local.warehouse);
    const deps = depsWith(warehouse, 'never-cancelled');
    // The redriven path reads the state and writes the replanned run; the test store refuses writes.
    await expect(endFailedRun({ payload, execution: { ...execution, RedriveCount: 1 } }, deps)).rejects.toThrow(/write not expected|nodes/);
    expect(warehouse.cancels).toEqual([]);
  });
});
