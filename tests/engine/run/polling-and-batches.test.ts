/**
 * The scheduler as the Step Functions tasks drive it (`pollDueOnly`, `testsWithModel`): statements are described
 * only when due, never twice in a step, and a model's tests ride in its last batch, with the same outcomes as
 * when they run on their own.
 */
import { compileManifest } from '../../../src/engine/project/compile-manifest';
import { advanceRun, type RunContext } from '../../../src/engine/run/advance-run';
import { planRun } from '../../../src/engine/run/plan-run';
import { dialects } from '../../../src/engine/dialects';
import type { ProjectFiles } from '../../../src/engine/project/project-files';
import type { RunState } from '../../../src/engine/run/run-state';
import type { ResultSet, StatementDescription, SubmitOptions, Warehouse } from '../../../src/engine/warehouse/warehouse';
import { inProcessRenderer } from '../../../src/engine/run/render-in-process';

const target = { name: 'dev', type: 'postgres' as const, schema: 'analytics', database: 'dev' };

/**
 * Each statement runs `runMs` on a fake clock. A sub-statement mentioning `no_such_column` fails (the batch
 * with it); a counting query returns one row per `not_null` test (2 failures each), none for the others.
 */
class TimedWarehouse implements Warehouse {
  clock = 0;
  submitted: { sqls: string[]; at: number; token?: string }[] = [];
  described: string[] = [];
  fetched: string[] = [];
  constructor(private readonly runMs: number) {}
  async submit(sqls: string | string[], options?: SubmitOptions): Promise<string> {
    const list = typeof sqls === 'string' ? [sqls] : sqls;
    const same = this.submitted.findIndex((s) => s.token !== undefined && s.token === options?.clientToken);
    if (same >= 0) return `s${same + 1}`;
    this.submitted.push({ sqls: list, at: this.clock, token: options?.clientToken });
    return `s${this.submitted.length}`;
  }
  async describe(id: string): Promise<StatementDescription> {
    this.described.push(id);
    const { sqls, at } = this.submitted[Number(id.slice(1)) - 1]!;
    if (this.clock < at + this.runMs) return { id, status: 'STARTED', hasResultSet: false, resultRows: -1, durationMs: 0 };
    const brokenAt = sqls.findIndex((s) => s.includes('no_such_column'));
    const subStatements = sqls.map((sql, i) => ({
      id: `${id}:${i + 1}`,
      status: (brokenAt < 0 || i < brokenAt ? 'FINISHED' : i === brokenAt ? 'FAILED' : 'ABORTED') as StatementDescription['status'],
      resultRows: sql.includes('as test_id') ? failingTests(sql).length : 7,
      hasResultSet: sql.includes('as test_id'),
    }));
    return brokenAt >= 0
      ? { id, status: 'FAILED', error: 'ERROR: column "no_such_column" does not exist', hasResultSet: false, resultRows: -1, durationMs: this.runMs, subStatements }
      : { id, status: 'FINISHED', hasResultSet: true, resultRows: subStatements.at(-1)!.resultRows, durationMs: this.runMs, subStatements };
  }
  async fetchRows(id: string): Promise<ResultSet> {
    this.fetched.push(id);
    const [statement, sub] = id.split(':');
    const { sqls } = this.submitted[Number(statement!.slice(1)) - 1]!;
    const sql = sub ? sqls[Number(sub) - 1]! : sqls.at(-1)!;
    return { columns: [], rows: failingTests(sql).map((testId) => [testId, 2]) };
  }
  async cancel(): Promise<void> {}
}

function failingTests(sql: string): string[] {
  return [...sql.matchAll(/select '([^']+)' as test_id/g)].map((m) => m[1]!).filter((testId) => testId.includes('not_null'));
}

function manifest(withBrokenTest: boolean) {
  const files: ProjectFiles = {
    root: '/nowhere', project: { name: 'p' },
    models: [
      { file: 'models/users.sql', relative: 'users.sql', text: "{{ config(materialized='table') }} select 1 as id" },
      { file: 'models/user_count.sql', relative: 'user_count.sql', text: "select count(*) from {{ ref('users') }}" },
    ],
    singularTests: withBrokenTest ? [{ file: 'tests/broken.sql', relative: 'broken.sql', text: "select no_such_column from {{ ref('users') }}" }] : [],
    macros: [], seeds: [],
    properties: [{ file: 'models/_models.yml', content: { models: [{ name: 'users', columns: [{ name: 'id', data_tests: ['not_null', 'unique'] }] }] } }],
  };
  return compileManifest(files, { target });
}

async function runToEnd(state: RunState, ctx: RunContext, warehouse: TimedWarehouse): Promise<RunState> {
  for (let i = 0; i < 100 && !state.done; i++) {
    state = await advanceRun(state, ctx);
    warehouse.clock += 50;
  }
  return state;
}

