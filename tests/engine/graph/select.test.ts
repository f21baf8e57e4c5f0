import path from 'node:path';
import { compileManifest, readProjectFiles } from '../../../src/engine/compile';
import { buildGraph } from '../../../src/engine/graph/graph';
import { selectNodes } from '../../../src/engine/graph/select';
import { planRun } from '../../../src/engine/run/plan-run';

const manifest = compileManifest(readProjectFiles(path.join(__dirname, '..', '..', 'fixtures', 'projects', 'shop')), {
  target: { name: 'dev', type: 'postgres', schema: 'analytics', database: 'dev' },
});
const graph = buildGraph(manifest);
const names = (select: string[], exclude: string[] = []) =>
  [...selectNodes(graph, select, exclude)].filter((id) => !id.startsWith('test.')).map((id) => id.split('.').slice(2).join('.')).sort();

describe('Selection', () => {
  it('follows dbt syntax: parents, children, depth, sources, tags, paths, intersections and exclusions', () => {
    expect(names(['fct_orders'])).toEqual(['fct_orders']);
    expect(names(['+fct_orders'])).toEqual(['fct_orders', 'raw.orders', 'stg_orders']);
    expect(names(['1+fct_orders'])).toEqual(['fct_orders', 'stg_orders']);
    expect(names(['source:raw.customers+'])).toEqual(['dim_customers', 'raw.customers', 'stg_customers']);
    expect(names(['tag:staging'])).toEqual(['stg_customers', 'stg_orders']);
    expect(names(['path:models/marts'])).toEqual(['dim_customers', 'fct_orders']);
    expect(names(['tag:staging,+fct_orders'])).toEqual(['stg_orders']);
    expect(names(['*stg_*'], ['stg_orders'])).toEqual(['stg_customers']);
    expect(names(['config.materialized:incremental'])).toEqual(['fct_orders']);
  });

  it('reads a bare word as dbt does, as an fqn: a folder, a dotted path, the project, or a name wildcard (the leaf, as dbt 1.12.6)', () => {
    expect(names(['staging'])).toEqual(['stg_customers', 'stg_orders']); // not the sources declared there: dbt's fqn skips sources
    expect(names(['shop.marts.fct_orders'])).toEqual(['fct_orders']);
    expect(names(['shop'])).toEqual(names([]).filter((n) => !n.startsWith('raw.')));
    expect(names(['stg_*'])).toEqual(['stg_customers', 'stg_orders']); // dbt-core 1.11.16/1.12.6: a bare wildcard matches the leaf
    expect(names(['fqn:marts.*'])).toEqual(['dim_customers', 'fct_orders']);
    expect(names(['stg_orders.sql'])).toEqual(['stg_orders']);
    expect(names(['file:fct_orders.sql'])).toEqual(['fct_orders']);
    expect(names(['file:fct_orders'])).toEqual(['fct_orders']);
  });

  it('keeps a + inside a value, as in config.incremental_strategy:delete+insert', () => {
    // fct_orders leaves incremental_strategy unset (the adapter default applies when it runs), so, as in dbt, no match.
    expect(names(['config.incremental_strategy:delete+insert'])).toEqual([]);
    expect(names(['config.unique_key:order_id+'])).toEqual(['fct_orders']);
    expect(names(['config.materialized:incremental+'])).toEqual(['fct_orders']);
  });

  it('selects tests by type and generic test name, and brings each part\'s tests along before intersecting', () => {
    const tests = (select: string[], exclude: string[] = []) => [...selectNodes(graph, select, exclude)].filter((id) => id.startsWith('test.')).sort();
    const all = Object.values(manifest.tests);
    expect(tests(['test_type:singular'])).toEqual(all.filter((t) => t.kind === 'singular').map((t) => t.uniqueId).sort());
    expect(tests(['test_name:not_null'])).toEqual(all.filter((t) => t.testName === 'not_null').map((t) => t.uniqueId).sort());
    const ofStaging = all.filter((t) => t.dependsOn.some((d) => d.includes('.stg_'))).map((t) => t.uniqueId).sort();
    expect(tests(['resource_type:test,tag:staging'])).toEqual(ofStaging);
    expect(tests(['staging'], ['stg_orders']).some((id) => all.find((t) => t.uniqueId === id)!.dependsOn.includes('model.shop.stg_orders'))).toBe(false);
  });

  it('rejects an unknown selector method with the list of known ones', () => {
    expect(() => selectNodes(graph, ['tgs:staging'])).toThrow(/unknown selector method 'tgs:'.*tag/);
  });
});

describe('Function: planRun', () => {
  it('gates models on their parents\' tests and groups each model\'s tests in one node', () => {
    const run = planRun(manifest, { runId: 'r', command: 'build' });
    const byId = Object.fromEntries(run.nodes.map((n) => [n.id, n]));
    expect(byId['model.shop.stg_orders']!.dependsOn).toEqual(['tests:source.shop.raw.orders']);
    // The relationships test (fct_orders → dim_customers) joins fct_orders' tests, after both are built.
    expect(byId['tests:model.shop.fct_orders']!.dependsOn.sort()).toEqual(['model.shop.dim_customers', 'model.shop.fct_orders']);
    expect(byId['tests:model.shop.fct_orders']!.testIds!.length).toBe(5);
    const order = run.nodes.map((n) => n.id);
    expect(order.indexOf('model.shop.stg_orders')).toBeLessThan(order.indexOf('model.shop.fct_orders'));
  });

  it('runs only tests for `test`, only seeds for `seed`', () => {
    expect(planRun(manifest, { runId: 'r', command: 'test' }).nodes.every((n) => n.kind === 'tests')).toBe(true);
    expect(planRun(manifest, { runId: 'r', command: 'seed' }).nodes.map((n) => n.id)).toEqual(['seed.shop.countries']);
  });
});

describe('Function: compileManifest errors', () => {
  it('names the file and line of a Jinja error in a model', () => {
    const files = readProjectFiles(path.join(__dirname, '..', '..', 'fixtures', 'projects', 'shop'));
    const broken = { ...files, models: files.models.map((m) => (m.file.endsWith('stg_orders.sql') ? { ...m, text: 'select 1\n{{ ref( }}\n' } : m)) };
    expect(() => compileManifest(broken, { target: manifest.target })).toThrow(/^models\/staging\/stg_orders\.sql:2: /);
  });

  it('reports a dependency cycle with every model on it', () => {
    const files = readProjectFiles(path.join(__dirname, '..', '..', 'fixtures', 'projects', 'shop'));
    const cyclic = { ...files, models: files.models.map((m) => (m.file.endsWith('stg_orders.sql') ? { ...m, text: "select * from {{ ref('fct_orders') }}" } : m)) };
    expect(() => buildGraph(compileManifest(cyclic, { target: manifest.target }))).toThrow(/dependency cycle: .*fct_orders.*stg_orders/);
  });
});
