import {
  MAX_REPOLL_MS, MIN_REPOLL_MS, PRIOR_STATEMENT_MS, clearPoll, dueNow, estimateKey, expectedStatementMs, isDue, learnDuration, msUntilNextPoll,
  scheduleFirstPoll, scheduleRepoll, statementsDueWithin,
} from '../../../src/engine/run/poll-schedule';
import type { RunNode, RunState } from '../../../src/engine/run/run-state';

const node = (id: string, kind: RunNode['kind'] = 'model'): RunNode => ({ id, kind, name: id, dependsOn: [], status: 'running', statementId: `s-${id}` });
const building = (id: string, builds: string, step?: number): RunNode => ({ ...node(id), builds, ...(step === undefined ? {} : { step }) });
const state = (nodes: RunNode[]): RunState => ({
  runId: 'r', command: 'build', startedAt: '2026-01-01T00:00:00Z', fullRefresh: false, vars: {}, concurrency: 16, nodes, existing: {}, iterations: 0, waitSeconds: 0, done: false,
});

describe('poll schedule', () => {
  it('is due at the prior for its kind until statements of that kind end, then at what they took', () => {
    const model = node('a');
    const s = state([model]);
    scheduleFirstPoll(s, model, 10_000);
    expect(model.pollAt).toBe(10_000 + PRIOR_STATEMENT_MS.model!);
    expect(isDue(model, 10_999)).toBe(false);
    expect(isDue(model, 11_000)).toBe(true);
    learnDuration(s, model, 1200);
    learnDuration(s, model, 2200);
    expect(s.expectedMs).toEqual({ model: 1500 }); // 1200 + 0.3 × (2200 − 1200)
    const next = node('b'); // another model: `a` itself is now expected to take its own last time (priorMs)
    scheduleFirstPoll(s, next, 20_000);
    expect(next.pollAt).toBe(21_500);
  });

  it('polls soon near the expected end, then backs off by half the time running, within bounds', () => {
    const model = node('a');
    const s = state([model]);
    scheduleFirstPoll(s, model, 0);
    scheduleRepoll(s, model, 1000);
    expect(model.pollAt).toBe(1000 + MIN_REPOLL_MS);
    scheduleRepoll(s, model, 8000);
    expect(model.pollAt).toBe(12_000);
    scheduleRepoll(s, model, 600_000);
    expect(model.pollAt).toBe(600_000 + MAX_REPOLL_MS);
  });

  it('repolls statements of milliseconds within a quarter of their time', () => {
    const model = node('a');
    const s = state([model]);
    learnDuration(s, model, 8);
    scheduleFirstPoll(s, model, 0);
    expect(model.pollAt).toBe(8);
    scheduleRepoll(s, model, 8);
    expect(model.pollAt).toBe(10);
  });

  it('gives the time until the earliest statement in flight is due, and nothing when none runs', () => {
    const a = node('a');
    const b = node('b', 'tests');
    const s = state([a, b, { ...node('c'), status: 'success', statementId: undefined }]);
    scheduleFirstPoll(s, a, 0);
    scheduleFirstPoll(s, b, 0);
    expect(msUntilNextPoll(s, 100)).toBe(PRIOR_STATEMENT_MS.tests! - 100);
    expect(msUntilNextPoll(s, 5000)).toBe(0);
    clearPoll(a);
    expect(msUntilNextPoll(s, 100)).toBe(0); // a node without a due time is due now
    expect(msUntilNextPoll(state([]), 0)).toBeUndefined();
  });

  it('ignores durations that say nothing', () => {
    const s = state([]);
    learnDuration(s, node('a'), 0);
    learnDuration(s, node('a'), Number.NaN);
    expect(s.expectedMs).toBeUndefined();
  });

  it('names the statements due within a linger (a shared batch once), and makes those seen to end due now', () => {
    const [a, b, c] = [node('a'), node('b'), node('c')];
    const rider = { ...node('t'), kind: 'tests' as const, statementId: 's-a' };
    const s = state([a, b, c, rider]);
    Object.assign(a, { pollAt: 1500 });
    Object.assign(rider, { pollAt: 1500 });
    Object.assign(b, { pollAt: 2900 });
    Object.assign(c, { pollAt: 3100 });
    expect(statementsDueWithin(s, 1000, 2000)).toEqual(['s-a', 's-b']);
    const woken = dueNow(s, ['s-b'], 1200);
    expect(woken.nodes.map((n) => n.pollAt)).toEqual([1500, 1200, 3100, 1500]);
    expect(isDue(woken.nodes[1]!, 1200)).toBe(true);
    expect(s.nodes[1]!.pollAt).toBe(2900); // the input is left as it was
    expect(dueNow(s, [], 1200)).toBe(s);
  });

  describe('by what the statement builds', () => {
    it('polls a view near the views\' time, not the tables\'', () => {
      const s = state([]);
      for (const ms of [2000, 1500, 2500]) learnDuration(s, building('v', 'view'), ms);
      for (const ms of [60_000, 90_000, 40_000]) learnDuration(s, building('t', 'table'), ms);
      const view = building('v2', 'view');
      const table = building('t2', 'table');
      scheduleFirstPoll(s, view, 0);
      scheduleFirstPoll(s, table, 0);
      expect(view.pollAt).toBeGreaterThanOrEqual(1500);
      expect(view.pollAt).toBeLessThanOrEqual(2500);
      expect(table.pollAt).toBeGreaterThanOrEqual(40_000);
      expect(s.expectedMs).toEqual({ view: 2045, table: 60_300 }); // 2000 → 1850 → 2045 (×0.3 steps); 60000 → 69000 → 60300
    });

    it('uses the prior of what it builds until one building the same ends', () => {
      const s = state([]);
      expect(expectedStatementMs(s, building('v', 'view'))).toBe(PRIOR_STATEMENT_MS.view);
      expect(expectedStatementMs(s, building('t', 'table'))).toBe(PRIOR_STATEMENT_MS.table);
      learnDuration(s, building('t', 'table'), 50_000);
      expect(expectedStatementMs(s, building('v', 'view'))).toBe(PRIOR_STATEMENT_MS.view); // tables teach views nothing
    });

    it('learns a later step apart from the first (an incremental merge is not its delta)', () => {
      const s = state([]);
      learnDuration(s, building('i', 'incremental', 0), 30_000);
      learnDuration(s, building('i', 'incremental', 1), 4000);
      expect(estimateKey(building('i', 'incremental', 1))).toBe('incremental#1');
      expect(expectedStatementMs(s, building('j', 'incremental'))).toBe(30_000);
      expect(expectedStatementMs(s, building('j', 'incremental', 1))).toBe(4000);
      expect(expectedStatementMs(s, building('j', 'incremental', 2))).toBe(PRIOR_STATEMENT_MS.incremental);
    });

    it('falls back to the node kind for states planned without `builds`, and for tests, loads and hooks', () => {
      const s = state([]);
      learnDuration(s, node('old'), 7000);
      expect(expectedStatementMs(s, node('older'))).toBe(7000);
      expect(expectedStatementMs(s, building('v', 'view'))).toBe(PRIOR_STATEMENT_MS.view);
      expect(estimateKey(node('t', 'tests'))).toBe('tests');
      expect(expectedStatementMs(s, node('l', 'load'))).toBe(PRIOR_STATEMENT_MS.load);
    });
  });
});

