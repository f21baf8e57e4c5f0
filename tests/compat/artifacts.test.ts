/**
 * landfall's dbt artifacts read by dbt-core and by the tools teams run on them, against dbt-core's own artifacts for
 * the same project on the same PostgreSQL server (issue 12: "load in dbt-core's artifact classes and in the PyPI
 * consumers, with the same node ids, dependencies and statuses as dbt-core's own artifacts").
 *
 * Per project: both tools run build, docs generate and (with freshness) source freshness, each into its own target
 * folder; then
 *   - dbt-core's artifact classes (WritableManifest, RunResultsArtifact, CatalogArtifact,
 *     FreshnessExecutionResultArtifact; scripts/check-dbt-artifacts.py) load both: same node ids, resource types,
 *     dependencies, parent map, result statuses and failures, freshness statuses, catalog columns;
 *   - dbt-artifacts-parser, dbt-score and dbt-coverage (scripts/check-artifact-consumers.py, pinned in
 *     scripts/requirements-artifact-consumers.txt) give the same answers on both: parsed ids and dependencies, every
 *     model's score, badge and rule results, doc and test coverage per table.
 * Opt-in as the rest of tests/compat (LANDFALL_COMPAT=1, scripts/run-compat.sh); the consumers' venv comes from
 * scripts/setup-artifact-consumers.sh (run-compat.sh runs it).
 */
import fs from 'node:fs';
import { DBT_BIN, DEFAULT_DATABASE_URL, loadProject, resetProject, schemasFor } from './support/differential';
import { CONSUMERS_PYTHON, consumerAnswers, dbtArtifacts, landfallArtifacts, readWithDbtCore, workDir, type ConsumerAnswers, type DbtCoreReading } from './support/artifacts';
import { withSkipReason } from '../support/skip-reason';

const databaseUrl = process.env.LANDFALL_COMPAT_DATABASE_URL ?? DEFAULT_DATABASE_URL;
const optedIn = process.env.LANDFALL_COMPAT === '1';
// A failing test, skipped nodes, seeds, singular tests (jaffle_mart); sources with pass/warn/error freshness and
// selectors (selectors); many generic tests with configs, severities and where clauses (tests_configs).
const PROJECTS = ['jaffle_mart', 'selectors', 'tests_configs'];

/** Relation names differ only by each tool's schema: compare them as `<schema>…`. */
function unschema(text: string, project: string): string {
  const { dbt, landfall } = schemasFor(project);
  return text.split(landfall).join('<schema>').split(dbt).join('<schema>');
}

function coverage(answers: ConsumerAnswers, project: string) {
  return Object.fromEntries(Object.entries(answers.dbt_coverage).map(([kind, report]) => [kind, {
    covered: report.covered,
    total: report.total,
    tables: Object.fromEntries(Object.entries(report.tables).map(([name, counts]) => [unschema(name, project), counts])),
  }]));
}

(optedIn ? describe : describe.skip)(withSkipReason('landfall\'s dbt artifacts in dbt-core and in PyPI consumers', optedIn ? undefined : 'needs dbt-core and PyPI consumers: npm run test:compat (LANDFALL_COMPAT=1) runs it'), () => {
  beforeAll(() => {
    if (!fs.existsSync(DBT_BIN)) throw new Error(`${DBT_BIN} is missing: run scripts/setup-dbt-core.sh`);
    if (!fs.existsSync(CONSUMERS_PYTHON)) throw new Error(`${CONSUMERS_PYTHON} is missing: run scripts/setup-artifact-consumers.sh`);
  });

  for (const name of PROJECTS) {
    describe(name, () => {
      // Schemas of their own (compat_dbt_artifacts_<name>, …): the differential suite may build the same project.
      const project = { ...loadProject(name), name: `artifacts_${name}` };
      let work: string;
      let dbtTarget: string;
      let landfallTarget: string;
      let dbtCore: { dbt: DbtCoreReading; landfall: DbtCoreReading };

      beforeAll(async () => {
        await resetProject(project, databaseUrl);
        work = workDir(project);
        // Each tool builds in schemas of its own, so both run at once.
        [dbtTarget, landfallTarget] = await Promise.all([dbtArtifacts(project, databaseUrl, work), landfallArtifacts(project, databaseUrl, work)]);
        const [dbt, landfall] = await Promise.all([readWithDbtCore(dbtTarget), readWithDbtCore(landfallTarget)]);
        dbtCore = { dbt, landfall };
      }, 600_000);

      afterAll(() => {
        if (work) fs.rmSync(work, { recursive: true, force: true });
      });

      it('dbt-core loads the manifest: same node ids, resource types, dependencies, sources and parent map', () => {
        const { dbt, landfall } = dbtCore;
        expect(Object.keys(landfall.manifest.nodes).sort()).toEqual(Object.keys(dbt.manifest.nodes).sort());
        for (const [id, node] of Object.entries(dbt.manifest.nodes)) {
          expect({ id, ...landfall.manifest.nodes[id] }).toEqual({ id, ...node });
        }
        expect(landfall.manifest.sources).toEqual(dbt.manifest.sources);
        expect(landfall.manifest.unit_tests).toEqual(dbt.manifest.unit_tests);
        expect(landfall.manifest.parent_map).toEqual(dbt.manifest.parent_map);
      });

      it('dbt-core loads run_results.json: the same status and failures for every node', () => {
        expect(dbtCore.landfall.run_results).toEqual(dbtCore.dbt.run_results);
      });

      it('dbt-core loads catalog.json (and sources.json): the same relations, columns in order and types', () => {
        expect(dbtCore.landfall.catalog).toEqual(dbtCore.dbt.catalog);
        if (project.freshness) {
          expect(Object.keys(dbtCore.landfall.sources ?? {}).length).toBeGreaterThan(0);
          expect(dbtCore.landfall.sources).toEqual(dbtCore.dbt.sources);
        }
      });

      it('dbt-artifacts-parser, dbt-score and dbt-coverage give the same answers on both', async () => {
        const [dbt, landfall] = await consumerAnswers([{ target: dbtTarget, projectDir: project.dir }, { target: landfallTarget, projectDir: project.dir }]) as [ConsumerAnswers, ConsumerAnswers];
        expect(landfall.parser).toEqual(dbt.parser);
        expect(Object.keys(landfall.dbt_score.evaluables).sort()).toEqual(Object.keys(dbt.dbt_score.evaluables).sort());
        for (const [id, evaluation] of Object.entries(dbt.dbt_score.evaluables)) expect({ id, ...landfall.dbt_score.evaluables[id] }).toEqual({ id, ...evaluation });
        expect(landfall.dbt_score.project_score).toBeCloseTo(dbt.dbt_score.project_score, 6);
        expect(coverage(landfall, project.name)).toEqual(coverage(dbt, project.name));
      });
    });
  }
});
