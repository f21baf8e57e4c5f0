import { StatementAbortedError, StatementTimeoutError, runQuery, waitForStatement } from '../../src/engine/warehouse/run-query';
import {
  type DescribeOptions,
  type ResultSet,
  SqlFailedError,
  type StatementDescription,
  type StatementStatus,
  type Warehouse,
} from '../../src/engine/warehouse/warehouse';

/** A warehouse whose statements go through a scripted list of statuses, one per describe call. */
class ScriptedWarehouse implements Warehouse {
  readonly describeCalls: DescribeOptions[] = [];
  readonly fetched: string[] = [];

  constructor(
    private readonly statuses: StatementStatus[],
    private readonly last: Partial<StatementDescription> = {},
  ) {}

  async submit(): Promise<string> {
    return 'id-1';
  }

  async describe(id: string, options: DescribeOptions = {}): Promise<StatementDescription> {
    this.describeCalls.push(options);
    const status = this.statuses[Math.min(this.describeCalls.length - 1, this.statuses.length - 1)];
    return { id, status, hasResultSet: true, resultRows: 1, durationMs: 1, ...(status === this.statuses.at(-1) ? this.last : {}) };
  }

  async fetchRows(id: string): Promise<ResultSet> {
    this.fetched.push(id);
    return { columns: [{ name: 'n', typeName: 'int4' }], rows: [[1]] };
  }

  async cancel(): Promise<void> {}
}

describe('waitForStatement', () => {
  it('polls until a terminal status and returns that description', async () => {
    const warehouse = new ScriptedWarehouse(['SUBMITTED', 'PICKED', 'STARTED', 'FINISHED']);
    const description = await waitForStatement(warehouse, 'id-1', { pollMs: 5 });
    expect(description.status).toBe('FINISHED');
    expect(warehouse.describeCalls).toHaveLength(4);
  });

  it('asks for a long poll of 20 seconds by default, and none when disabled', async () => {
    const warehouse = new ScriptedWarehouse(['FINISHED']);
    await waitForStatement(warehouse, 'id-1');
    await waitForStatement(warehouse, 'id-1', { waitSeconds: 0 });
    expect(warehouse.describeCalls).toEqual([{ waitSeconds: 20 }, { waitSeconds: 0 }]);
  });

  it('returns a FAILED description without throwing', async () => {
    const warehouse = new ScriptedWarehouse(['STARTED', 'FAILED'], { error: 'ERROR: boom' });
    await expect(waitForStatement(warehouse, 'id-1', { pollMs: 1 })).resolves.toMatchObject({ status: 'FAILED', error: 'ERROR: boom' });
  });

  it('gives up after timeoutMs with StatementTimeoutError', async () => {
    const warehouse = new ScriptedWarehouse(['STARTED']);
    await expect(waitForStatement(warehouse, 'id-1', { pollMs: 10, timeoutMs: 60 })).rejects.toBeInstanceOf(StatementTimeoutError);
  });
});

describe('runQuery', () => {
  it('returns the rows of a finished statement', async () => {
    const warehouse = new ScriptedWarehouse(['FINISHED']);
    await expect(runQuery(warehouse, 'select 1')).resolves.toEqual({ columns: [{ name: 'n', typeName: 'int4' }], rows: [[1]] });
    expect(warehouse.fetched).toEqual(['id-1']);
  });

  it("fetches a batch's last sub-statement", async () => {
    const warehouse = new ScriptedWarehouse(['FINISHED'], {
      subStatements: [
        { id: 'id-1:1', status: 'FINISHED', resultRows: 1, hasResultSet: false },
        { id: 'id-1:2', status: 'FINISHED', resultRows: 1, hasResultSet: true },
      ],
    });
    await runQuery(warehouse, ['insert …', 'select …']);
    expect(warehouse.fetched).toEqual(['id-1:2']);
  });

  it('throws SqlFailedError with the database error when the statement fails', async () => {
    const warehouse = new ScriptedWarehouse(['FAILED'], { error: 'ERROR: relation "x" does not exist' });
    await expect(runQuery(warehouse, 'select * from x')).rejects.toEqual(
      expect.objectContaining({ name: 'SqlFailedError', statementId: 'id-1', sqlError: 'ERROR: relation "x" does not exist' }),
    );
    await expect(runQuery(warehouse, 'select * from x')).rejects.toBeInstanceOf(SqlFailedError);
  });

  it('throws StatementAbortedError when the statement was cancelled', async () => {
    await expect(runQuery(new ScriptedWarehouse(['ABORTED']), 'select 1')).rejects.toBeInstanceOf(StatementAbortedError);
  });

  it('returns no rows for a statement without a result set', async () => {
    const warehouse = new ScriptedWarehouse(['FINISHED'], { hasResultSet: false });
    await expect(runQuery(warehouse, 'create table t (a int)')).resolves.toEqual({ columns: [], rows: [] });
    expect(warehouse.fetched).toEqual([]);
  });
});
