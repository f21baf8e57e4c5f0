import { compileManifest } from '../../../src/engine/project/compile-manifest';
import type { ProjectFiles } from '../../../src/engine/project/project-files';
import { parse as parseYaml } from 'yaml';
import { buildGraph } from '../../../src/engine/graph/graph';
import { selectNodes } from '../../../src/engine/graph/select';
import { planRun } from '../../../src/engine/run/plan-run';

const target = { name: 'dev', type: 'postgres' as const, schema: 'analytics', database: 'dev' };

const YAML = `version: 2
semantic_models:
  - name: orders_sm
    model: ref('orders')
    measures:
      - name: order_total
        agg: sum
metrics:
  - name: revenue
    label: Revenue
    type: simple
    type_params:
      measure: order_total
  - name: revenue_x2
    label: Revenue twice
    type: derived
    type_params:
      expr: revenue * 2
      metrics: [revenue]
saved_queries:
  - name: revenue_by_day
    query_params:
      metrics: [revenue]
exposures:
  - name: weekly_dashboard
    type: dashboard
    owner: {name: Ana}
    depends_on: ["ref('orders')", "ref('customers')", "metric('revenue')"]
`;

function project(yaml: string): ProjectFiles {
  return {
    root: '/nowhere',
    project: { name: 'shop' },
    models: [
      { file: 'models/stg_orders.sql', relative: 'stg_orders.sql', text: 'select 1 as id' },
      { file: 'models/marts/orders.sql', relative: 'marts/orders.sql', text: "select * from {{ ref('stg_orders') }}" },
      { file: 'models/marts/customers.sql', relative: 'marts/customers.sql', text: 'select 1 as id' },
    ],
    singularTests: [], macros: [], seeds: [],
    properties: [{ file: 'models/marts/_marts.yml', content: parseYaml(yaml), text: yaml }],
  } as ProjectFiles;
}

describe('exposures, semantic models, metrics and saved queries', () => {
  const manifest = compileManifest(project(YAML), { target });
  const graph = buildGraph(manifest);
  const select = (...s: string[]) => [...selectNodes(graph, s)].sort();

  it('are in the graph with dbt ids and their parents', () => {
    expect(manifest.definitions!['exposure.shop.weekly_dashboard']!.dependsOn).toEqual(['model.shop.orders', 'model.shop.customers', 'metric.shop.revenue']);
    expect(manifest.definitions!['semantic_model.shop.orders_sm']!.dependsOn).toEqual(['model.shop.orders']);
    expect(manifest.definitions!['metric.shop.revenue']!.dependsOn).toEqual(['semantic_model.shop.orders_sm']);
    expect(manifest.definitions!['metric.shop.revenue_x2']!.dependsOn).toEqual(['metric.shop.revenue']);
    expect(manifest.definitions!['saved_query.shop.revenue_by_day']!.dependsOn).toEqual(['metric.shop.revenue']);
  });

  // Each selection below gave the same nodes under dbt-core 1.10.23's `dbt ls` on this project.
  it('are selected by their methods, with graph operators', () => {
    expect(select('+exposure:weekly_dashboard')).toEqual(['exposure.shop.weekly_dashboard', 'metric.shop.revenue', 'model.shop.customers', 'model.shop.orders', 'model.shop.stg_orders', 'semantic_model.shop.orders_sm']);
    expect(select('exposure:weekly_dashboard+')).toEqual(['exposure.shop.weekly_dashboard']);
    expect(select('+saved_query:revenue_by_day')).toEqual(['metric.shop.revenue', 'model.shop.orders', 'model.shop.stg_orders', 'saved_query.shop.revenue_by_day', 'semantic_model.shop.orders_sm']);
    expect(select('metric:shop.rev*')).toEqual(['metric.shop.revenue', 'metric.shop.revenue_x2']);
    expect(select('resource_type:semantic_model')).toEqual(['semantic_model.shop.orders_sm']);
    expect(select('orders+')).toContain('saved_query.shop.revenue_by_day');
  });

  it('are never built: a run over everything plans only the models', () => {
    const state = planRun(manifest, { runId: 'r', command: 'build', select: ['+exposure:weekly_dashboard'] });
    expect(state.nodes.map((n) => n.id).sort()).toEqual(['model.shop.customers', 'model.shop.orders', 'model.shop.stg_orders']);
  });

  it('are left out when disabled', () => {
    const off = compileManifest(project(YAML.replace('    owner: {name: Ana}', '    owner: {name: Ana}\n    config: {enabled: false}')), { target });
    expect(off.definitions!['exposure.shop.weekly_dashboard']).toBeUndefined();
  });

  it.each([
    ['    type: dashboard\n', '    type: tv\n', /_marts\.yml:\d+: exposure 'weekly_dashboard': type 'tv' is not one of/],
    ['    owner: {name: Ana}\n', '', /_marts\.yml:25: exposure 'weekly_dashboard': `owner` is required/],
    ['    label: Revenue\n', '', /_marts\.yml:9: metric 'revenue': `label` is required/],
    ["    model: ref('orders')\n", '', /_marts\.yml:3: semantic_model 'orders_sm': `model` is required/],
    ["metric('revenue')", "metric('revenu')", /_marts\.yml:25: exposure 'weekly_dashboard': metric 'revenu' is not defined/],
    ["ref('customers')", "ref('customer')", /_marts\.yml:\d+: ref\('customer'\) does not match any model or seed/],
    ['      measure: order_total', '      measure: order_count', /metric 'revenue': measure 'order_count' is not defined by any semantic model/],
    ['      metrics: [revenue]\nexposures', '      metrics: revenue\nexposures', /saved_query 'revenue_by_day': `query_params.metrics` must be a list/],
  ])('fail the parse with the file and line: %s → %s', (from, to, error) => {
    expect(() => compileManifest(project(YAML.replace(from, to)), { target })).toThrow(error);
  });
});
