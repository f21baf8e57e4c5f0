/**
 * The bound on statements in flight across runs (landfall.yml `warehouse.max_statements_in_flight`,
 * src/runtime/statement-slots.ts) on the local stack: four arrival runs of disjoint parts started together, each
 * statement taking at least 300 ms in the local Data API (its latency mode), never have more than 2 statements in
 * flight with the bound at 2 — counted by the Data API itself, the runs' preparing statements included. With the
 * default bound (16) the same runs reach 4 (measured; not asserted here: one stack per test file).
 */
import { deliver, executions, withPartsStack } from '../support/parts-stack';

jest.setTimeout(180_000);

it('keeps the statements four concurrent runs have in flight within warehouse.max_statements_in_flight', async () => {
  process.env.LANDFALL_DATA_API_LATENCY = JSON.stringify({ callMs: 0, commitMs: 0, minStatementMs: 300 });
  try {
    await withPartsStack('dag', async (stack) => {
      stack.dataApiCounters.maxActiveStatements = 0; // the initial build is not measured
      await Promise.all(['c0', 'c2', 'c4', 'c5'].map((c) => deliver(stack, c, `${c}-sync`)));
      const runs = await executions(stack);
      expect(runs.map((r) => r.status)).toEqual(['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);
      const overlapping = runs.filter((a) => runs.some((b) => a !== b && a.start < b.stop && b.start < a.stop));
      expect(overlapping.length).toBeGreaterThanOrEqual(2); // the runs did run at once
      expect(stack.dataApiCounters.maxActiveStatements).toBeGreaterThan(0);
      expect(stack.dataApiCounters.maxActiveStatements).toBeLessThanOrEqual(2);
    }, 'warehouse:\n  max_statements_in_flight: 2\n');
  } finally {
    delete process.env.LANDFALL_DATA_API_LATENCY;
  }
});
