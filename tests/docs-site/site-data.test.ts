import { buildSiteData, type ManifestV12 } from '../../src/docs-site/build-site-data';
import { loadedIndexOf } from '../../src/docs-site/browser/loaded-index';
import { lineageOf, AUTO_FOLD_LIMIT } from '../../src/docs-site/browser/lineage-graph';
import { layoutLineage } from '../../src/docs-site/browser/lineage-layout';
import { search } from '../../src/docs-site/browser/search';
import { SHARD_SIZE, withTestOutcomes, type RunRecord, type SiteIndex } from '../../src/docs-site/site-data';
import { runRecordFromRunResults } from '../../src/docs-site/run-records';

/** A hub model with `fanOut` children in two folders, each child with a not_null test on `id`. */
function hubManifest(fanOut: number): ManifestV12 {
  const nodes: ManifestV12['nodes'] = {
    'model.p.hub': { unique_id: 'model.p.hub', resource_type: 'model', name: 'hub', original_file_path: 'models/core/hub.sql', description: 'The hub', columns: { id: { name: 'id', description: 'key' } }, depends_on: { nodes: ['source.p.raw.t'] }, config: { materialized: 'table' } },
  };
  for (let i = 0; i < fanOut; i++) {
    const id = `model.p.child_${i}`;
    nodes[id] = { unique_id: id, resource_type: 'model', name: `child_${i}`, original_file_path: `models/${i % 2 ? 'marts' : 'staging'}/child_${i}.sql`, depends_on: { nodes: ['model.p.hub'] }, columns: { [`metric_${i}`]: { name: `metric_${i}` } } };
    nodes[`test.p.not_null_child_${i}_id.abc`] = { unique_id: `test.p.not_null_child_${i}_id.abc`, resource_type: 'test', name: `not_null_child_${i}_id`, attached_node: id, column_name: `metric_${i}`, depends_on: { nodes: [id] } };
  }
  return {
    metadata: { project_name: 'p' }, nodes,
    sources: { 'source.p.raw.t': { unique_id: 'source.p.raw.t', resource_type: 'source', name: 't', source_name: 'raw', loaded_at_field: '_loaded_at', freshness: { warn_after: { count: 1, period: 'hour' } } } },
  };
}

function indexOf(site: ReturnType<typeof buildSiteData>) {
  return loadedIndexOf(JSON.parse(site.files.get('data/index.json')!) as SiteIndex);
}

