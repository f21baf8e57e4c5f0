/**
 * The dbt-core differential projects (tests/compat/projects) built in the **Redshift dialect** on the strict local
 * Data API, against the same projects built in the PostgreSQL dialect: every node must end as it does there and
 * every relation must hold the same rows. A second build (after the project's step2.sql, if any) exercises the
 * swaps, incremental merges and VARCHAR widening of the Redshift dialect.
 *
 * Runs in the Redshift CI job (scripts/test-redshift-dialect.sh); in plain `npm test` only with
 * LANDFALL_LOCAL_DIALECT=redshift (each project costs two PGlite databases).
 */
import { compileManifest, readProjectFiles } from '../../../src/engine/compile';
import { dialects, type DialectName, type Manifest, type RunState } from '../../../src/engine';
import { runToCompletion } from '../../../src/cli/local-build';
import { StatementStore } from '../../../src/local/data-api/statement-store';
import { InProcessWarehouse } from '../../../src/local/in-process-warehouse';
import { openPGliteEngine, prepareTemplate, sharedTemplateDir } from '../../../src/local/sql-engine/pglite-engine';
import { installRedshiftCompat } from '../../../src/local/sql-engine/install-redshift-compat';
import type { SqlEngine } from '../../../src/local/sql-engine/sql-engine';
import { listProjects, type CompatProject } from '../../compat/support/differential';
import { withSkipReason } from '../../support/skip-reason';

/**
 * Projects that do not fit Redshift, and why. Everything else must build the same in both dialects.
 */
const NOT_FOR_REDSHIFT = new Map([
  // Its on-run-start hook creates roles in a PostgreSQL DO block (Redshift refuses DO), and Redshift's grants are read
  // from SVV_RELATION_PRIVILEGES, a system view the local engine does not have.
  ['hooks_grants', 'on-run-start is a PostgreSQL DO block; grants are read from SVV_RELATION_PRIVILEGES'],
]);

/**
 * Models written for PostgreSQL that Redshift refuses: in the Redshift dialect they must fail with Redshift's error
 * (the strict engine catching them is the point), and what depends on them is skipped; the rest must match.
 */
const REFUSED_BY_REDSHIFT: Record<string, Record<string, string>> = {
  ecommerce_marts: { fct_daily_revenue: 'not supported on Redshift tables' }, // generate_series joined to tables
  // The same, through the project's postgres__month_spine (dbt-redshift dispatches to postgres__ macros too), and a
  // bare column in incremental_predicates, ambiguous once the delta is joined (dbt-redshift's delete … using).
  saas_metrics: { fct_mrr: 'not supported on Redshift tables', fct_usage_daily: 'is ambiguous' },
  event_analytics: { kpi_definitions: 'type "jsonb" does not exist' },
  // Its incremental_predicates call now() on the target table: a leader-node-only function Redshift refuses with a
  // user table (the strict engine reports that first; the bare `updated_at` would also be ambiguous once the delta is
  // joined by dbt-redshift's delete … using).
  incremental_corners: { order_lines_delete_insert: 'not supported on Redshift tables', orders_merge_recent: 'not supported on Redshift tables' },
};

/**
 * Relations that differ between the dialects because of the engine's Redshift macros, not the SQL the local engine
 * runs; listed so the difference stays visible.
 */
const KNOWN_DIFFERENCES: Record<string, Record<string, string>> = {
  // dbt.listagg(…, limit_num=3): redshift__listagg in src/engine/macros/cross-database.ts ignores limit_num
  // (dbt-redshift cuts the list with regexp_substr).
  event_analytics: { 'analytics.sessions': 'redshift__listagg ignores limit_num' },
};

/** Timestamps of today (UTC): a model's `current_timestamp` or `getdate()`, taken at each build's own time. */
const NOW = new RegExp(`${new Date().toISOString().slice(0, 10)}[T ][0-9:.]+(\\+00(:00)?)?`, 'g');

/** Rows that name the adapter (`target.type`, dispatch): compared with the adapter's name neutralised. */
const neutralise = (row: string) => row.replace(/\bredshift\b/g, 'postgres');

const enabled = process.env.LANDFALL_LOCAL_DIALECT === 'redshift' || process.env.LANDFALL_REDSHIFT_PROJECTS === '1';
const projects = listProjects().filter((p) => !NOT_FOR_REDSHIFT.has(p.name));

interface Build {
  statuses: Record<string, string>;
  relations: Record<string, string[]>;
}

