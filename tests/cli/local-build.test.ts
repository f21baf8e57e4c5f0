/**
 * The CLI's run loop: the same engine steps on any warehouse; on one that says when statements end (the
 * in-process one) it advances at that moment, on others it polls.
 */
import { dialects, type Manifest } from '../../src/engine';
import { compileManifest, readProjectFiles } from '../../src/engine/compile';
import { runToCompletion } from '../../src/cli/local-build';
import { connectInProcessWarehouse } from '../../src/local/in-process-warehouse';
import { connectLocalWarehouse, localTarget } from '../../src/local/local-warehouse';
import { openPGliteEngine, prepareTemplate, sharedTemplateDir } from '../../src/local/sql-engine/pglite-engine';
import type { SqlEngine } from '../../src/local/sql-engine/sql-engine';
import type { Warehouse } from '../../src/engine/warehouse/warehouse';
import path from 'node:path';

const PROJECT = path.resolve(__dirname, '..', 'fixtures', 'projects', 'jaffle');

let engine: SqlEngine;

beforeAll(async () => {
  engine = await openPGliteEngine({ inMemory: true, template: await prepareTemplate(sharedTemplateDir()) });
});
afterAll(async () => engine?.close());

function manifestFor(schema: string): Manifest {
  return compileManifest(readProjectFiles(PROJECT), { target: localTarget({ schema }), cliVars: {} });
}

function statusesOf(state: Awaited<ReturnType<typeof runToCompletion>>): Record<string, string> {
  return Object.fromEntries(state.nodes.filter((n) => n.kind !== 'tests').map((n) => [n.name, n.status]));
}

describe('runToCompletion', () => {
  it('advances each time a statement ends when the warehouse can say so, and never polls', async () => {
    const { warehouse, close } = connectInProcessWarehouse(engine);
    const waits = jest.spyOn(warehouse, 'waitForAnyStatementEnd');
    const sleeps = jest.spyOn(global, 'setTimeout');
    try {
      const state = await runToCompletion(manifestFor('loop_inproc'), { runId: 'loop-1', command: 'seed', concurrency: 2 }, { dialect: dialects.postgres, warehouse });
      expect(statusesOf(state)).toEqual({ raw_customers: 'success', raw_orders: 'success' });
      expect(waits).toHaveBeenCalled();
      // The only timers are describe's long-poll limits (runQuery in prepareRun), never a pause between steps.
      expect(sleeps.mock.calls.filter(([, ms]) => (ms ?? 0) < 20_000)).toEqual([]);
    } finally {
      sleeps.mockRestore();
      await close();
    }
  });

  it('polls a warehouse that cannot say when statements end (the Data API client), with the same result', async () => {
    const local = await connectLocalWarehouse(engine);
    const warehouse: Warehouse = local.warehouse;
    expect('waitForAnyStatementEnd' in warehouse).toBe(false);
    try {
      const state = await runToCompletion(manifestFor('loop_http'), { runId: 'loop-2', command: 'seed', concurrency: 2 }, { dialect: dialects.postgres, warehouse });
      expect(statusesOf(state)).toEqual({ raw_customers: 'success', raw_orders: 'success' });
    } finally {
      await local.close();
    }
  });
});
