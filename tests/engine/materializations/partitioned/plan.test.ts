/**
 * The monthly-partitioned materialization as pure plans: which SQL each step runs, on each dialect.
 */
import { dialects } from '../../../../src/engine/dialects';
import type { ModelNode } from '../../../../src/engine/manifest';
import { planMaterialization } from '../../../../src/engine/materializations';
import type { PartitionPlanContext } from '../../../../src/engine/materializations/partitioned/plan';
import { monthOfTable, monthRelation, unionViewSql } from '../../../../src/engine/materializations/partitioned/relations';

function model(config: Record<string, unknown> = {}): ModelNode {
  return {
    uniqueId: 'model.p.fct_transfers', resourceType: 'model', name: 'fct_transfers', packageName: 'p',
    origin: { file: 'models/marts/fct_transfers.sql' }, rawSql: '', path: 'marts', dependsOn: [],
    relation: { schema: 'marts', identifier: 'fct_transfers' },
    config: {
      materialized: 'incremental', tags: [], enabled: true, incremental_strategy: 'delete+insert', unique_key: 'transfer_id',
      partition_by: { field: 'created_at', granularity: 'month' }, retention_months: 24, ...config,
    },
  };
}

function context(overrides: Partial<PartitionPlanContext> = {}): PartitionPlanContext {
  return {
    window: { start: '2026-11-14T00:00:00.000Z', end: '2026-11-15T00:00:00.000Z', source: 'since-last-window' },
    months: ['2026-11'], existingMonths: ['2026-10', '2026-11'], columns: ['transfer_id', 'created_at'], mode: 'merge', runId: 'run-1',
    auditTests: (target) => [{ id: 'test.p.unique_fct_transfers_transfer_id', sql: `select transfer_id from "${target.schema}"."${target.identifier}" group by 1 having count(*) > 1` }],
    ...overrides,
  };
}

const plan = (dialect: 'postgres' | 'redshift', partition: PartitionPlanContext, existing: 'view' | 'table' | undefined = 'view') =>
  planMaterialization({ node: model(), sql: 'select * from "int"."transfers"', dialect: dialects[dialect], existing: existing && { kind: existing, columns: [] }, fullRefresh: false, partition });

describe('monthly partition names', () => {
  it('names one table per month and recognizes only its own month tables', () => {
    const relation = { schema: 'marts', identifier: 'fct_transfers' };
    expect(monthRelation(relation, '2026-11')).toEqual({ schema: 'marts', identifier: 'fct_transfers__p202611' });
    expect(monthOfTable(relation, 'fct_transfers__p202611')).toBe('2026-11');
    expect(monthOfTable(relation, 'fct_transfers_daily__p202611')).toBeUndefined();
    expect(monthOfTable(relation, 'fct_transfers__p202611__lf_shadow')).toBeUndefined();
  });

  it('keeps month and shadow names within 63 bytes for long model names', () => {
    const relation = { schema: 'marts', identifier: 'x'.repeat(80) };
    expect(monthRelation(relation, '2026-11').identifier.length + '__lf_shadow'.length).toBeLessThanOrEqual(63);
    expect(monthOfTable(relation, monthRelation(relation, '2026-11').identifier)).toBe('2026-11');
  });

  it('builds the view with one schema-qualified branch per month, each filtered to its own month', () => {
    const sql = unionViewSql({ schema: 'marts', identifier: 'fct' }, 'created_at', ['2026-11', '2026-10'], ['id', 'created_at']);
    expect(sql).toBe([
      `select "id", "created_at" from "marts"."fct__p202610" where "created_at" >= '2026-10-01 00:00:00' and "created_at" < '2026-11-01 00:00:00'`,
      `select "id", "created_at" from "marts"."fct__p202611" where "created_at" >= '2026-11-01 00:00:00' and "created_at" < '2026-12-01 00:00:00'`,
    ].join('\nunion all\n'));
  });
});

