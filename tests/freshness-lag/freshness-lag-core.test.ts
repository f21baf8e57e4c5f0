import { arrivalLags, type CoveredArrival } from '../../src/freshness-lag/arrival-lag';
import { aggregateLags, formatLag } from '../../src/freshness-lag/aggregate';
import { freshnessLagLines, MAX_VALUES_PER_LINE, stateMachineOf } from '../../src/freshness-lag/emf-lines';
import { freshnessLagKey } from '../../src/freshness-lag/history-document';
import { percentile, summarizeLags } from '../../src/freshness-lag/percentiles';
import type { RunNode } from '../../src/engine/run/run-state';

const T0 = Date.parse('2026-12-05T10:00:00Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();

describe('percentiles (nearest rank)', () => {
  it('picks an observed value of rank ⌈p·n⌉', () => {
    const values = Array.from({ length: 20 }, (_, i) => 20 - i); // 20..1, unsorted on purpose
    expect(percentile(values, 50)).toBe(10);
    expect(percentile(values, 95)).toBe(19);
    expect(percentile(values, 100)).toBe(20);
    expect(percentile([7], 95)).toBe(7);
    expect(summarizeLags([3, 1, 2])).toEqual({ count: 3, p50Ms: 2, p95Ms: 3, maxMs: 3 });
    expect(summarizeLags([])).toBeNull();
  });

  it('refuses what has no percentile', () => {
    expect(() => percentile([], 50)).toThrow(/no values/);
    expect(() => percentile([1], 0)).toThrow(/\(0, 100\]/);
  });
});

// raw.a → stg_a → mart (also reads stg_b) ; raw.b → stg_b ; raw.c → stg_c (failed) → mart_c (skipped)
const parents: Record<string, string[]> = {
  'model.p.stg_a': ['source.p.raw.a'],
  'model.p.stg_b': ['source.p.raw.b'],
  'model.p.mart': ['model.p.stg_a', 'model.p.stg_b'],
  'model.p.stg_c': ['source.p.raw.c'],
  'model.p.mart_c': ['model.p.stg_c'],
  'model.p.unrelated': [],
};
const node = (id: string, status: RunNode['status'], finishedSeconds?: number): RunNode => ({
  id, kind: 'model', name: id.split('.').pop()!, dependsOn: parents[id]!, status, ...(finishedSeconds !== undefined && { finishedAt: at(finishedSeconds) }),
});
const run = {
  startedAt: at(120),
  nodes: [
    node('model.p.stg_a', 'success', 200), node('model.p.stg_b', 'success', 260), node('model.p.mart', 'success', 400),
    node('model.p.stg_c', 'error', 210), node('model.p.mart_c', 'skipped'), node('model.p.unrelated', 'success', 150),
    { id: 'tests:model.p.mart', kind: 'tests', name: 'mart', dependsOn: ['model.p.mart'], status: 'pass', finishedAt: at(900) } as RunNode,
  ],
};
const arrival = (id: string, landed: number, sources: string[]): CoveredArrival => ({ id, loader: 'fivetran', landedAt: at(landed), sources });

describe('arrival lags of one run', () => {
  const lags = arrivalLags(run, [arrival('f:1', 0, ['source.p.raw.a']), arrival('f:2', 60, ['source.p.raw.b']), arrival('f:3', 100, ['source.p.raw.c'])], (id) => parents[id] ?? []);

  it('measures landed → each downstream model published, through intermediate models, tests and unrelated models excluded', () => {
    expect(lags[0]).toMatchObject({ id: 'f:1', runStartedAt: at(120), queuedMs: 120_000, lagMs: 400_000, unpublished: [] });
    expect(lags[0]!.published).toEqual([
      { model: 'model.p.stg_a', publishedAt: at(200), lagMs: 200_000 },
      { model: 'model.p.mart', publishedAt: at(400), lagMs: 400_000 },
    ]);
    expect(lags[1]!.published.map((p) => [p.model, p.lagMs])).toEqual([['model.p.stg_b', 200_000], ['model.p.mart', 340_000]]);
  });

  it('keeps models that did not publish open instead of counting them', () => {
    expect(lags[2]).toMatchObject({ id: 'f:3', published: [], unpublished: ['model.p.stg_c', 'model.p.mart_c'], lagMs: null });
  });

  it('aggregates per source and per model', () => {
    const aggregate = aggregateLags(lags);
    expect(aggregate.overall).toEqual({ count: 2, p50Ms: 340_000, p95Ms: 400_000, maxMs: 400_000 });
    expect(aggregate.bySource['source.p.raw.a']).toEqual({ count: 1, p50Ms: 400_000, p95Ms: 400_000, maxMs: 400_000 });
    expect(aggregate.byModel['model.p.mart']).toEqual({ count: 2, p50Ms: 340_000, p95Ms: 400_000, maxMs: 400_000 });
    expect(aggregate.byModel['model.p.unrelated']).toBeUndefined();
    expect(aggregate.unpublishedArrivals).toBe(1);
    expect(aggregate.queued).toEqual({ count: 3, p50Ms: 60_000, p95Ms: 120_000, maxMs: 120_000 });
  });

  it('refuses an arrival whose landing time is not a time', () => {
    expect(() => arrivalLags(run, [arrival('f:x', 0, [])].map((a) => ({ ...a, landedAt: 'yesterday' })), () => [])).toThrow(/f:x: landedAt 'yesterday'/);
  });
});

describe('EMF lines', () => {
  const lags = arrivalLags(run, Array.from({ length: 150 }, (_, i) => arrival(`f:${i}`, i % 2 ? 0 : 60, [i % 2 ? 'source.p.raw.a' : 'source.p.raw.b'])), (id) => parents[id] ?? []);
  const lines = freshnessLagLines(lags, 'landfall-prod-transform-run', T0).map((l) => JSON.parse(l));

  it('write one value per arrival in seconds, at most 100 per line, per state machine and per source', () => {
    const overall = lines.filter((l) => l.Source === undefined);
    expect(overall.map((l) => l.FreshnessLagSeconds.length)).toEqual([MAX_VALUES_PER_LINE, 50]);
    expect(overall[0]._aws.CloudWatchMetrics[0]).toEqual({ Namespace: 'Landfall', Dimensions: [['StateMachine']], Metrics: [{ Name: 'FreshnessLagSeconds', Unit: 'Seconds' }] });
    expect(overall[0].StateMachine).toBe('landfall-prod-transform-run');
    const a = lines.filter((l) => l.Source === 'source.p.raw.a');
    expect(a).toHaveLength(1);
    expect(a[0]._aws.CloudWatchMetrics[0].Dimensions).toEqual([['StateMachine', 'Source']]);
    expect(new Set(a[0].FreshnessLagSeconds)).toEqual(new Set([400]));
    expect(lines.every((l) => l._aws.Timestamp === T0)).toBe(true);
  });

  it('name the state machine from the execution ARN', () => {
    expect(stateMachineOf('arn:aws:states:eu-west-1:123456789012:execution:landfall-prod-transform-run:arrivals-x')).toBe('landfall-prod-transform-run');
  });
});

describe('storage and format', () => {
  it('keeps the document beside run_results.json', () => {
    expect(freshnessLagKey('history/runs/arrivals-x/run_results.json')).toBe('history/runs/arrivals-x/freshness_lag.json');
    expect(() => freshnessLagKey('history/runs/x/manifest.json')).toThrow(/not a run_results.json key/);
  });
  it('formats lags as people read them', () => {
    expect([formatLag(45_000), formatLag(9.5 * 60_000), formatLag(2 * 3_600_000)]).toEqual(['45 s', '9.5 min', '2.0 h']);
  });
});
