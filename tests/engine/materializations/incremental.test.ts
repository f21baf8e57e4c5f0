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

describe('planIncremental: on_schema_change', () => {
  const existing = { kind: 'table' as const, columns: ['id', 'amount'] };
  const delta = 'analytics.events__lf_delta';
  const planWith = (mode: string, columns?: Record<string, { name: string; type: string }[]>) => planMaterialization({
    node: model({ incremental_strategy: 'delete+insert', unique_key: 'id', on_schema_change: mode }),
    sql: 'select 1 as id, 2 as amount', dialect: dialects.postgres, existing, fullRefresh: false, columns,
  });
  const columns = {
    [delta]: [{ name: 'id', type: 'integer' }, { name: 'kind', type: 'text' }, { name: 'amount', type: 'bigint' }],
    'analytics.events': [{ name: 'id', type: 'integer' }, { name: 'amount', type: 'integer' }, { name: 'old', type: 'text' }],
  };

  it('first builds the delta as a table and asks for the columns of delta and target', () => {
    const plan = planWith('append_new_columns');
    expect(plan.steps).toHaveLength(1);
    expect(plan.steps[0]!.fetchColumns).toBe(true);
    expect(plan.steps[0]!.sqls[1]).toBe('create table "analytics"."events__lf_delta" as (\nselect 1 as id, 2 as amount\n)');
    expect(plan.steps[0]!.sqls[2]).toContain("(n.nspname = 'analytics' and c.relname = 'events__lf_delta') or (n.nspname = 'analytics' and c.relname = 'events')");
  });

  it('fails, dropping the delta, when the columns differ and the mode is fail', () => {
    const step = planWith('fail', columns).steps[1]!;
    expect(step.sqls).toEqual(['drop table if exists "analytics"."events__lf_delta"']);
    expect(step.failWith).toContain('new columns: kind; removed columns: old; changed types: amount');
  });

  it('adds new columns and inserts the delta columns for append_new_columns', () => {
    expect(planWith('append_new_columns', columns).steps[1]!.sqls).toEqual([
      'alter table "analytics"."events" add column "kind" text',
      'delete from "analytics"."events" using "analytics"."events__lf_delta" where ("analytics"."events"."id" = "analytics"."events__lf_delta"."id")',
      'insert into "analytics"."events" ("id", "kind", "amount") select "id", "kind", "amount" from "analytics"."events__lf_delta"',
      'drop table if exists "analytics"."events__lf_delta"',
    ]);
  });

  it('adds, drops and retypes columns for sync_all_columns', () => {
    const sqls = planWith('sync_all_columns', columns).steps[1]!.sqls;
    expect(sqls.slice(0, 6)).toEqual([
      'alter table "analytics"."events" add column "kind" text',
      'alter table "analytics"."events" drop column "old"',
      'alter table "analytics"."events" add column "amount__dbt_alter" bigint',
      'update "analytics"."events" set "amount__dbt_alter" = "amount"',
      'alter table "analytics"."events" drop column "amount" cascade',
      'alter table "analytics"."events" rename column "amount__dbt_alter" to "amount"',
    ]);
  });

  it('merges without altering when the schemas agree', () => {
    const same = { [delta]: [{ name: 'id', type: 'integer' }], 'analytics.events': [{ name: 'ID', type: 'integer' }] };
    const step = planWith('fail', same).steps[1]!;
    expect(step.failWith).toBeUndefined();
    expect(step.sqls.some((s) => s.startsWith('alter'))).toBe(false);
  });
});
