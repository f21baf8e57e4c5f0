/**
 * The monthly-partitioned materialization as pure plans: which SQL each step runs, on each dialect.
 */
import { dialects } from '../../../../src/engine/dialects';
import type { ModelNode } from '../../../../src/engine/manifest';
import { planMaterialization } from '../../../../src/engine/materializations';
import type { PartitionPlanContext } from '../../../../src/engine/materializations/partitioned/plan';
import type { FetchedColumns } from '../../../../src/engine/materializations/plan';
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
    window: { start: '2026-11-14T00:00:00.000Z', end: '2026-11-15T00:00:00.000Z', source: 'since-watermark' },
    months: ['2026-11'], existingMonths: ['2026-10', '2026-11'], columns: ['transfer_id', 'created_at'], mode: 'merge', runId: 'run-1', hasNullsTable: true,
    watermark: '2026-11-14T23:00:00.000Z',
    auditTests: (relationSql) => [
      { id: 'test.p.unique_fct_transfers_transfer_id', sql: `select transfer_id from ${relationSql({ id: 'u', kind: 'generic', testName: 'unique', columnName: 'transfer_id' })} group by 1 having count(*) > 1` },
      { id: 'test.p.not_null_fct_transfers_transfer_id', sql: `select * from ${relationSql({ id: 'n', kind: 'generic', testName: 'not_null', columnName: 'transfer_id' })} where transfer_id is null` },
      { id: 'test.p.singular', sql: `select * from ${relationSql({ id: 's', kind: 'singular' })} where false` },
    ],
    ...overrides,
  };
}

const DELTA = 'fct_transfers__lf_delta_4e65d3fb';
const columnsOf = (names: string[]) => names.map((name) => ({ name, type: name === 'created_at' ? 'timestamp without time zone' : 'integer' }));
const fetched = (delta: string[] = ['transfer_id', 'created_at'], month: string | undefined = '2026-11', existing: string[] = ['transfer_id', 'created_at']) => ({
  [`marts.${DELTA}`]: columnsOf(delta), ...(month ? { [`marts.fct_transfers__p${month.replace('-', '')}`]: columnsOf(existing) } : {}),
});

