/**
 * Real packages' own integration test projects (dbt_utils, dbt_date, audit_helper), unchanged, built by dbt-core
 * and by landfall on one PostgreSQL server (support/package-suites.ts lays them out as `dbt deps` would). Per
 * suite, the number of nodes landfall reproduces (status, failures, relation rows) must not fall below the count
 * recorded in package-baselines.json; a suite recorded as fully matching must match node for node.
 * Opt-in with LANDFALL_COMPAT=1 (scripts/run-compat.sh); when the packages folder is absent it says so loudly.
 * Writes its table into tests/compat/RESULTS.md (between the package-suites markers).
 */
import fs from 'node:fs';
import path from 'node:path';
import { DBT_BIN, DEFAULT_DATABASE_URL, REPO_ROOT, buildWithDbt, buildWithLandfall, resetProject, schemasFor, type BuildResult } from './support/differential';
import { PACKAGES_DIR, PACKAGE_SUITES, layOutSuite, matchNodes, packagesMissing, type NodeMatch } from './support/package-suites';
import { OTHER_DBT, dbtVersions, writeSection } from './support/results-file';
import { withSkipReason } from '../support/skip-reason';

const databaseUrl = process.env.LANDFALL_COMPAT_DATABASE_URL ?? DEFAULT_DATABASE_URL;
const optedIn = process.env.LANDFALL_COMPAT === '1';
const absent = packagesMissing();
const BASELINES = path.join(__dirname, 'package-baselines.json');
const baselines = JSON.parse(fs.readFileSync(BASELINES, 'utf8')) as Record<string, { matching: number; total: number }>;
const results: { suite: string; dbt: BuildResult; landfall: BuildResult; match: NodeMatch }[] = [];

if (optedIn && absent) {
  // eslint-disable-next-line no-console
  console.warn(`\n**** tests/compat/package-suites SKIPPED: ${absent} ****\n`);
}

(optedIn && !absent && fs.existsSync(DBT_BIN) ? describe : describe.skip)(withSkipReason('real packages\' integration suites: landfall vs dbt-core', !optedIn ? 'needs dbt-core and the packages: npm run test:compat (LANDFALL_COMPAT=1) runs it' : absent ? `packages missing: ${String(absent)}` : fs.existsSync(DBT_BIN) ? undefined : 'no dbt-core in .venv-dbt (scripts/setup-dbt-core.sh)'), () => {
  afterAll(() => writeResults());

  for (const suite of PACKAGE_SUITES) {
    it(`${suite.name}/integration_tests: at least the recorded number of nodes match dbt-core`, async () => {
      const name = `pkg_${suite.name}`;
      const project = layOutSuite(suite, databaseUrl, name);
      try {
        await resetProject(project, databaseUrl);
        const dbt = await buildWithDbt(project, databaseUrl);
        const landfall = await buildWithLandfall(project, databaseUrl);
        const match = matchNodes(dbt, landfall, schemasFor(name));
        results.push({ suite: suite.name, dbt, landfall, match });
        if (process.env.LANDFALL_COMPAT_VERBOSE) {
          // eslint-disable-next-line no-console
          console.log(`${suite.name}: ${match.matching}/${match.total}\n${match.differing.join('\n')}\n--- landfall log\n${landfall.log.slice(-3000)}`);
        }
        const baseline = baselines[suite.name] ?? { matching: 0, total: 0 };
        expect(Object.keys(dbt.outcomes).length).toBeGreaterThan(0); // dbt-core itself ran
        expect(match.matching).toBeGreaterThanOrEqual(baseline.matching);
        if (baseline.total > 0 && baseline.matching === baseline.total) expect(match.differing).toEqual([]);
      } finally {
        fs.rmSync(path.dirname(project.dir), { recursive: true, force: true });
      }
    }, 1_300_000);
  }
});

function writeResults(): void {
  if (results.length === 0) return;
  const dbtBin = path.relative(REPO_ROOT, DBT_BIN);
  // A run against another dbt-core (LANDFALL_DBT_BIN, e.g. the newest 1.x) keeps its own section.
  writeSection(OTHER_DBT ? 'package-suites-other-dbt' : 'package-suites', [
    `## Real packages' integration suites${OTHER_DBT ? ` on ${dbtBin}` : ''}`,
    '',
    `The integration_tests/ projects of the packages in \`${path.relative(REPO_ROOT, PACKAGES_DIR)}\`, unchanged, with the package linked`,
    `under dbt_packages/ (tests/compat/package-suites.test.ts; dbt-core from \`${dbtBin}\`: ${dbtVersions()}). A node matches when its status`,
    '(and failure count) and, for models and seeds, its relation (kind, columns with types, rows) are the same.',
    'The suite fails when a count falls below tests/compat/package-baselines.json.',
    '',
    '| suite | dbt-core nodes | landfall reproduces | landfall exit | first differences |',
    '|---|---|---|---|---|',
    ...results.map((r) => `| ${r.suite} | ${r.match.total} | ${r.match.matching}/${r.match.total} | ${r.landfall.exitCode} | ${r.match.differing.slice(0, 3).join('; ').replace(/\|/g, '\\|') || '-'} |`),
    '',
    ...results.flatMap((r) => (r.match.differing.length === 0 ? [] : [
      `### ${r.suite}: nodes that differ (${r.match.differing.length})`,
      '', '```', ...r.match.differing, ...(r.match.matching === 0 ? (r.landfall.log.match(/landfall [a-z]+: .*/g) ?? []).slice(0, 5) : []), '```', '',
    ])),
  ]);
}