describe('per-model prior (RunNode.priorMs, from the last run that built the model)', () => {
  it('expects a model\'s first statement to take its own prior, before what statements building the same took in the run', () => {
    const table = { ...building('t', 'table'), priorMs: 90_000 };
    const other = building('u', 'table');
    const s = state([table, other]);
    learnDuration(s, other, 30_000);
    expect(expectedStatementMs(s, table)).toBe(90_000);
    expect(expectedStatementMs(s, other)).toBe(30_000);
    scheduleFirstPoll(s, table, 0);
    expect(table.pollAt).toBe(90_000);
    // Its later steps are not what its first took.
    expect(expectedStatementMs(s, { ...table, step: 1 })).toBe(PRIOR_STATEMENT_MS.table);
  });

  it('keeps what a model\'s first statement took as its prior for the run history, not a later step\'s, nor a tests node\'s', () => {
    const view = building('v', 'view');
    const merge = building('i', 'incremental', 1);
    const tests = node('t', 'tests');
    const s = state([view, merge, tests]);
    learnDuration(s, view, 1234.4);
    learnDuration(s, merge, 50_000);
    learnDuration(s, tests, 700);
    expect(view.priorMs).toBe(1234);
    expect(merge.priorMs).toBeUndefined();
    expect(tests.priorMs).toBeUndefined();
  });
});
