import { dialects } from '../../../src/engine/dialects';
import type { ModelNode } from '../../../src/engine/manifest';
import { planMaterialization } from '../../../src/engine/materializations';
import { schemaChanges, stringExpansions } from '../../../src/engine/materializations/incremental';

function model(config: Partial<ModelNode['config']>): ModelNode {
  return {
    uniqueId: 'model.p.events', resourceType: 'model', name: 'events', packageName: 'p', origin: { file: 'models/events.sql' },
    rawSql: '', relation: { schema: 'analytics', identifier: 'events' }, dependsOn: [], path: '',
    config: { materialized: 'incremental', tags: [], enabled: true, ...config },
  };
}

const deltaKey = 'analytics.events__lf_delta';
const sameColumns = [{ name: 'id', type: 'integer' }, { name: 'kind', type: 'integer' }, { name: 'amount', type: 'integer' }];
/** The statements of the step that merges the delta, once the columns of delta and target are known. */
const plan = (config: Partial<ModelNode['config']>, columns = { [deltaKey]: sameColumns, 'analytics.events': sameColumns }) => planMaterialization({
  node: model(config), sql: 'select 1 as id, 2 as kind, 3 as amount', dialect: dialects.postgres,
  existing: { kind: 'table', columns: ['id', 'kind', 'amount'] }, fullRefresh: false, columns,
}).steps[1]!.sqls;

