/**
 * The local Step Functions' fault injector (src/local/aws/sfn-tasks.ts): which invocation of a Task state a fault
 * hits — `skip`, `times`, `onlyIf` (on the input before the handler, on its result after) — so a fault test can
 * target a later invocation deterministically instead of hoping the first one is in the right state.
 */
import { FaultInjector } from '../../src/local/aws/sfn-tasks';

describe('FaultInjector', () => {
  it('lets `skip` matching invocations through, then fails `times` of them, then none', async () => {
    const faults = new FaultInjector();
    faults.add({ state: 'AdvanceRun', kind: 'throw', skip: 2, times: 2 });
    const hits = [];
    for (let i = 0; i < 6; i++) hits.push((await faults.take('AdvanceRun', 'before', {})) !== undefined);
    expect(hits).toEqual([false, false, true, true, false, false]);
    expect(faults.fired).toHaveLength(2);
  });

  it('applies only to its state, and only at its phase (a hang always before the handler)', async () => {
    const faults = new FaultInjector();
    faults.add({ state: 'AdvanceRun', kind: 'throw', when: 'after' });
    faults.add({ state: 'PlanRun', kind: 'hang', when: 'after' });
    expect(await faults.take('LockRun', 'after', {}, {})).toBeUndefined();
    expect(await faults.take('AdvanceRun', 'before', {})).toBeUndefined();
    expect(await faults.take('AdvanceRun', 'after', {}, {})).toMatchObject({ kind: 'throw' });
    expect(await faults.take('PlanRun', 'after', {}, {})).toBeUndefined();
    expect(await faults.take('PlanRun', 'before', {})).toMatchObject({ kind: 'hang' });
  });

  it('with `onlyIf`, passes the invocations it rejects without using up `skip` or `times`', async () => {
    const faults = new FaultInjector();
    const seen: unknown[] = [];
    faults.add({
      state: 'AdvanceRun', kind: 'throw', when: 'after', skip: 1,
      onlyIf: async (input: { n: number }, result: { running: number }) => {
        seen.push([input.n, result.running]);
        return result.running > 0;
      },
    });
    const outcomes = [];
    for (const [n, running] of [[1, 0], [2, 3], [3, 0], [4, 1], [5, 2]] as const) {
      outcomes.push((await faults.take('AdvanceRun', 'after', { n }, { running })) !== undefined);
    }
    // 2 is the first with a statement running (skipped), 4 the second (hit); the fault is then gone.
    expect(outcomes).toEqual([false, false, false, true, false]);
    expect(seen).toEqual([[1, 0], [2, 3], [3, 0], [4, 1]]);
  });
});
