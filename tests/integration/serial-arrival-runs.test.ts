/**
 * `arrivals.concurrency: serial` keeps the one-run-at-a-time scheduler: the deliveries of
 * concurrent-arrival-runs.test.ts (two syncs of c0, one of c4, in one window) become one run for everything.
 */
import { deliver, executions, withPartsStack } from '../support/parts-stack';

jest.setTimeout(120_000);

it('runs the deliveries of one window as one run with arrivals.concurrency serial', async () => {
  await withPartsStack('serial', async (stack) => {
    await Promise.all([deliver(stack, 'c0', 'c0-first'), deliver(stack, 'c0', 'c0-second'), deliver(stack, 'c4', 'c4-only')]);
    const runs = await executions(stack);
    expect(runs.map((r) => [r.status, r.selects])).toEqual([['SUCCEEDED', ['source:src0.t0+', 'source:src4.t4+']]]);
  });
});