async function buildIn(project: CompatProject, dialect: DialectName): Promise<{ builds: Build[]; errors: string[] }> {
  const engine: SqlEngine = await openPGliteEngine({ inMemory: true, template: await prepareTemplate(sharedTemplateDir()) });
  try {
    await installRedshiftCompat(engine);
    await engine.query('create schema raw');
    if (project.setupSql) await engine.query(project.setupSql.split('{{raw}}').join('"raw"'));
    const warehouse = new InProcessWarehouse(new StatementStore({ engine, start: 'at-once', redshiftStrict: dialect === 'redshift' }));
    const target = { name: 'local', type: dialect, schema: 'analytics', database: 'dev' };
    const saved = { ...process.env };
    Object.assign(process.env, project.env);
    let manifest: Manifest;
    try {
      manifest = compileManifest(readProjectFiles(project.dir), { target, cliVars: { raw_schema: 'raw', ...project.vars } });
    } finally {
      process.env = saved;
    }
    const builds: Build[] = [];
    const errors: string[] = [];
    const phases = project.step2Sql ? [undefined, project.step2Sql] : [undefined];
    for (const [i, before] of phases.entries()) {
      if (before) await engine.query(before.split('{{raw}}').join('"raw"'));
      const state: RunState = await runToCompletion(manifest, { runId: `${project.name}-${dialect}-${i}`, command: 'build', vars: { raw_schema: 'raw', ...project.vars } }, { dialect: dialects[dialect], warehouse });
      const statuses = Object.fromEntries(state.nodes.map((n) => [n.name + (n.kind === 'tests' ? ':tests' : ''), n.status]));
      errors.push(...state.nodes.filter((n) => n.error).map((n) => `${n.name}: ${n.error}`));
      builds.push({ statuses, relations: await snapshot(engine, project.volatileColumns ?? {}) });
    }
    return { builds, errors };
  } finally {
    await engine.close();
  }
}

/** Every relation of the target schemas with its rows as sorted text (staging leftovers included, to be caught). */
async function snapshot(engine: SqlEngine, volatileColumns: Record<string, string[]>): Promise<Record<string, string[]>> {
  const relations = await engine.query(`select n.nspname, c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where c.relkind in ('r', 'v') and n.nspname like 'analytics%' order by 1, 2`);
  const out: Record<string, string[]> = {};
  for (const [schema, name] of relations.rows) {
    // As JSON objects (keys sorted): a column widened in place on Redshift keeps its position, not on PostgreSQL.
    // A column compat.json calls volatile (an md5 of now()) is left out.
    const dropped = (volatileColumns[String(name)] ?? []).map((c) => ` - '${c.replace(/'/g, "''")}'`).join('');
    const rows = await engine.query(`select (to_jsonb(t)${dropped})::text from "${schema}"."${name}" as t`);
    out[`${schema}.${name}`] = rows.rows.map((r) => (r[0] ?? 'null').replace(NOW, '<now>')).sort();
  }
  return out;
}

(enabled ? describe : describe.skip)(withSkipReason('compat projects in the Redshift dialect on the strict local engine', enabled ? undefined : 'runs in npm run test:redshift (LANDFALL_LOCAL_DIALECT=redshift or LANDFALL_REDSHIFT_PROJECTS=1)'), () => {
  it('leaves out only projects that cannot fit Redshift', () => {
    expect(listProjects().length - projects.length).toBe(NOT_FOR_REDSHIFT.size);
  });

  for (const project of projects) {
    it(`builds '${project.name}' as the PostgreSQL dialect does`, async () => {
      const [postgres, redshift] = [await buildIn(project, 'postgres'), await buildIn(project, 'redshift')];
      const refused = REFUSED_BY_REDSHIFT[project.name] ?? {};
      // A Redshift refusal shows as an error the PostgreSQL build does not have: only the expected ones.
      const newErrors = redshift.errors.filter((e) => !postgres.errors.some((p) => p.split(':')[0] === e.split(':')[0]));
      for (const error of newErrors) {
        const node = error.split(':')[0]!;
        expect([node, error.includes(refused[node] ?? '\u0000')]).toEqual([node, true]);
      }
      for (const [i, build] of redshift.builds.entries()) {
        const expected = postgres.builds[i]!;
        // Nodes that ran the same way; what a refused model held back is skipped.
        const same = Object.keys(expected.statuses).filter((n) => !(n.split(':')[0]! in refused) && build.statuses[n] !== 'skipped');
        expect(Object.fromEntries(same.map((n) => [n, build.statuses[n]]))).toEqual(Object.fromEntries(same.map((n) => [n, expected.statuses[n]])));
        if (Object.keys(refused).length === 0) {
          expect(build.statuses).toEqual(expected.statuses);
          expect(Object.keys(build.relations).filter((r) => r.includes('__lf_'))).toEqual([]);
        }
        const compared = Object.keys(expected.relations)
          .filter((r) => same.includes(r.split('.')[1]!) && expected.statuses[r.split('.')[1]!] === 'success' && !(r in (KNOWN_DIFFERENCES[project.name] ?? {})));
        expect(compared.length).toBeGreaterThan(0);
        for (const relation of compared) {
          expect([relation, (build.relations[relation] ?? ['<missing>']).map(neutralise)]).toEqual([relation, expected.relations[relation]!.map(neutralise)]);
        }
      }
    });
  }
});
