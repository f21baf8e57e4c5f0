/**
 * The integration test projects of real dbt packages (dbt_utils, dbt_date, audit_helper), run unchanged by the
 * differential harness: each `integration_tests/` folder is copied at test time into a temp folder, with the
 * package (and its dependencies) linked under `dbt_packages/` as `dbt deps` lays out a `local:` package. The
 * packages are read in place from `LANDFALL_DBT_PACKAGES_DIR` (default `<repo>/../shared/dbt-packages`); their
 * code is never committed here.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as yaml from 'js-yaml';
import { REPO_ROOT, type BuildResult, type CompatProject } from './differential';

export const PACKAGES_DIR = process.env.LANDFALL_DBT_PACKAGES_DIR ?? path.resolve(REPO_ROOT, '../shared/dbt-packages');

export interface PackageSuite {
  /** The package whose integration_tests/ is the project. */
  name: string;
  /** Packages installed beside it (its own dependencies from the hub, available locally). */
  alsoInstalls: string[];
  /**
   * Columns computed from the clock at build time (`now()` minus an interval), which differ between the two
   * tools' builds whatever they do: compared by null-ness only.
   */
  volatileColumns?: Record<string, string[]>;
}

export const PACKAGE_SUITES: PackageSuite[] = [
  // recency_time_included.created_at is `now() - 23 hours` (models/generic_tests/recency_time_included.sql).
  { name: 'dbt_utils', alsoInstalls: [], volatileColumns: { recency_time_included: ['created_at'] } },
  { name: 'dbt_date', alsoInstalls: [] },
  { name: 'audit_helper', alsoInstalls: ['dbt_utils'] },
];

/** Why the suites cannot run here, or undefined. */
export function packagesMissing(): string | undefined {
  const missing = PACKAGE_SUITES.flatMap((s) => [s.name, ...s.alsoInstalls]).filter((p) => !fs.existsSync(path.join(PACKAGES_DIR, p, 'dbt_project.yml')));
  return missing.length ? `${PACKAGES_DIR} lacks ${[...new Set(missing)].join(', ')} (set LANDFALL_DBT_PACKAGES_DIR)` : undefined;
}

/**
 * The package-lock.yml `dbt deps` writes beside what it installed: the suite's package (`local: ../`) and its hub
 * dependencies at the versions installed. dbt-core 1.12 refuses a project whose installed packages are not as many as
 * the lock lists (or, without a lock, as packages.yml lists: 1 here, with 2 installed); 1.10 and 1.11 only refuse fewer.
 * No sha1_hash: only `dbt deps` reads it.
 */
export function packageLock(suite: PackageSuite): string {
  const declared = (yaml.load(readIfExists(path.join(PACKAGES_DIR, suite.name, 'packages.yml')) || '{}') ?? {}) as { packages?: { package?: string }[] };
  const hubName = (name: string) => declared.packages?.find((p) => p.package?.endsWith(`/${name}`))?.package ?? name;
  const installedVersion = (name: string) => String((yaml.load(fs.readFileSync(path.join(PACKAGES_DIR, name, 'dbt_project.yml'), 'utf8')) as { version?: unknown }).version ?? '');
  const packages = [
    { local: '../', name: suite.name },
    ...suite.alsoInstalls.map((name) => ({ name, package: hubName(name), version: installedVersion(name) })),
  ];
  return yaml.dump({ packages }, { sortKeys: true });
}

function readIfExists(file: string): string {
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
}