describe('planPartitioned (a daily run)', () => {
  it('writes only the touched month: build the shadow, audit it, then publish in one transaction', () => {
    const { steps } = plan('postgres', context());
    expect(steps).toHaveLength(3);
    const [build, audit, publish] = steps.map((s) => s.sqls.join(';\n'));
    expect(build).toContain('create table "marts"."fct_transfers__p202611__lf_shadow_4e65d3fb" as');
    expect(build).toContain(`where "created_at" >= '2026-11-14 00:00:00' and "created_at" < '2026-11-15 00:00:00'`);
    expect(build).toContain(`from "marts"."fct_transfers__p202611" as published\nwhere ("created_at" < '2026-11-14 00:00:00' or "created_at" >= '2026-11-15 00:00:00')`);
    expect(build).toContain('not exists (select 1 from window_rows where window_rows."transfer_id" = published."transfer_id")');
    expect(build).toContain('add constraint lf_month_range check');
    expect(build).not.toContain('__p202610');
    expect(audit).toContain('cast(');
    expect(audit).toContain('"marts"."fct_transfers__p202611__lf_shadow_4e65d3fb"');
    expect(publish).toContain(`landfall_swap_relation('marts', 'fct_transfers__p202611__lf_shadow_4e65d3fb', 'fct_transfers__p202611', 'table')`);
    // PostgreSQL: unfiltered branches (the CHECK constraints hold the ranges), so the planner can skip months.
    expect(publish).toContain('select "transfer_id", "created_at" from "marts"."fct_transfers__p202610"\nunion all');
    expect(publish).toContain(`insert into "landfall"."partition_windows"`);
  });

  it('on Redshift stages a late-binding view with schema-qualified branches and swaps by rename', () => {
    const publish = plan('redshift', context()).steps[2]!.sqls;
    // No `create or replace view`: Redshift refuses one whose columns change (r_CREATE_VIEW).
    expect(publish.join('\n')).not.toContain('create or replace');
    const view = publish.find((s) => s.startsWith('create view'))!;
    expect(view).toMatch(/^create view "marts"."fct_transfers__lf_view_4e65d3fb" as \(/);
    expect(publish).toContain('alter table "marts"."fct_transfers__lf_view_4e65d3fb" rename to "fct_transfers"');
    expect(view).toMatch(/\) with no schema binding$/);
    expect(view).toContain('from "marts"."fct_transfers__p202610" where');
    expect(publish).toContain('alter table "marts"."fct_transfers__p202611__lf_shadow_4e65d3fb" rename to "fct_transfers__p202611"');
    expect(plan('redshift', context()).steps[0]!.sqls.join('\n')).not.toContain('check (');
  });

  it('builds a month that has no table yet whole, from the month start', () => {
    const { steps } = plan('postgres', context({ months: ['2026-12'], window: { start: '2026-11-30T00:00:00.000Z', end: '2026-12-01T10:00:00.000Z', source: 'since-last-window' } }));
    const build = steps[0]!.sqls.join('\n');
    expect(build).toContain(`where "created_at" >= '2026-12-01 00:00:00' and "created_at" < '2027-01-01 00:00:00'`);
    expect(build).not.toContain('published');
    // The new month's table did not exist: the swap has nothing to replace, and the view gains a branch.
    expect(steps[2]!.sqls.join('\n')).toContain('"fct_transfers__p202612"');
  });

  it('rebuilds every touched month on a first build, month by month, recording the window once', () => {
    const { steps } = plan('postgres', context({ mode: 'rebuild', existingMonths: [], columns: [], months: ['2026-09', '2026-10', '2026-11'] }), 'table');
    expect(steps).toHaveLength(9);
    expect(steps.filter((s) => s.sqls.some((q) => q.includes('partition_windows')))).toHaveLength(1);
    expect(steps[0]!.sqls[1]).toContain('select * from (');
    // The first publish replaces the old table of the same name with the view.
    expect(steps[2]!.sqls.join('\n')).toContain(`landfall_swap_relation('marts', 'fct_transfers__lf_view_4e65d3fb', 'fct_transfers', 'view')`);
  });

  it('skips the audit step when the model has no error-severity tests', () => {
    expect(plan('postgres', context({ auditTests: () => [] })).steps).toHaveLength(2);
  });

  it('refuses to plan without a run window', () => {
    expect(() => planMaterialization({ node: model(), sql: 'select 1', dialect: dialects.postgres, existing: undefined, fullRefresh: false }))
      .toThrow(/prepare the run first/);
  });
});