describe('planIncremental', () => {
  it('merges on every column of a unique_key list, with incremental_predicates in the match', () => {
    const sqls = plan({ incremental_strategy: 'merge', unique_key: ['id', 'kind'], incremental_predicates: ["DBT_INTERNAL_DEST.kind <> 'b'"] });
    const merge = sqls.find((s) => s.startsWith('merge'))!;
    // Redshift's MERGE takes no target alias: the target is named by its table (dbt-redshift's form).
    expect(merge.startsWith('merge into "analytics"."events"\nusing "analytics"."events__lf_delta" as DBT_INTERNAL_SOURCE\n')).toBe(true);
    expect(merge).toContain(`on ("analytics"."events".kind <> 'b') and (DBT_INTERNAL_SOURCE."id" = "analytics"."events"."id") and (DBT_INTERNAL_SOURCE."kind" = "analytics"."events"."kind")`);
    expect(merge).toContain('when matched then update set "id" = DBT_INTERNAL_SOURCE."id", "kind" = DBT_INTERNAL_SOURCE."kind", "amount" = DBT_INTERNAL_SOURCE."amount"');
    expect(merge).toContain('when not matched then insert ("id", "kind", "amount")');
    expect(sqls.some((s) => s.startsWith('insert'))).toBe(false);
  });

  it('updates only merge_update_columns, or every column but merge_exclude_columns, on a match', () => {
    const only = plan({ incremental_strategy: 'merge', unique_key: 'id', merge_update_columns: ['amount'] }).find((s) => s.startsWith('merge'))!;
    expect(only).toContain('when matched then update set amount = DBT_INTERNAL_SOURCE.amount\n');
    expect(only).toContain('when not matched then insert ("id", "kind", "amount")');
    const but = plan({ incremental_strategy: 'merge', unique_key: 'id', merge_exclude_columns: ['KIND'] }).find((s) => s.startsWith('merge'))!;
    expect(but).toContain('when matched then update set "id" = DBT_INTERNAL_SOURCE."id", "amount" = DBT_INTERNAL_SOURCE."amount"\n');
  });

  it('fails the model when both merge_update_columns and merge_exclude_columns are set', () => {
    const step = planMaterialization({
      node: model({ incremental_strategy: 'merge', unique_key: 'id', merge_update_columns: ['amount'], merge_exclude_columns: ['kind'] }),
      sql: 'select 1', dialect: dialects.postgres, existing: { kind: 'table', columns: [] }, fullRefresh: false, columns: { [deltaKey]: sameColumns, 'analytics.events': sameColumns },
    }).steps[1]!;
    expect(step.failWith).toContain('both merge_update_columns and merge_exclude_columns');
  });

  it('deletes the rows whose key tuple the delta holds, then inserts, for delete+insert (as dbt-postgres writes it)', () => {
    const sqls = plan({ incremental_strategy: 'delete+insert', unique_key: 'id, kind', incremental_predicates: ['amount > 0', "DBT_INTERNAL_DEST.kind <> 'b'"] });
    expect(sqls[0]).toBe('delete from "analytics"."events" where (id, kind) in (select distinct id, kind from "analytics"."events__lf_delta" as DBT_INTERNAL_SOURCE)'
      + ' and amount > 0 and "analytics"."events".kind <> \'b\'');
    expect(sqls[1]).toBe('insert into "analytics"."events" ("id", "kind", "amount") select "id", "kind", "amount" from "analytics"."events__lf_delta"');
  });

  it('joins the delta for a key list on Redshift, whose IN subquery takes one column (dbt-redshift\'s form)', () => {
    const sqls = planMaterialization({
      node: model({ incremental_strategy: 'delete+insert', unique_key: ['id', 'kind'], incremental_predicates: ["DBT_INTERNAL_DEST.kind <> 'b'"] }),
      sql: 'select 1', dialect: dialects.redshift, existing: { kind: 'table', columns: ['id', 'kind', 'amount'] }, fullRefresh: false,
      columns: { [deltaKey]: sameColumns, 'analytics.events': sameColumns },
    }).steps[1]!.sqls;
    expect(sqls[0]).toBe('delete from "analytics"."events" using "analytics"."events__lf_delta" as DBT_INTERNAL_SOURCE'
      + ' where "analytics"."events".id = DBT_INTERNAL_SOURCE.id and "analytics"."events".kind = DBT_INTERNAL_SOURCE.kind and "analytics"."events".kind <> \'b\'');
  });

  it('only inserts for delete+insert without a unique_key, as dbt does', () => {
    expect(plan({ incremental_strategy: 'delete+insert' }).filter((s) => /^(delete|merge)/.test(s))).toEqual([]);
  });

  it('only inserts for append', () => {
    expect(plan({ incremental_strategy: 'append' }).filter((s) => /^(delete|merge)/.test(s))).toEqual([]);
  });

  it('widens the string columns the delta has longer, even when on_schema_change is ignore, then inserts the target columns', () => {
    const sqls = plan({ incremental_strategy: 'append' }, {
      [deltaKey]: [{ name: 'id', type: 'integer' }, { name: 'name', type: 'character varying(40)' }, { name: 'code', type: 'character varying(2)' }, { name: 'extra', type: 'text' }],
      'analytics.events': [{ name: 'id', type: 'integer' }, { name: 'name', type: 'character varying(10)' }, { name: 'code', type: 'character varying(5)' }],
    });
    expect(sqls).toEqual([
      'alter table "analytics"."events" add column "name__dbt_alter" character varying(40)',
      'update "analytics"."events" set "name__dbt_alter" = "name"',
      'alter table "analytics"."events" drop column "name" cascade',
      'alter table "analytics"."events" rename column "name__dbt_alter" to "name"',
      'insert into "analytics"."events" ("id", "code", "name") select "id", "code", "name" from "analytics"."events__lf_delta"',
      'drop table if exists "analytics"."events__lf_delta"',
    ]);
  });
  it('fails the model, dropping the delta, when on_schema_change is ignore and the new rows lack a column of the table', () => {
    const step = planMaterialization({
      node: model({ incremental_strategy: 'append' }), sql: 'select 1 as id', dialect: dialects.postgres,
      existing: { kind: 'table', columns: ['id', 'kind'] }, fullRefresh: false,
      columns: { [deltaKey]: [{ name: 'id', type: 'integer' }], 'analytics.events': [{ name: 'id', type: 'integer' }, { name: 'kind', type: 'text' }] },
    }).steps[1]!;
    expect(step.sqls).toEqual(['drop table if exists "analytics"."events__lf_delta"']);
    expect(step.failWith).toContain('lack the column "kind"');
  });
});

