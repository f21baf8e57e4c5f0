import { dialects } from '../../../src/engine/dialects';
import type { ModelNode } from '../../../src/engine/manifest';
import { planMaterialization } from '../../../src/engine/materializations';

function model(config: Partial<ModelNode['config']>): ModelNode {
  return {
    uniqueId: 'model.p.events', resourceType: 'model', name: 'events', packageName: 'p', origin: { file: 'models/events.sql' },
    rawSql: '', relation: { schema: 'analytics', identifier: 'events' }, dependsOn: [], path: '',
    config: { materialized: 'incremental', tags: [], enabled: true, ...config },
  };
}

const plan = (config: Partial<ModelNode['config']>) => planMaterialization({
  node: model(config), sql: 'select 1 as id, 2 as kind, 3 as amount', dialect: dialects.postgres,
  existing: { kind: 'table', columns: ['id', 'kind', 'amount'] }, fullRefresh: false,
}).steps[0]!.sqls;

describe('planIncremental', () => {
  it('merges on every column of a unique_key list, with incremental_predicates in the match', () => {
    const sqls = plan({ incremental_strategy: 'merge', unique_key: ['id', 'kind'], incremental_predicates: ["DBT_INTERNAL_DEST.kind <> 'b'"] });
    const merge = sqls.find((s) => s.startsWith('merge'))!;
    expect(merge).toContain(`on (DBT_INTERNAL_DEST.kind <> 'b') and (DBT_INTERNAL_SOURCE."id" = DBT_INTERNAL_DEST."id") and (DBT_INTERNAL_SOURCE."kind" = DBT_INTERNAL_DEST."kind")`);
    expect(merge).toContain('when matched then update set "id" = DBT_INTERNAL_SOURCE."id", "kind" = DBT_INTERNAL_SOURCE."kind", "amount" = DBT_INTERNAL_SOURCE."amount"');
    expect(merge).toContain('when not matched then insert ("id", "kind", "amount")');
    expect(sqls.some((s) => s.startsWith('insert'))).toBe(false);
  });

  it('deletes matching keys then inserts for delete+insert, honouring predicates', () => {
    const sqls = plan({ incremental_strategy: 'delete+insert', unique_key: 'id, kind', incremental_predicates: 'amount > 0' });
    expect(sqls[1]).toBe('delete from "analytics"."events" using "events__lf_delta" where ("analytics"."events"."id" = "events__lf_delta"."id" and "analytics"."events"."kind" = "events__lf_delta"."kind") and (amount > 0)');
    expect(sqls[2]).toBe('insert into "analytics"."events" ("id", "kind", "amount") select "id", "kind", "amount" from "events__lf_delta"');
  });

  it('only inserts for append', () => {
    expect(plan({ incremental_strategy: 'append' }).filter((s) => /^(delete|merge)/.test(s))).toEqual([]);
  });
});