const plan = (dialect: 'postgres' | 'redshift', partition: PartitionPlanContext, existing: 'view' | 'table' | undefined = 'view', columns: FetchedColumns | null = fetched(), config: Record<string, unknown> = {}) =>
  planMaterialization({
    node: model(config), sql: 'select * from "int"."transfers"', dialect: dialects[dialect], existing: existing && { kind: existing, columns: [] }, fullRefresh: false, partition,
    ...(columns ? { columns } : {}),
  });

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
  it('builds a delta, audits what readers will see, then replaces only the window inside the month in one transaction', () => {
    const first = plan('postgres', context(), 'view', null).steps;
    expect(first[0]!.fetchColumns).toBe(true);
    expect(first[0]!.sqls.join('\n')).toContain(`create table "marts"."${DELTA}" as`);

    const { steps } = plan('postgres', context());
    expect(steps).toHaveLength(3);
    const [, audit, publish] = steps.map((s) => s.sqls.join(';\n'));
    // The audit counts into a temporary table and raises through the procedure, naming every failing check.
    expect(audit).toContain('call "landfall"."lf_raise_audit_failures_v1"(');
    expect(audit).toContain("'test.p.unique_fct_transfers_transfer_id' as test_id");
    expect(audit).toContain('rows outside the run window');
    // not_null reads the new rows only; unique on the key reads the rows holding the delta's keys in every month.
    expect(audit).toMatch(/from \(select "transfer_id", "created_at" from "marts"\."fct_transfers__lf_delta_4e65d3fb" where .*\) as lf_new_rows where transfer_id is null/);
    expect(audit).toMatch(/select transfer_id from \(select "transfer_id", "created_at" from "marts"\."fct_transfers__lf_delta_4e65d3fb" where .*\) as lf_new_rows group by 1/);
    // Any other test reads everything readers will see: each month without the keys the delta replaces, plus the delta.
    expect(audit).toContain('from "marts"."fct_transfers__p202610" as lf_old where not exists');
    expect(audit).toContain(') as lf_after_publish where false');
    // Publish: the key leaves every month and the NULL table, the window's range is replaced, no month is copied.
    // (PostgreSQL: one index probe per key of the day; Redshift: dbt-redshift's `delete … using`.)
    expect(publish).toContain(`delete from "marts"."fct_transfers__p202610" where "transfer_id" = any(array(select "transfer_id" from "marts"."${DELTA}" where`);
    expect(publish).toContain(`delete from "marts"."fct_transfers__pnull" where "transfer_id" = any(array(`);
    expect(plan('redshift', context()).steps.at(-1)!.sqls.join('\n')).toContain(`delete from "marts"."fct_transfers__p202610" using "marts"."${DELTA}" where "marts"."${DELTA}"."transfer_id" = "marts"."fct_transfers__p202610"."transfer_id"`);
    // By unique_key (dbt's delete+insert): a late row for any month the view reads is merged; no range is deleted.
    expect(publish).not.toContain(`delete from "marts"."fct_transfers__p202611" where "created_at"`);
    expect(publish).toContain(`insert into "marts"."fct_transfers__p202610" ("transfer_id", "created_at") select "transfer_id", "created_at" from "marts"."${DELTA}" where "created_at" >= '2026-10-01 00:00:00'`);
    // Without a unique_key, the window's range inside the month is replaced.
    const byRange = plan('postgres', context(), 'view', fetched(), { unique_key: undefined }).steps.at(-1)!.sqls.join(';\n');
    expect(byRange).toContain(`delete from "marts"."fct_transfers__p202611" where "created_at" >= '2026-11-14 00:00:00' and "created_at" < '2026-11-15 00:00:00'`);
    expect(byRange).toContain(`insert into "marts"."fct_transfers__p202611" ("transfer_id", "created_at") select "transfer_id", "created_at" from "marts"."${DELTA}" where "created_at" >= '2026-11-14 00:00:00'`);
    expect(byRange).not.toContain('__p202610');
    expect(publish).toContain(`insert into "marts"."fct_transfers__pnull" ("transfer_id", "created_at") select`);
    expect(publish).not.toContain('lf_shadow');
    // Nothing the view reads changed: it is left alone.
    expect(publish).not.toContain('landfall_replace_view');
    expect(publish).toContain(`cast('2026-11-14 23:00:00' as timestamp)`);
    // Nothing of the run's staging stays after a successful publish.
    expect(steps[2]!.sqls.at(-1)).toBe('drop table if exists "marts"."fct_transfers__lf_delta_4e65d3fb" cascade');
  });

  it('on Redshift: getdate(), no CHECK constraints, a sort key led by the partition field on a new month', () => {
    const { steps } = plan('redshift', context({ months: ['2026-11', '2026-12'], window: { start: '2026-11-30T00:00:00.000Z', end: '2026-12-01T10:00:00.000Z', source: 'since-watermark' } }));
    const publish = steps.at(-1)!.sqls.join('\n');
    expect(publish).not.toMatch(/current_timestamp/i);
    expect(publish).toContain('getdate()');
    expect(publish).not.toContain('check (');
    expect(publish).toContain('compound sortkey("created_at")');
    expect(publish).toContain('alter table "marts"."fct_transfers__p202612__lf_shadow_4e65d3fb" rename to "fct_transfers__p202612"');
    // The new month joins the view, replaced once, late-binding.
    expect(publish.match(/create view/g)).toHaveLength(1);
    expect(publish).toContain('with no schema binding');
  });

  it('rebuilds every month on a first build in one publish, with the NULL table and the model’s current columns', () => {
    const partition = context({ mode: 'rebuild', existingMonths: [], columns: [], months: ['2026-09', '2026-10', '2026-11'], hasNullsTable: false, window: { start: '2026-09-01T00:00:00.000Z', end: '2026-12-01T00:00:00.000Z', source: 'first-build' } });
    const { steps } = plan('postgres', partition, 'table', fetched(['transfer_id', 'created_at', 'added'], undefined));
    expect(steps).toHaveLength(3);
    const publish = steps[2]!.sqls.join('\n');
    expect(publish.match(/landfall_swap_relation\('marts', 'fct_transfers__p2026\d\d__lf_shadow/g)).toHaveLength(3);
    expect(publish).toContain(`landfall_swap_relation('marts', 'fct_transfers__pnull__lf_shadow_4e65d3fb', 'fct_transfers__pnull', 'table')`);
    expect(publish).toContain('select "transfer_id", "created_at", "added" from "marts"."fct_transfers__pnull"');
    expect(steps[0]!.sqls.join('\n')).toContain(`or "created_at" is null)`);
  });

  it('applies on_schema_change to every month: append, sync, fail, ignore', () => {
    const append = plan('postgres', context(), 'view', fetched(['transfer_id', 'created_at', 'added']), { on_schema_change: 'append_new_columns' }).steps.at(-1)!.sqls.join('\n');
    expect(append).toContain('alter table "marts"."fct_transfers__p202610" add column "added" integer');
    expect(append).toContain('alter table "marts"."fct_transfers__pnull" add column "added" integer');
    expect(append).toContain('landfall_replace_view');
    const sync = plan('postgres', context(), 'view', fetched(['transfer_id', 'created_at'], '2026-11', ['transfer_id', 'created_at', 'gone']), { on_schema_change: 'sync_all_columns' }).steps.at(-1)!.sqls;
    const dropAt = sync.findIndex((s) => s.includes('drop column "gone"'));
    expect(dropAt).toBeGreaterThan(sync.findIndex((s) => s.includes('landfall_replace_view')));
    const fail = plan('postgres', context(), 'view', fetched(['transfer_id', 'created_at', 'added']), { on_schema_change: 'fail' }).steps.at(-1)!;
    expect(fail.failWith).toMatch(/new: "added".*landfall build --select fct_transfers --full-refresh/);
    const removed = plan('postgres', context(), 'view', fetched(['transfer_id', 'created_at'], '2026-11', ['transfer_id', 'created_at', 'gone'])).steps.at(-1)!;
    expect(removed.failWith).toMatch(/no longer returns the column "gone"/);
  });

  it("fails the audit on NULL partition values under partition_nulls='fail'", () => {
    const audit = plan('postgres', context(), 'view', fetched(), { partition_nulls: 'fail' }).steps[1]!.sqls.join('\n');
    expect(audit).toContain(`rows with a NULL created_at (partition_nulls=''fail''`);
  });

  it('skips the audit step when the model has no checks', () => {
    expect(plan('postgres', context({ auditTests: () => [] }), 'view', fetched(), { late_rows: 'skip' }).steps).toHaveLength(2);
  });

  it('refuses to plan without a run window', () => {
    expect(() => planMaterialization({ node: model(), sql: 'select 1', dialect: dialects.postgres, existing: undefined, fullRefresh: false }))
      .toThrow(/prepare the run first/);
  });
});