describe('stringExpansions', () => {
  it('counts text and an unsized varchar as 256 characters, as dbt does', () => {
    expect(stringExpansions([{ name: 'a', type: 'text' }], [{ name: 'a', type: 'character varying(10)' }])).toEqual([{ name: 'a', type: 'character varying(256)' }]);
    expect(stringExpansions([{ name: 'a', type: 'character varying(300)' }], [{ name: 'a', type: 'text' }])).toEqual([{ name: 'a', type: 'character varying(300)' }]);
    expect(stringExpansions([{ name: 'a', type: 'text' }], [{ name: 'a', type: 'text' }])).toEqual([]);
    expect(stringExpansions([{ name: 'a', type: 'integer' }], [{ name: 'a', type: 'character varying(1)' }])).toEqual([]);
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
      'delete from "analytics"."events" where (id) in (select distinct id from "analytics"."events__lf_delta" as DBT_INTERNAL_SOURCE)',
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

describe('schemaChanges', () => {
  it('does not count a string the target already holds longer as a changed type, and compares types as dbt spells them', () => {
    const { retyped } = schemaChanges(
      [{ name: 'a', type: 'character varying(5)' }, { name: 'b', type: 'character(3)' }, { name: 'c', type: 'numeric(12,2)' }],
      [{ name: 'a', type: 'character varying(10)' }, { name: 'b', type: 'character varying(3)' }, { name: 'c', type: 'integer' }],
    );
    expect(retyped).toEqual([{ name: 'c', type: 'numeric(12,2)' }]);
  });
});

describe('planIncremental on Redshift', () => {
  const existing = { kind: 'table' as const, columns: ['id', 'code', 'amount'] };
  const runId = 'arn:aws:states:us-east-1:1:execution:transform-run:run-7';
  const planOn = (config: Partial<ModelNode['config']>, columns?: Record<string, { name: string; type: string }[]>) => planMaterialization({
    node: model({ unique_key: 'id', ...config }), sql: 'select 1 as id', dialect: dialects.redshift, existing, fullRefresh: false, columns, runId,
  });
  const deltaName = planOn({}).steps[0]!.sqls[1]!.match(/"analytics"\."(events__lf_delta_[0-9a-f]{8})"/)![1]!;
  const columns = (delta: { name: string; type: string }[]) => ({
    [`analytics.${deltaName}`]: delta,
    'analytics.events': [{ name: 'id', type: 'integer' }, { name: 'code', type: 'character varying(10)' }, { name: 'amount', type: 'integer' }],
  });

  it('widens a VARCHAR with ALTER COLUMN TYPE in a step of its own (Redshift cannot alter a column type in a transaction block)', () => {
    const plan = planOn({ dist: 'code', sort: ['code'] }, columns([{ name: 'id', type: 'integer' }, { name: 'code', type: 'character varying(40)' }, { name: 'amount', type: 'integer' }]));
    expect(plan.steps).toHaveLength(3);
    expect(plan.steps[1]!.sqls).toEqual(['alter table "analytics"."events" alter column "code" type varchar(40)']);
    // The column keeps its place: the insert names the table's columns in their order.
    expect(plan.steps[2]!.sqls.find((s) => s.startsWith('insert'))).toContain('("id", "code", "amount")');
    expect(plan.steps[2]!.sqls.join('\n')).not.toContain('drop column');
  });

  it('fails with "run --full-refresh" instead of dropping or retyping a DISTKEY/SORTKEY column', () => {
    const retyped = planOn({ dist: 'amount', on_schema_change: 'sync_all_columns' },
      columns([{ name: 'id', type: 'integer' }, { name: 'code', type: 'character varying(10)' }, { name: 'amount', type: 'numeric(12,2)' }]));
    const last = retyped.steps[retyped.steps.length - 1]!;
    expect(last.failWith).toContain('change the type of "amount", a distribution or sort key column');
    expect(last.failWith).toContain('--full-refresh');
    expect(last.sqls).toEqual([`drop table if exists "analytics"."${deltaName}"`]);
    const removed = planOn({ sort: ['code'], on_schema_change: 'sync_all_columns' }, columns([{ name: 'id', type: 'integer' }, { name: 'amount', type: 'integer' }]));
    expect(removed.steps[removed.steps.length - 1]!.failWith).toContain('remove "code"');
  });

  it('names its delta after the run, the same for every attempt of that run, another for another run', () => {
    expect(deltaName).toMatch(/^events__lf_delta_[0-9a-f]{8}$/);
    const again = planOn({}).steps[0]!.sqls[1]!;
    expect(again).toContain(deltaName);
    const other = planMaterialization({ node: model({ unique_key: 'id' }), sql: 'select 1 as id', dialect: dialects.redshift, existing, fullRefresh: false, runId: 'run-8' });
    expect(other.steps[0]!.sqls[1]).not.toContain(deltaName);
  });

  it("drops other runs' leftovers first, in the build step", () => {
    const plan = planMaterialization({
      node: model({ unique_key: 'id' }), sql: 'select 1 as id', dialect: dialects.redshift, existing, fullRefresh: false, runId,
      stagingLeftovers: ['events__lf_delta_0badf00d'],
    });
    expect(plan.steps[0]!.sqls[0]).toBe('drop table if exists "analytics"."events__lf_delta_0badf00d" cascade');
  });
});
