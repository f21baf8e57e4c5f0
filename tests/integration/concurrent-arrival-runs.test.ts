/**
 * Issue 18's check on the local stack: two arrivals for disjoint parts of the DAG become two executions that
 * overlap in time; two for the same source become one run (serial-arrival-runs.test.ts: the same deliveries
 * with `arrivals.concurrency: serial`).
 */
import { deliver, executions, withPartsStack } from '../support/parts-stack';

jest.setTimeout(120_000);

it('runs arrivals for disjoint parts of the DAG at the same time, and two for one source in one run', async () => {
  await withPartsStack('dag', async (stack) => {
    await Promise.all([deliver(stack, 'c0', 'c0-first'), deliver(stack, 'c0', 'c0-second'), deliver(stack, 'c4', 'c4-only')]);
    const runs = await executions(stack);
    expect(runs.map((r) => [r.status, r.selects])).toEqual([
      ['SUCCEEDED', ['connector c4']], // a lone arrival's input is the event itself
      ['SUCCEEDED', ['source:src0.t0+']], // c0's two syncs: one run
    ]);
    const [a, b] = runs;
    expect(a!.start < b!.stop && b!.start < a!.stop).toBe(true); // they overlapped in time
  });
});
