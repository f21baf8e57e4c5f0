import { compileManifest } from '../../../src/engine/project/compile-manifest';
import { compiledAnalyses } from '../../../src/engine/project/compile-analyses';
import type { ProjectFiles } from '../../../src/engine/project/project-files';
import { buildGraph } from '../../../src/engine/graph/graph';
import { fqnOf, selectNodes } from '../../../src/engine/graph/select';
import { dbtResourceType } from '../../../src/engine/manifest';
import { planRun } from '../../../src/engine/run/plan-run';

const target = { name: 'dev', type: 'postgres' as const, schema: 'analytics', database: 'dev' };

function project(analysis: string): ProjectFiles {
  return {
    root: '/nowhere',
    project: { name: 'shop', vars: { the_id: 7 } },
    models: [
      { file: 'models/orders.sql', relative: 'orders.sql', text: 'select 1 as id' },
      { file: 'models/order_ids.sql', relative: 'order_ids.sql', text: "{{ config(materialized='ephemeral') }} select id from {{ ref('orders') }}" },
    ],
    analyses: [{ file: 'analyses/finance/revenue_check.sql', relative: 'finance/revenue_check.sql', text: analysis }],
    singularTests: [], macros: [], seeds: [], properties: [],
  } as ProjectFiles;
}

describe('analyses', () => {
  const manifest = compileManifest(project("-- check\nselect * from {{ ref('order_ids') }} where id = {{ var('the_id') }}\n"), { target });
  const id = 'analysis.shop.revenue_check';

  it('are in the graph as dbt names them, downstream of their refs', () => {
    const node = manifest.analyses![id]!;
    expect(dbtResourceType(node)).toBe('analysis');
    expect(fqnOf(node)).toEqual(['shop', 'analysis', 'finance', 'revenue_check']);
    expect(node.dependsOn).toEqual(['model.shop.order_ids']);
    expect(selectNodes(buildGraph(manifest), ['orders+'])).toContain(id);
  });

  it('are never run, even when selected', () => {
    const state = planRun(manifest, { runId: 'r', command: 'build', select: ['+resource_type:analysis'] });
    expect(state.nodes.map((n) => n.id)).toEqual(['model.shop.orders']);
  });

  it('compile to target/compiled/<project>/analyses/… with refs, ephemeral CTEs and vars resolved', () => {
    const [compiled] = compiledAnalyses(manifest);
    expect(compiled!.path).toBe('compiled/shop/analyses/finance/revenue_check.sql');
    expect(compiled!.sql).toContain('"analytics"."orders"');
    expect(compiled!.sql).toMatch(/where id = 7/);
    expect(compiled!.sql).not.toContain('{{');
  });

  it('cannot be ref()ed, and a bad ref in one fails the parse naming the file', () => {
    expect(() => compileManifest(project("select * from {{ ref('nope') }}"), { target })).toThrow(/analyses\/finance\/revenue_check\.sql:1: ref\('nope'\) does not match/);
    const refsAnalysis = project('select 1 as id');
    refsAnalysis.models.push({ file: 'models/bad.sql', relative: 'bad.sql', text: "select * from {{ ref('revenue_check') }}" });
    expect(() => compileManifest(refsAnalysis, { target })).toThrow(/models\/bad\.sql:1: ref\('revenue_check'\) does not match any model or seed/);
  });
});
