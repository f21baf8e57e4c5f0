/** Rotation plans are pure: what a rotation creates, keeps, unloads and drops, and in which order. */
import { dialects } from '../../src/engine/dialects';
import { stagingRelation } from '../../src/engine/dialects/staging-names';
import { planRotation } from '../../src/partitions/rotation';
import { composeRotationAlert } from '../../src/partitions/rotation-run';
import { monthlyModel } from './support/monthly-model';

const node = (config: Record<string, unknown> = {}) => monthlyModel('fct_transfers', { retention_months: 3, unload_before_drop: 's3://archive/fct_transfers/', ...config });
const tables = { months: ['2026-08', '2026-09', '2026-10', '2026-11'], columns: ['id', 'created_at'], modelRelation: 'view' as const, hasNullsTable: false };

describe('planRotation', () => {
  it('on Redshift: creates next month like the newest, replaces the late-binding view, then unloads and drops expired months', () => {
    const plan = planRotation({ node: node(), dialect: dialects.redshift, month: '2026-12', tables });

    expect(plan).toMatchObject({ created: ['2026-12', '2027-01'], expired: ['2026-08', '2026-09'], kept: ['2026-10', '2026-11', '2026-12', '2027-01'] });
    const [first, unload, drop] = plan.steps.map((s) => s.sqls);
    expect(first![0]).toBe('create table "marts"."fct_transfers__p202612" (like "marts"."fct_transfers__p202611")');
    // Redshift refuses `create or replace view` with other columns (r_CREATE_VIEW): the view is staged and swapped.
    const view = first!.find((s) => s.startsWith('create view'))!;
    const staged = stagingRelation({ schema: 'marts', identifier: 'fct_transfers' }, 'view', 'rotate-2026-12').identifier;
    expect(staged).toMatch(/^fct_transfers__lf_view_[0-9a-f]{8}$/);
    expect(view).toMatch(new RegExp(`^create view "marts"."${staged}" as \\(`));
    expect(first).toContain(`alter table "marts"."${staged}" rename to "fct_transfers"`);
    expect(view).toMatch(/with no schema binding$/);
    expect(view).toContain('from "marts"."fct_transfers__p202701" where');
    expect(view).not.toContain('__p202608');
    expect(unload).toEqual([`unload ('select * from "marts"."fct_transfers__p202608"') to 's3://archive/fct_transfers/fct_transfers__p202608/' iam_role default format as parquet cleanpath`]);
    expect(drop).toEqual(['drop table if exists "marts"."fct_transfers__p202608" cascade']);
    expect(plan.steps).toHaveLength(5);
  });

  it('on PostgreSQL: adds each new month its range constraint and replaces the view before any drop', () => {
    const plan = planRotation({ node: node({ unload_before_drop: undefined }), dialect: dialects.postgres, month: '2026-12', tables });
    const first = plan.steps[0]!.sqls.join('\n');
    expect(first).toContain(`alter table "marts"."fct_transfers__p202612" add constraint lf_month_range check ("created_at" is not null and "created_at" >= '2026-12-01 00:00:00' and "created_at" < '2027-01-01 00:00:00')`);
    expect(first).toContain('landfall_replace_view');
    // The helper's fallback swap stages under the rotation run's name, another execution under another.
    const stagedFor = (runId: string) => stagingRelation({ schema: 'marts', identifier: 'fct_transfers' }, 'view', runId).identifier;
    expect(first).toContain(`'${stagedFor('rotate-2026-12')}')`);
    const other = planRotation({ node: node({ unload_before_drop: undefined }), dialect: dialects.postgres, month: '2026-12', tables, runId: 'execution-2' });
    expect(other.steps[0]!.sqls.join('\n')).toContain(`'${stagedFor('execution-2')}')`);
    expect(plan.steps.slice(1).map((s) => s.sqls)).toEqual([
      ['drop table if exists "marts"."fct_transfers__p202608" cascade'],
      ['drop table if exists "marts"."fct_transfers__p202609" cascade'],
    ]);
  });

  it('has nothing to do once rotated, and nothing for a model never built', () => {
    const rotated = { ...tables, months: ['2026-10', '2026-11', '2026-12', '2027-01'] };
    expect(planRotation({ node: node(), dialect: dialects.redshift, month: '2026-12', tables: rotated }).steps).toEqual([]);
    expect(planRotation({ node: node(), dialect: dialects.redshift, month: '2026-12', tables: { months: [], columns: [], modelRelation: undefined, hasNullsTable: false } }).steps).toEqual([]);
  });

  it('keeps every month when no retention is set', () => {
    const plan = planRotation({ node: node({ retention_months: undefined, unload_before_drop: undefined }), dialect: dialects.redshift, month: '2026-12', tables });
    expect(plan.expired).toEqual([]);
    expect(plan.steps).toHaveLength(1);
  });
});

describe('composeRotationAlert', () => {
  it('names the models that did not rotate and how to rerun', () => {
    const email = composeRotationAlert({ month: '2026-12', results: [
      { model: 'fct_transfers', month: '2026-12', status: 'failed', created: [], dropped: [], error: 'permission denied for S3' },
      { model: 'fct_events', month: '2026-12', status: 'rotated', created: ['2027-01'], dropped: [] },
    ] });
    expect(email.subject).toBe('[landfall] partition rotation 2026-12 failed: fct_transfers');
    expect(email.body).toContain('FAILED  fct_transfers\n  permission denied for S3');
    expect(email.body).toContain('npx landfall rotate --month 2026-12');
  });
});
