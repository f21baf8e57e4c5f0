/**
 * The run history writer records each covered arrival's freshness lag beside run_results.json, summarizes it in the
 * index entry, and — in a Lambda — writes the EMF lines CloudWatch turns into the alarm's metric.
 */
import type { RunHistoryRecord } from '../../src/artifacts/run-history';
import { runRecordFromRunResults, type RunResultsV6 } from '../../src/docs-site/run-records';
import type { Manifest } from '../../src/engine/manifest';
import type { RunNode, RunState } from '../../src/engine/run/run-state';
import { coveredArrivalEntry } from '../../src/freshness-lag/covered-arrivals';
import { recordRunHistory, type RunHistoryStore } from '../../src/runtime/run-history-store';
import type { RunTrigger } from '../../src/runtime/transform-run';

const source = (name: string) => ({ uniqueId: `source.p.raw.${name}`, resourceType: 'source', sourceName: 'raw', name, meta: {}, tags: [] });
const model = (name: string, dependsOn: string[]) => ({ uniqueId: `model.p.${name}`, resourceType: 'model', name, dependsOn, config: { materialized: 'view' }, relation: { database: 'dev', schema: 'analytics', identifier: name }, origin: { file: `models/${name}.sql` }, tags: [], meta: {} });
const manifest = {
  projectName: 'p', compiledAt: '2026-12-05T00:00:00Z', vars: {}, macroSource: '', macroLines: 0, tests: {}, seeds: {},
  sources: { 'source.p.raw.a': source('a'), 'source.p.raw.b': source('b') },
  models: { 'model.p.stg_a': model('stg_a', ['source.p.raw.a']), 'model.p.stg_b': model('stg_b', ['source.p.raw.b']) },
} as unknown as Manifest;
const node = (id: string, finishedAt: string): RunNode => ({ id, kind: 'model', name: id, dependsOn: [], status: 'success', startedAt: '2026-12-05T10:05:00Z', finishedAt });
const run = {
  runId: 'arrivals-x', command: 'build', startedAt: '2026-12-05T10:05:00Z', fullRefresh: false, vars: {}, concurrency: 4, existing: {}, iterations: 0, waitSeconds: 1, done: true,
  nodes: [node('model.p.stg_a', '2026-12-05T10:06:00Z'), node('model.p.stg_b', '2026-12-05T10:09:00Z')],
} as RunState;
const event = (id: string, connectorId: string, arrivedAt: string) => ({
  version: '0', id, 'detail-type': 'Data Arrived', source: 'landfall', account: '0', time: arrivedAt, region: 'us-east-1', resources: [],
  detail: { loader: 'fivetran', arrivalId: id, arrivedAt, connector: { connectorId, groupId: 'g', syncId: id } },
}) as never;
const trigger: RunTrigger = {
  kind: 'manual', loader: 'manual', arrivedAt: '2026-12-05T10:05:00Z', description: '2 arrivals coalesced', routedSources: [],
  arrivals: [coveredArrivalEntry(event('fivetran:1', 'conn_a', '2026-12-05T10:00:00Z'), ['source:raw.a+']), coveredArrivalEntry(event('fivetran:2', 'conn_b', '2026-12-05T10:03:00Z'), ['source:raw.b+'])],
};

function capturingStore(): RunHistoryStore & { records: RunHistoryRecord[] } {
  const records: RunHistoryRecord[] = [];
  return { records, write: async (r) => void records.push(r), list: async () => [], readRunResults: async () => ({}) as never };
}

describe('recordRunHistory with covered arrivals', () => {
  const execution = { arn: 'arn:aws:states:us-east-1:123456789012:execution:landfall-prod-transform-run:arrivals-x', name: 'arrivals-x' };
  afterEach(() => {
    delete process.env.AWS_LAMBDA_FUNCTION_NAME;
    jest.restoreAllMocks();
  });

  it('writes freshness_lag.json beside run_results.json, with each arrival measured from its own landing', async () => {
    const store = capturingStore();
    await recordRunHistory(store, { manifest, run, execution, trigger });
    const record = store.records[0]!;
    expect(record.freshnessLag!.key).toBe('history/runs/arrivals-x/freshness_lag.json');
    const lags = Object.fromEntries(record.freshnessLag!.document.arrivals.map((a) => [a.id, [a.sources, a.queuedMs, a.lagMs]]));
    expect(lags).toEqual({ 'fivetran:1': [['source.p.raw.a'], 300_000, 360_000], 'fivetran:2': [['source.p.raw.b'], 120_000, 360_000] });
    expect(record.entry.freshnessLag).toEqual({ key: record.freshnessLag!.key, arrivals: 2, overall: { count: 2, p50Ms: 360_000, p95Ms: 360_000, maxMs: 360_000 } });
    expect(record.entry.trigger).toMatchObject({ kind: 'arrival', arrivals: [{ id: 'fivetran:1', source: 'conn_a', arrivedAt: '2026-12-05T10:00:00Z' }, { id: 'fivetran:2' }] });
  });

  it('puts the per-source and per-model summary in run_results.json, where the docs site reads it for the run page', async () => {
    const store = capturingStore();
    await recordRunHistory(store, { manifest, run, execution, trigger });
    const page = runRecordFromRunResults(store.records[0]!.runResults as unknown as RunResultsV6);
    expect(page.freshnessLag!.overall).toEqual({ count: 2, p50Ms: 360_000, p95Ms: 360_000, maxMs: 360_000 });
    expect(page.freshnessLag!.bySource['source.p.raw.b']).toEqual({ count: 1, p50Ms: 360_000, p95Ms: 360_000, maxMs: 360_000 });
    expect(page.freshnessLag!.byModel['model.p.stg_a']).toEqual({ count: 1, p50Ms: 360_000, p95Ms: 360_000, maxMs: 360_000 });
    expect(page.trigger.kind).toBe('arrival');
  });

  it('records nothing for a console run, and writes EMF lines only inside a Lambda', async () => {
    const store = capturingStore();
    const write = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    await recordRunHistory(store, { manifest, run, execution, trigger: { ...trigger, arrivals: undefined } });
    expect(store.records[0]!.freshnessLag).toBeUndefined();
    await recordRunHistory(store, { manifest, run, execution, trigger });
    expect(write).not.toHaveBeenCalled();
    process.env.AWS_LAMBDA_FUNCTION_NAME = 'landfall-prod-advanceRun';
    await recordRunHistory(store, { manifest, run, execution, trigger });
    const lines = write.mock.calls.map((c) => JSON.parse(String(c[0])));
    expect(lines.map((l) => [l.Source ?? null, l.FreshnessLagSeconds])).toEqual([[null, [360, 360]], ['source.p.raw.a', [360]], ['source.p.raw.b', [360]]]);
    expect(lines[0].StateMachine).toBe('landfall-prod-transform-run');
  });
});