describe('advanceRun with pollDueOnly and testsWithModel', () => {
  it('submits a model and its tests as one batch, describes it only when due and once per step, and fetches only failing tests', async () => {
    const m = manifest(false);
    const warehouse = new TimedWarehouse(1000);
    const ctx: RunContext = { manifest: m, dialect: dialects.postgres, renderer: inProcessRenderer({ manifest: m, dialect: dialects.postgres }), warehouse, now: () => new Date(warehouse.clock), pollDueOnly: true, testsWithModel: true };
    let state = await advanceRun(planRun(m, { runId: 'r1', command: 'build' }), ctx);

    // users + its tests: one batch; both nodes wait for it.
    expect(warehouse.submitted).toHaveLength(1);
    const users = () => state.nodes.find((n) => n.name === 'users' && n.kind === 'model')!;
    const usersTests = () => state.nodes.find((n) => n.name === 'users' && n.kind === 'tests')!;
    expect(users().testsInBatch).toBe(1);
    expect(usersTests()).toMatchObject({ status: 'running', inModelBatch: true, statementId: users().statementId });
    expect(state.waitSeconds).toBe(1); // due at the prior 1,000 ms

    warehouse.clock = 600;
    state = await advanceRun(state, ctx);
    expect(warehouse.described).toEqual([]); // not due yet

    warehouse.clock = 1000;
    state = await advanceRun(state, ctx);
    expect(warehouse.described).toEqual(['s1']); // two nodes, one statement, one call
    expect(users().status).toBe('success');
    expect(users().rows).toBe(7);
    expect(usersTests().status).toBe('fail');
    expect(usersTests().tests!.map((t) => [t.name, t.status, t.failures])).toEqual([['not_null_users_id', 'fail', 2], ['unique_users_id', 'pass', 0]]);
    expect(warehouse.fetched).toEqual(['s1:2']);
    expect(state.expectedMs).toEqual({ table: 1000 }); // learned for what the statement builds (poll-schedule.ts)
    expect(state.nodes.find((n) => n.name === 'user_count')!.status).toBe('skipped');
  });

  it('fetches nothing when every test passes (the counting query returns no rows)', async () => {
    const m = manifest(false);
    for (const id of Object.keys(m.tests)) if (id.includes('not_null')) delete m.tests[id];
    const warehouse = new TimedWarehouse(200);
    const ctx: RunContext = { manifest: m, dialect: dialects.postgres, renderer: inProcessRenderer({ manifest: m, dialect: dialects.postgres }), warehouse, now: () => new Date(warehouse.clock), pollDueOnly: true, testsWithModel: true };
    const state = await runToEnd(planRun(m, { runId: 'r2', command: 'build' }), ctx, warehouse);
    expect(state.nodes.map((n) => [n.name, n.kind, n.status])).toEqual([['users', 'model', 'success'], ['users', 'tests', 'pass'], ['user_count', 'model', 'success']]);
    expect(warehouse.fetched).toEqual([]);
    expect(warehouse.submitted).toHaveLength(2);
  });

  it('a broken test in the shared batch: the model runs again alone, its tests on their own, and only the broken test errors', async () => {
    const m = manifest(true);
    const warehouse = new TimedWarehouse(100);
    const ctx: RunContext = { manifest: m, dialect: dialects.postgres, renderer: inProcessRenderer({ manifest: m, dialect: dialects.postgres }), warehouse, now: () => new Date(warehouse.clock), pollDueOnly: true, testsWithModel: true };
    const state = await runToEnd(planRun(m, { runId: 'r3', command: 'build' }), ctx, warehouse);

    const users = state.nodes.find((n) => n.name === 'users' && n.kind === 'model')!;
    const usersTests = state.nodes.find((n) => n.name === 'users' && n.kind === 'tests')!;
    expect(users.status).toBe('success');
    expect(Object.fromEntries(usersTests.tests!.map((t) => [t.name, [t.status, t.failures]]))).toEqual({
      broken: ['error', 0], not_null_users_id: ['fail', 2], unique_users_id: ['pass', 0],
    });
    expect(usersTests.error).toContain('no_such_column');
    // The shared batch, the model's step alone (its own client token), the tests' batch, then each test alone.
    const tokens = warehouse.submitted.map((s) => s.token);
    expect(new Set(tokens).size).toBe(tokens.length);
    expect(warehouse.submitted[0]!.sqls.some((s) => s.includes('no_such_column'))).toBe(true);
    expect(warehouse.submitted[1]!.sqls.some((s) => s.includes('as test_id'))).toBe(false);
    expect(warehouse.submitted.filter((s) => s.sqls.some((sql) => sql.includes('as test_id')))).toHaveLength(5);
    expect(state.nodes.find((n) => n.name === 'user_count')!.status).toBe('skipped');
  });

  it('without the options (the CLI) every statement in flight is described at each step and tests run as their own node', async () => {
    const m = manifest(false);
    const warehouse = new TimedWarehouse(0);
    const ctx: RunContext = { manifest: m, dialect: dialects.postgres, renderer: inProcessRenderer({ manifest: m, dialect: dialects.postgres }), warehouse, now: () => new Date(warehouse.clock) };
    const state = await runToEnd(planRun(m, { runId: 'r4', command: 'build' }), ctx, warehouse);
    // users alone, then its tests (not_null fails, so user_count is skipped).
    expect(warehouse.submitted.map((s) => s.sqls.some((sql) => sql.includes('as test_id')))).toEqual([false, true]);
    expect(warehouse.described).toEqual(['s1', 's2']);
    expect(state.nodes.every((n) => n.testsInBatch === undefined && n.pollAt === undefined)).toBe(true);
  });
});