/** Copy the suite's integration project into a temp folder and install its packages there. */
export function layOutSuite(suite: PackageSuite, databaseUrl: string, schema: string): CompatProject {
  const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), `pkg-suite-${suite.name}-`)), `${suite.name}_integration_tests`);
  const source = path.join(PACKAGES_DIR, suite.name, 'integration_tests');
  fs.cpSync(source, dir, { recursive: true, filter: (src) => !['dbt_packages', 'target', 'logs', 'dbt_modules'].includes(path.basename(src)) });
  fs.mkdirSync(path.join(dir, 'dbt_packages'));
  for (const pkg of [suite.name, ...suite.alsoInstalls]) fs.symlinkSync(path.join(PACKAGES_DIR, pkg), path.join(dir, 'dbt_packages', pkg), 'dir');
  // The suite's own lock (dbt_date ships one) stays: it is what `dbt deps` would install from.
  if (!fs.existsSync(path.join(dir, 'package-lock.yml'))) fs.writeFileSync(path.join(dir, 'package-lock.yml'), packageLock(suite));
  const url = new URL(databaseUrl);
  return {
    name: `pkg_${suite.name}`,
    dir,
    profile: 'integration_tests',
    vars: {},
    // The projects' own profiles.yml reads these; both tools get the same.
    env: {
      POSTGRES_HOST: url.hostname, POSTGRES_PORT: url.port || '5432', POSTGRES_USER: decodeURIComponent(url.username || 'postgres'),
      DBT_ENV_SECRET_POSTGRES_PASS: decodeURIComponent(url.password), POSTGRES_PASS: decodeURIComponent(url.password),
      POSTGRES_DATABASE: url.pathname.slice(1), POSTGRES_SCHEMA: schema, POSTGRES_TEST_SCHEMA: schema,
    },
    ls: [],
    freshness: false,
    knownDifferences: [],
    volatileColumns: suite.volatileColumns ?? {},
    timeoutMs: 600_000,
  };
}

export interface NodeMatch {
  total: number;
  matching: number;
  /** Node names that differ, with why. */
  differing: string[];
}

/**
 * Nodes of dbt-core's build that landfall reproduces: the same status (and failure count), and for models and
 * seeds the same relation (kind, columns with types, rows).
 */
export function matchNodes(dbt: BuildResult, landfall: BuildResult, schemas: { dbt: string; landfall: string }): NodeMatch {
  const differing: string[] = [];
  // Values that name a relation (union_relations' `_dbt_source_relation`) name each tool's own schema.
  const rowsOf = (rows: string[], schema: string) => rows.map((r) => r.split(schema).join('<schema>')).sort().join('\n');
  let matching = 0;
  const relationOf = (b: BuildResult, name: string) => Object.entries(b.relations).find(([key]) => key.endsWith(`.${name}`))?.[1];
  for (const [name, d] of Object.entries(dbt.outcomes).sort(([a], [b]) => a.localeCompare(b))) {
    const l = landfall.outcomes[name];
    const status = (s: string) => (s === 'runtime error' ? 'error' : s);
    if (!l) {
      differing.push(`${name}: dbt ${d.status}, landfall absent`);
      continue;
    }
    if (status(d.status) !== status(l.status) || (d.failures ?? 0) !== (l.failures ?? 0)) {
      differing.push(`${name}: dbt ${d.status}${d.failures ? ` (${d.failures})` : ''}, landfall ${l.status}${l.failures ? ` (${l.failures})` : ''}`);
      continue;
    }
    const dr = relationOf(dbt, name);
    const lr = relationOf(landfall, name);
    if (dr && (!lr || dr.kind !== lr.kind || dr.columns.join() !== lr.columns.join() || rowsOf(dr.rows, schemas.dbt) !== rowsOf(lr.rows, schemas.landfall))) {
      differing.push(`${name}: relation differs (${!lr ? 'landfall has none' : dr.kind !== lr.kind ? `${dr.kind} vs ${lr.kind}` : dr.columns.join() !== lr.columns.join() ? `columns ${dr.columns.join(', ')} vs ${lr.columns.join(', ')}` : `${dr.rows.length} vs ${lr.rows.length} rows`})`);
      continue;
    }
    matching++;
  }
  return { total: Object.keys(dbt.outcomes).length, matching, differing };
}
