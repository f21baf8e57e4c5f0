/**
 * A project's known differences (compat.json `knownDifferences`): each a substring of a diff line that is reported in
 * RESULTS.md instead of failing the suite. A plain string applies to every dbt-core; an object applies only to the
 * dbt-core versions its `dbtCore` range names, for a behaviour that changed between the oracles (landfall follows the
 * newest dbt; the pinned one still differs):
 *
 *   { "diff": "[ls stg_*] only dbt: -; only landfall: model.p.stg_a", "dbtCore": "<1.11.16 || >=1.12.0 <1.12.6",
 *     "why": "…" }
 *
 * A range is alternatives joined by `||`, each one or more comparators (`<`, `<=`, `>`, `>=`, `=`) joined by spaces.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';

export interface VersionedKnownDifference {
  /** A substring of the diff line (best the whole line, so that another difference still fails). */
  diff: string;
  /** The dbt-core versions this difference is expected on. */
  dbtCore: string;
  /** Why (for the reader of compat.json). */
  why?: string;
}

export type KnownDifferenceEntry = string | VersionedKnownDifference;

/** The entries that apply when judging with the dbt-core whose CLI is `dbtBin`. */
export function applicableKnownDifferences(entries: KnownDifferenceEntry[], dbtBin: string, where: string): string[] {
  return entries.flatMap((entry) => {
    if (typeof entry === 'string') return [entry];
    if (!entry || typeof entry.diff !== 'string' || typeof entry.dbtCore !== 'string') {
      throw new Error(`${where}: a knownDifferences entry must be a string or {"diff": "...", "dbtCore": "<range>"}, got ${JSON.stringify(entry)}`);
    }
    return versionSatisfies(dbtCoreVersion(dbtBin), entry.dbtCore, where) ? [entry.diff] : [];
  });
}

/** Whether `version` (x.y.z) lies in `range`. */
export function versionSatisfies(version: string, range: string, where = 'knownDifferences'): boolean {
  return range.split('||').some((alternative) => {
    const comparators = alternative.trim().split(/\s+/).filter(Boolean);
    if (comparators.length === 0) throw new Error(`${where}: empty alternative in dbt-core range '${range}'`);
    return comparators.every((comparator) => {
      const match = /^(<=|>=|<|>|=)?(\d+\.\d+\.\d+)$/.exec(comparator);
      if (!match) throw new Error(`${where}: cannot read '${comparator}' in dbt-core range '${range}' (write e.g. '>=1.12.0 <1.12.6')`);
      const order = compareVersions(version, match[2]!);
      switch (match[1] ?? '=') {
        case '<': return order < 0;
        case '<=': return order <= 0;
        case '>': return order > 0;
        case '>=': return order >= 0;
        default: return order === 0;
      }
    });
  });
}

function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
}

const versions = new Map<string, string>();
/** The installed dbt-core version (x.y.z) in the venv of `dbtBin`; throws when it cannot be read. */
export function dbtCoreVersion(dbtBin: string): string {
  const cached = versions.get(dbtBin);
  if (cached) return cached;
  const python = path.join(path.dirname(dbtBin), 'python');
  const version = execFileSync(python, ['-c', 'import importlib.metadata as m; print(m.version("dbt-core"))'], { encoding: 'utf8' }).trim();
  if (!/^\d+\.\d+\.\d+/.test(version)) throw new Error(`cannot read dbt-core's version from ${python}: '${version}'`);
  const plain = /^\d+\.\d+\.\d+/.exec(version)![0];
  versions.set(dbtBin, plain);
  return plain;
}
