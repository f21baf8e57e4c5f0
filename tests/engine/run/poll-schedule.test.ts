import {
  MAX_REPOLL_MS, MIN_REPOLL_MS, PRIOR_STATEMENT_MS, clearPoll, dueNow, isDue, learnDuration, msUntilNextPoll, scheduleFirstPoll, scheduleRepoll,
  statementsDueWithin,
} from '../../../src/engine/run/poll-schedule';
import type { RunNode, RunState } from '../../../src/engine/run/run-state';

const node = (id: string, kind: RunNode['kind'] = 'model'): RunNode => ({ id, kind, name: id, dependsOn: [], status: 'running', statementId: `s-${id}` });
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
    scheduleFirstPoll(s, model, 20_000);
    expect(model.pollAt).toBe(21_500);
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
});