describe('docs site data', () => {
  test('splits node details into shards, links tests to columns and lists the most referenced node', () => {
    const site = buildSiteData({ manifest: hubManifest(500) });
    const index = indexOf(site);
    expect(index.ids).toHaveLength(1002);
    expect([...site.files.keys()].filter((f) => f.startsWith('data/nodes/'))).toHaveLength(Math.ceil(1002 / SHARD_SIZE));
    expect(site.overview.mostReferenced[0]).toEqual({ id: 'model.p.hub', name: 'hub', children: 500 });
    expect(site.overview.freshness).toEqual([expect.objectContaining({ name: 'raw.t', warnAfter: '1 hour', loadedAtField: '_loaded_at' })]);
    const child = index.position.get('model.p.child_7')!;
    const shard = JSON.parse(site.files.get(`data/nodes/${Math.floor(child / SHARD_SIZE)}.json`)!);
    const detail = shard[child % SHARD_SIZE];
    expect(detail.columns).toEqual([{ name: 'metric_7', description: '', tests: [index.position.get('test.p.not_null_child_7_id.abc')] }]);
  });

  test('search ranks a name match over a column match and says which column matched', () => {
    const index = indexOf(buildSiteData({ manifest: hubManifest(20) }));
    const hits = search(index, 'metric_13');
    expect(index.names[hits[0]!.index]).toBe('child_13');
    expect(hits[0]!.why).toBe('column metric_13');
    expect(index.names[search(index, 'hub')[0]!.index]).toBe('hub');
  });

  test('search while typing (narrowing the last matches) finds what a fresh search finds', () => {
    const index = indexOf(buildSiteData({ manifest: hubManifest(300) }));
    const typed = ['m', 'me', 'met', 'metr', 'metric_1', 'metric_12'].map((q) => search(index, q, 1000).map((h) => h.index).sort((a, b) => a - b));
    const fresh = (q: string) => { search(index, 'zzz-unrelated'); return search(index, q, 1000).map((h) => h.index).sort((a, b) => a - b); };
    expect(typed.at(-1)).toEqual(fresh('metric_12'));
    expect(typed.at(-1)!.map((i) => index.names[i]).filter((n) => n.startsWith('child'))).toEqual(['child_12', 'child_120', 'child_121', 'child_122', 'child_123', 'child_124', 'child_125', 'child_126', 'child_127', 'child_128', 'child_129']);
    expect(typed[2]).toEqual(fresh('met'));
  });

  test('the lineage of a 500-child hub folds the big layer by folder, opens a group, and lays out in columns', () => {
    const index = indexOf(buildSiteData({ manifest: hubManifest(500) }));
    const focus = index.position.get('model.p.hub')!;
    const folded = lineageOf(index, { focus, upDepth: 99, downDepth: 99, fold: 'auto', expanded: new Set() });
    expect(folded.nodeCount).toBe(502); // source, hub, 500 children; tests left out
    expect(folded.items.map((i) => i.label).sort()).toEqual(['hub', 'models/marts (250)', 'models/staging (250)', 't']);
    const opened = lineageOf(index, { focus, upDepth: 99, downDepth: 99, fold: 'auto', expanded: new Set(['g1:models/marts']) });
    expect(opened.items).toHaveLength(3 + 250);
    expect(500).toBeGreaterThan(AUTO_FOLD_LIMIT);
    const all = lineageOf(index, { focus, upDepth: 1, downDepth: 1, fold: 'none', expanded: new Set() });
    expect(all.items).toHaveLength(502);
    const pos = layoutLineage(all);
    const xs = new Set(pos.map((p) => p.x));
    expect(xs.size).toBe(3); // three columns: source, hub, children
  });

  test('test history keeps one letter per run, oldest first, for tests that were not in every run', () => {
    const run = (id: string, outcomes: Record<string, string>): RunRecord => ({
      id, command: 'build', status: 'success', startedAt: id, trigger: { kind: 'cli', summary: '' }, failures: [],
      nodes: Object.entries(outcomes).map(([t, status]) => ({ id: t, name: t, kind: 'test', status: status as 'pass' })),
    });
    let history = withTestOutcomes({ runs: [], tests: {} }, run('r1', { a: 'pass' }));
    history = withTestOutcomes(history, run('r2', { a: 'fail', b: 'warn' }));
    history = withTestOutcomes(history, run('r3', { b: 'skipped' }));
    expect(history).toEqual({ runs: ['r1', 'r2', 'r3'], tests: { a: 'pf-', b: '-ws' } });
  });

  test('a pipeline run_results.json gives the trigger, the console link and the timings', () => {
    const record = runRecordFromRunResults({
      metadata: { generated_at: '2026-12-05T02:00:10Z', invocation_id: 'run-1' }, elapsed_time: 10,
      args: { which: 'build', landfall: { execution: { arn: 'arn:aws:states:eu-west-1:123456789012:execution:landfall-prod-transform:arrival-1', name: 'arrival-1' }, trigger: { kind: 'arrival', arrivals: [{ loader: 'fivetran', source: 'app.users' }] } } },
      results: [
        { unique_id: 'model.p.a', status: 'success', message: null, execution_time: 2, timing: [{ name: 'execute', started_at: '2026-12-05T02:00:01Z', completed_at: '2026-12-05T02:00:03Z' }] },
        { unique_id: 'test.p.t.1', status: 'fail', message: 'Got 2 results', execution_time: 1, failures: 2, timing: [] },
        { unique_id: 'model.p.b', status: 'skipped', message: 'Skipped', execution_time: 0, timing: [] },
      ],
    });
    expect(record).toMatchObject({ id: 'arrival-1', status: 'failed', trigger: { kind: 'arrival', summary: 'arrival of fivetran app.users' } });
    expect(record.consoleUrl).toBe('https://eu-west-1.console.aws.amazon.com/states/home?region=eu-west-1#/v2/executions/details/arn:aws:states:eu-west-1:123456789012:execution:landfall-prod-transform:arrival-1');
    expect(record.nodes.map((n) => [n.kind, n.status, n.startedAt !== undefined])).toEqual([['model', 'success', true], ['test', 'fail', true], ['model', 'skipped', false]]);
    expect(record.failures).toEqual([expect.objectContaining({ nodeId: 'test.p.t.1', failures: 2 })]);
  });
});
