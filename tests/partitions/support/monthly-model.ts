import type { ModelNode } from '../../../src/engine/manifest';

/** A monthly-partitioned incremental model of package `p` in schema `marts`; `config` adds or overrides settings. */
export function monthlyModel(name: string, config: Record<string, unknown> = {}): ModelNode {
  return {
    uniqueId: `model.p.${name}`, resourceType: 'model', name, packageName: 'p',
    origin: { file: `models/${name}.sql` }, rawSql: '', path: '', dependsOn: [],
    relation: { schema: 'marts', identifier: name },
    config: { materialized: 'incremental', tags: [], enabled: true, partition_by: { field: 'created_at', granularity: 'month' }, ...config },
  };
}
