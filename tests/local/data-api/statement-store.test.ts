/**
 * The statement lifecycle shared by the local Data API endpoint and the in-process warehouse, on fake
 * engine sessions whose queries end when the test says so.
 */
import { StatementStore } from '../../../src/local/data-api/statement-store';
import type { StatementSubmission } from '../../../src/local/data-api/statement-submission';
import type { SqlEngine, SqlResult, SqlSession } from '../../../src/local/sql-engine/sql-engine';

const CONNECTION = { WorkgroupName: 'local', Database: 'dev' };

/** A session that records what it was asked and answers when `release(sql)` is called. */
class ControlledSession implements SqlEngine {
  readonly kind = 'postgres' as const;
  readonly started: string[] = [];
  private readonly pending = new Map<string, () => void>();

  constructor(readonly log: string[], readonly name: string) {}

  query(sql: string): Promise<SqlResult> {
    this.started.push(sql);
    this.log.push(`${this.name} ${sql}`);
    return new Promise((resolve) => {
      this.pending.set(sql, () => resolve({ command: 'SELECT', columns: [{ name: 'x', typeName: 'int4' }], rows: [['1']], rowCount: 1 }));
    });
  }

  transaction<T>(work: (session: SqlSession) => Promise<T>): Promise<T> {
    return work(this);
  }

  release(sql: string): void {
    this.pending.get(sql)!();
    this.pending.delete(sql);
  }

  async close(): Promise<void> {}
}

function single(sql: string, extra: Partial<StatementSubmission> = {}): StatementSubmission {
  return { sqls: [sql], isBatch: false, connection: CONNECTION, ...extra };
}

/** Lets the store's asynchronous steps happen (a freed session picks the next statement, PICKED → STARTED). */
async function settle(): Promise<void> {
  for (let turn = 0; turn < 3; turn++) await new Promise((resolve) => setImmediate(resolve));
}

describe('Class: StatementStore', () => {
  it('runs statements one at a time, in the order accepted, on one session', async () => {
    const log: string[] = [];
    const session = new ControlledSession(log, 'a');
    const store = new StatementStore({ engine: session });
    const first = store.accept(single('select 1'));
    const second = store.accept(single('select 2'));
    await settle();
    expect(session.started).toEqual(['select 1']);
    expect(second.status).toBe('SUBMITTED');

    session.release('select 1');
    await first.settled;
    await settle();
    expect(first.status).toBe('FINISHED');
    expect(session.started).toEqual(['select 1', 'select 2']);
    session.release('select 2');
    await store.idle();
    expect(second.status).toBe('FINISHED');
  });

  it('runs as many statements at once as it has sessions, and the next one on the first session that frees', async () => {
    const log: string[] = [];
    const a = new ControlledSession(log, 'a');
    const b = new ControlledSession(log, 'b');
    const store = new StatementStore({ engine: [a, b] });
    const records = ['select 1', 'select 2', 'select 3'].map((sql) => store.accept(single(sql)));
    await settle();
    expect(records.map((r) => r.status)).toEqual(['STARTED', 'STARTED', 'SUBMITTED']);

    const busyWithSecond = a.started.includes('select 2') ? a : b;
    busyWithSecond.release('select 2');
    await records[1]!.settled;
    await settle();
    expect(busyWithSecond.started).toContain('select 3');
    expect(records[2]!.status).toBe('STARTED');
  });

  it("starts a statement in the turn it is accepted with start 'at-once', and a turn later by default", async () => {
    const atOnce = new ControlledSession([], 'a');
    new StatementStore({ engine: atOnce, start: 'at-once' }).accept(single('select 1'));
    expect(atOnce.started).toEqual(['select 1']);

    const nextTurn = new ControlledSession([], 'b');
    const record = new StatementStore({ engine: nextTurn }).accept(single('select 1'));
    expect(nextTurn.started).toEqual([]);
    expect(record.status).toBe('PICKED');
    await settle();
    expect(nextTurn.started).toEqual(['select 1']);
  });

  it('starts a waiting statement on a session added later (a connection that finished opening)', async () => {
    const a = new ControlledSession([], 'a');
    const store = new StatementStore({ engine: a });
    store.accept(single('select 1'));
    const second = store.accept(single('select 2'));
    await settle();
    expect(second.status).toBe('SUBMITTED');

    const b = new ControlledSession([], 'b');
    store.addSession(b);
    await settle();
    expect(b.started).toEqual(['select 2']);
    expect(second.status).toBe('STARTED');
  });

  it('resolves whenAnyEnds as soon as one of the statements ends, and at once when one already has', async () => {
    const sessions = [new ControlledSession([], 'a'), new ControlledSession([], 'b')];
    const store = new StatementStore({ engine: sessions });
    const slow = store.accept(single('select 1'));
    const fast = store.accept(single('select 2'));
    await settle();
    let woke = false;
    const waiting = store.whenAnyEnds([slow.id, fast.id]).then(() => (woke = true));
    await settle();
    expect(woke).toBe(false);

    sessions.find((session) => session.started.includes('select 2'))!.release('select 2');
    await waiting;
    expect(fast.status).toBe('FINISHED');
    expect(slow.status).toBe('STARTED');
    await expect(store.whenAnyEnds([slow.id, fast.id])).resolves.toBeUndefined();
  });

  it('returns the first statement for a repeated client token and runs it once', async () => {
    const session = new ControlledSession([], 'a');
    const store = new StatementStore({ engine: session });
    const first = store.accept(single('select 1', { clientToken: 'token' }));
    const again = store.accept(single('select 1', { clientToken: 'token' }));
    expect(again.id).toBe(first.id);
    await settle();
    session.release('select 1');
    await store.idle();
    expect(session.started).toEqual(['select 1']);
  });

  it('refuses what the Data API refuses: empty SQL, batches of 0 or 41, parameters on a batch, bad parameter names', () => {
    const store = new StatementStore({ engine: new ControlledSession([], 'a') });
    expect(() => store.accept(single('  '))).toThrow('Sql is required and must not be empty.');
    expect(() => store.accept({ sqls: [], isBatch: true, connection: CONNECTION })).toThrow(/1 to 40 statements, got 0/);
    expect(() => store.accept({ sqls: Array(41).fill('select 1'), isBatch: true, connection: CONNECTION })).toThrow(/got 41/);
    expect(() => store.accept({ sqls: ['select :a'], isBatch: true, parameters: [{ name: 'a', value: '1' }], connection: CONNECTION })).toThrow(/not supported by BatchExecuteStatement/);
    expect(() => store.accept(single('select :a', { parameters: [{ name: 'a-b', value: '1' }] }))).toThrow(/name must match/);
    expect(() => store.accept(single('x'.repeat(100 * 1024 + 1)))).toThrow(/100 KB limit/);
  });

  it('finds sub-statements by <id>:<n> and reports unknown and malformed ids as the service does', () => {
    const store = new StatementStore({ engine: new ControlledSession([], 'a') });
    const batch = store.accept({ sqls: ['select 1', 'select 2'], isBatch: true, connection: CONNECTION });
    expect(store.find(`${batch.id}:2`).sub?.sql).toBe('select 2');
    expect(() => store.find(`${batch.id}:3`)).toThrow(expect.objectContaining({ awsCode: 'ResourceNotFoundException' }));
    expect(() => store.find('not-an-id')).toThrow(expect.objectContaining({ awsCode: 'ValidationException' }));
  });
});
