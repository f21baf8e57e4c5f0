/**
 * A run loop on the Data API client (the CLI's, AdvanceRun's linger) wakes when a statement ends through DescribeStatement's long poll
 * (WaitTimeSeconds), and a statement still costs one DescribeStatement: the real SDK client against the local
 * Data API on PGlite.
 */
import { withLongPolledEnds } from '../../../src/engine/run/long-poll-ends';
import type { StatementDescription, Warehouse } from '../../../src/engine/warehouse/warehouse';
import { usePGliteWarehouse } from '../../support/pglite-warehouse';

const local = usePGliteWarehouse();

/** The warehouse, counting the describes that reach it (each one a DescribeStatement call). */
function counting(warehouse: Warehouse): { warehouse: Warehouse; describes: { waitSeconds?: number }[] } {
  const describes: { waitSeconds?: number }[] = [];
  const wrapped = Object.create(warehouse) as Warehouse;
  wrapped.describe = (id, options) => {
    describes.push({ waitSeconds: options?.waitSeconds });
    return warehouse.describe(id, options);
  };
  return { warehouse: wrapped, describes };
}

describe('withLongPolledEnds', () => {
  it('wakes when the statement ends, and the run\'s describe of it costs no second call', async () => {
    const { warehouse, describes } = counting(local.warehouse);
    const ends = withLongPolledEnds(warehouse);
    const id = await ends.submit('select count(*) from generate_series(1, 300000)');
    const waiting = ends.waitForAnyStatementEnd([id]);
    // While the long poll is out, the statement is running: said without a call.
    expect((await ends.describe(id)).status).toBe('STARTED');
    await waiting;
    expect((await ends.describe(id)).status).toBe('FINISHED');
    expect(describes).toEqual([{ waitSeconds: 20 }]);
    // Handed over once: a later describe asks the Data API again.
    expect((await ends.describe(id)).status).toBe('FINISHED');
    expect(describes).toHaveLength(2);
  }, 30_000);

  it('resolves when one of several statements ended, keeping one poll per statement', async () => {
    const { warehouse, describes } = counting(local.warehouse);
    const ends = withLongPolledEnds(warehouse);
    const ids = [await ends.submit('select 1'), await ends.submit('select 2')];
    await ends.waitForAnyStatementEnd(ids);
    const statuses = await Promise.all(ids.map(async (id) => (await ends.describe(id)).status));
    expect(statuses).toContain('FINISHED');
    for (const [i, id] of ids.entries()) {
      if (statuses[i] === 'FINISHED') continue;
      await ends.waitForAnyStatementEnd([id]);
      expect((await ends.describe(id)).status).toBe('FINISHED');
    }
    // One long poll per statement; every other answer came from it.
    expect(describes).toEqual([{ waitSeconds: 20 }, { waitSeconds: 20 }]);
  }, 30_000);

  it('backs off on an adapter that answers at once instead of long-polling', async () => {
    let calls = 0;
    const endsAt = Date.now() + 300;
    const describe = async (id: string): Promise<StatementDescription> => {
      calls++;
      return { id, status: Date.now() >= endsAt ? 'FINISHED' : 'STARTED', hasResultSet: false, resultRows: 0, durationMs: 1 };
    };
    const ends = withLongPolledEnds({ describe } as unknown as Warehouse);
    await ends.waitForAnyStatementEnd(['s-1']);
    expect(Date.now()).toBeGreaterThanOrEqual(endsAt);
    // 5, 10, 20, 40, 80, 160 ms … : about 8 calls for 300 ms, not thousands.
    expect(calls).toBeLessThan(12);
  });

  it('stops polling when a bounded wait is over: nothing keeps calling after the caller (an AdvanceRun) returned', async () => {
    const asked: (number | undefined)[] = [];
    const describe = async (id: string, options?: { waitSeconds?: number }): Promise<StatementDescription> => {
      asked.push(options?.waitSeconds);
      return { id, status: 'STARTED', hasResultSet: false, resultRows: 0, durationMs: 1 };
    };
    const ends = withLongPolledEnds({ describe } as unknown as Warehouse);
    await ends.waitForAnyStatementEnd(['s-1'], 100);
    await new Promise((resolve) => setTimeout(resolve, 50)); // the last pause of the backoff
    const callsAtEnd = asked.length;
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(asked.length).toBe(callsAtEnd);
    // Each long poll asks for no more than what was left of the wait (whole seconds, at least 1), not 20 s.
    expect(asked.every((seconds) => seconds === 1)).toBe(true);
  });
});
