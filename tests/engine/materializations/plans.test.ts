import { dialects } from '../../../src/engine/dialects';
import type { ModelNode, SeedNode } from '../../../src/engine/manifest';
import { stagingRelation } from '../../../src/engine/dialects/staging-names';
import { planMaterialization } from '../../../src/engine/materializations';

function model(materialized: ModelNode['config']['materialized'], config: Partial<ModelNode['config']> = {}): ModelNode {
  return {
    uniqueId: 'model.p.fct_transfers', resourceType: 'model', name: 'fct_transfers', packageName: 'p',
    origin: { file: 'models/fct_transfers.sql' }, rawSql: '', relation: { schema: 'analytics', identifier: 'fct_transfers' },
    dependsOn: [], path: '', config: { materialized, tags: [], enabled: true, ...config },
  };
}

describe('Materialization plans', () => {
  it('builds a Redshift table with its physical design under a staging name and swaps it in, all in one transaction', () => {
    const { steps } = planMaterialization({
      node: model('table', { dist: 'sender_id', sort: ['created_at', 'transfer_id'] }), sql: 'select 1 as sender_id',
      dialect: dialects.redshift, existing: { kind: 'table', columns: [] }, fullRefresh: false,
    });
    expect(steps).toHaveLength(1);
    // Without a run (a plan outside any run), the run-less staging names.
    expect(steps[0]!.sqls).toEqual([
      'drop table if exists "analytics"."fct_transfers__lf_new" cascade',
      'create table "analytics"."fct_transfers__lf_new" diststyle key distkey("sender_id") compound sortkey("created_at", "transfer_id") as (\nselect 1 as sender_id\n)',
      'drop table if exists "analytics"."fct_transfers__lf_old" cascade',
      'alter table "analytics"."fct_transfers" rename to "fct_transfers__lf_old"',
      'alter table "analytics"."fct_transfers__lf_new" rename to "fct_transfers"',
      'drop table "analytics"."fct_transfers__lf_old" cascade',
    ]);
  });

  it('replaces a Redshift view by the staged swap, never by create or replace (its columns may change)', () => {
    const { steps } = planMaterialization({
      node: model('view'), sql: 'select * from "raw"."t"', dialect: dialects.redshift, existing: { kind: 'view', columns: [] }, fullRefresh: false, runId: 'run-1',
    });
    expect(steps).toHaveLength(1);
    const [dropStaged, create, ...swap] = steps[0]!.sqls;
    const staged = /"analytics"\."(fct_transfers__lf_new_[0-9a-f]{8})"/.exec(dropStaged!)![1];
    expect(dropStaged).toBe(`drop view if exists "analytics"."${staged}" cascade`);
    expect(create).toBe(`create view "analytics"."${staged}" as (\nselect * from "raw"."t"\n) with no schema binding`);
    expect(swap.join('\n')).toContain(`alter table "analytics"."${staged}" rename to "fct_transfers"`);
    expect(steps[0]!.sqls.join('\n')).not.toContain('create or replace');
  });

  it('names staging relations after the run, within the identifier limit, the same for every attempt of one run', () => {
    const long = { ...model('table'), relation: { schema: 'analytics', identifier: 'x'.repeat(70) } };
    const plan = (dialect: typeof dialects.redshift, runId: string) => planMaterialization({ node: long, sql: 'select 1', dialect, existing: { kind: 'table', columns: [] }, fullRefresh: false, runId });
    const stagedName = (sqls: string[]) => /"analytics"\."([^"]+)"/.exec(sqls[0]!)![1]!;
    const postgres = stagedName(plan(dialects.postgres, 'run-1').steps[0]!.sqls);
    expect(Buffer.byteLength(postgres)).toBeLessThanOrEqual(63);
    expect(postgres).toMatch(/^x+_[0-9a-f]{8}__lf_new_[0-9a-f]{8}$/);
    expect(stagedName(plan(dialects.postgres, 'run-1').steps[0]!.sqls)).toBe(postgres);
    expect(stagedName(plan(dialects.postgres, 'run-2').steps[0]!.sqls)).not.toBe(postgres);
    // Redshift allows 127 bytes, but its staging names keep to 63 so the local engine (PostgreSQL) runs them as they are.
    expect(stagedName(plan(dialects.redshift, 'run-1').steps[0]!.sqls)).toBe(postgres);
  });

  it('replaces a PostgreSQL view in place, falling back to the staged swap inside the helper under the run\'s staging name', () => {
    const replace = (runId: string) => planMaterialization({ node: model('view'), sql: 'select 1 -- one', dialect: dialects.postgres, existing: { kind: 'view', columns: [] }, fullRefresh: false, runId }).steps;
    const staged = stagingRelation({ schema: 'analytics', identifier: 'fct_transfers' }, 'new', 'run-1').identifier;
    expect(staged).toMatch(/^fct_transfers__lf_new_[0-9a-f]{8}$/);
    expect(replace('run-1')).toEqual([{ sqls: [`select public.landfall_replace_view('analytics', 'fct_transfers', $landfall_sql$\nselect 1 -- one\n$landfall_sql$, '${staged}')`] }]);
    expect(replace('run-2')[0]!.sqls[0]).not.toContain(staged);
  });

  it('swaps PostgreSQL relations through the helper that recreates dependent views', () => {
    const { steps } = planMaterialization({ node: model('view'), sql: 'select 1', dialect: dialects.postgres, existing: { kind: 'table', columns: [] }, fullRefresh: false });
    expect(steps[0]!.sqls[2]).toBe(`select public.landfall_swap_relation('analytics', 'fct_transfers__lf_new', 'fct_transfers', 'view')`);
  });

  it('builds an incremental model as a table on its first run and when fully refreshed', () => {
    const node = model('incremental', { incremental_strategy: 'delete+insert', unique_key: 'transfer_id' });
    const first = planMaterialization({ node, sql: 'select 1', dialect: dialects.postgres, existing: undefined, fullRefresh: false });
    const refreshed = planMaterialization({ node, sql: 'select 1', dialect: dialects.postgres, existing: { kind: 'table', columns: ['transfer_id'] }, fullRefresh: true });
    expect(first.steps[0]!.sqls).toEqual(['create table "analytics"."fct_transfers" as (\nselect 1\n)']);
    expect(refreshed.steps[0]!.sqls[1]).toMatch(/^create table "analytics"\."fct_transfers__lf_new"/);
  });

  it('loads a large seed in batches of at most 40 statements and swaps it in last', () => {
    const seed: SeedNode = {
      uniqueId: 'seed.p.big', resourceType: 'seed', name: 'big', packageName: 'p', origin: { file: 'seeds/big.csv' },
      relation: { schema: 'analytics', identifier: 'big' }, config: { materialized: 'seed', tags: [], enabled: true },
      columns: ['id', 'note'], columnTypes: { id: 'integer', note: 'text' }, dependsOn: [], path: '',
      rows: Array.from({ length: 200_000 }, (_, i) => [String(i), `it's row ${i}`]),
    };
    const { steps } = planMaterialization({ node: seed, sql: '', dialect: dialects.redshift, existing: undefined, fullRefresh: false });
    expect(steps.length).toBeGreaterThan(1);
    for (const step of steps) {
      expect(step.sqls.length).toBeLessThanOrEqual(40);
      for (const sql of step.sqls) expect(Buffer.byteLength(sql)).toBeLessThan(100_000);
    }
    expect(steps[0]!.sqls[1]).toBe('create table "analytics"."big__lf_new" ("id" integer, "note" varchar(65535))');
    expect(steps[0]!.sqls[2]).toContain("('1', 'it''s row 1')");
    expect(steps[steps.length - 1]!.sqls.at(-1)).toBe('alter table "analytics"."big__lf_new" rename to "big"');
  });
});
