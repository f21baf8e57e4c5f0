/**
 * tests/compat/RESULTS.md is written by several suites: the differential projects own the top of the file, every
 * other report is a section between `<!-- NAME:start -->` and `<!-- NAME:end -->` markers that the others keep.
 * A run against another dbt-core (LANDFALL_DBT_BIN, e.g. the newest 1.x in .venv-dbt-latest) writes its own
 * sections (`…-other-dbt`), so the pinned oracle's results are never overwritten by another version's.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { DBT_BIN, REPO_ROOT } from './differential';

export const RESULTS_FILE = path.join(REPO_ROOT, 'tests/compat/RESULTS.md');

/** Whether this run judges landfall against another dbt-core than the pinned one. */
export const OTHER_DBT = Boolean(process.env.LANDFALL_DBT_BIN);

/** Every marked section the suites write; the differential suite keeps them all below its own table. */
export const SECTIONS = ['package-suites', 'package-suites-other-dbt', 'differential-other-dbt'] as const;

const sectionPattern = (name: string) => new RegExp(`<!-- ${name}:start -->[\\s\\S]*<!-- ${name}:end -->`);

/** The marked sections of the current file, in {@link SECTIONS} order. */
export function keptSections(text = readResults()): string[] {
  return SECTIONS.map((name) => sectionPattern(name).exec(text)?.[0]).filter((s): s is string => Boolean(s));
}

/** Replace (or append) one marked section; `lines` are its body without the markers. */
export function writeSection(name: (typeof SECTIONS)[number], lines: string[]): void {
  const text = readResults();
  const block = [`<!-- ${name}:start -->`, ...lines, `<!-- ${name}:end -->`].join('\n');
  const pattern = sectionPattern(name);
  fs.writeFileSync(RESULTS_FILE, pattern.test(text) ? text.replace(pattern, () => block) : `${text.trimEnd()}\n\n${block}\n`);
}

function readResults(): string {
  return fs.existsSync(RESULTS_FILE) ? fs.readFileSync(RESULTS_FILE, 'utf8') : '';
}

let versions: string | undefined;
/**
 * The dbt-core and dbt-postgres versions in DBT_BIN's venv ("dbt-core 1.12.6, dbt-postgres 1.11.0"), read from the
 * installed distributions (not `dbt --version`, which asks PyPI for the newest release).
 */
export function dbtVersions(): string {
  if (versions !== undefined) return versions;
  const python = path.join(path.dirname(DBT_BIN), 'python');
  try {
    versions = execFileSync(python, ['-c', 'import importlib.metadata as m; print(", ".join(f"{d} {m.version(d)}" for d in ("dbt-core", "dbt-postgres")))'], { encoding: 'utf8' }).trim();
  } catch {
    versions = 'dbt-core version unknown';
  }
  return versions;
}
