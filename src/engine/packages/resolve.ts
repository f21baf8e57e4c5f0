/**
 * Package resolution as `dbt deps` does it: the packages file's entries and, transitively, the entries of each
 * package's own packages file; one hub package named by several entries gets the intersection of their ranges
 * and the highest hub version inside it; a git package is pinned to the commit its revision names. Everything
 * that needs the network or the disk goes through {@link PackageFetcher}, so the algorithm is pure and tested
 * against an in-memory fetcher; src/packages/ holds the real one (HTTP hub and tarballs, the git CLI).
 */
import { EngineError } from '../errors';
import type { PackageSpec } from './package-spec';
import { parseComparison, pickVersion, type Comparison } from './versions';

export type PinnedPackage =
  | { kind: 'hub'; name: string; package: string; version: string }
  | { kind: 'git'; name: string; git: string; revision: string; subdirectory?: string }
  | { kind: 'local'; name: string; local: string }
  | { kind: 'tarball'; name: string; tarball: string };

/** A fetched package's project: its `name` in dbt_project.yml and the entries of its own packages file. */
export interface FetchedProject {
  name: string;
  dependencies: PackageSpec[];
}

export interface PackageFetcher {
  /** The hub's versions of `package` (`dbt-labs/dbt_utils`): for each, the project name and its dependencies. */
  hubVersions(pkg: string): Promise<Record<string, FetchedProject>>;
  /** The commit `revision` (a tag, branch or commit; none: the default branch) names, and the project there. */
  gitPackage(url: string, revision: string | undefined, subdirectory: string | undefined): Promise<FetchedProject & { commit: string }>;
  /** A `local:` package: `path` relative to `base` (the folder of the project that declared it). */
  localPackage(path: string, base: string): Promise<FetchedProject & { path: string }>;
  tarballPackage(url: string): Promise<FetchedProject>;
}

export class PackageResolutionError extends EngineError {
  constructor(message: string) {
    super(message);
    this.name = 'PackageResolutionError';
  }
}

interface Pending {
  spec: PackageSpec;
  /** The folder of the project that declared it (for `local:`), and who, for messages. */
  base: string;
  from: string;
}

/**
 * Resolve `specs` (the root project's entries, declared in `rootDir`) and their dependencies.
 *
 * @example
 * const pinned = await resolvePackages(parsePackagesFile(text, 'packages.yml'), '.', fetcher);
 * // [{ kind: 'hub', name: 'dbt_utils', package: 'dbt-labs/dbt_utils', version: '1.1.1' }, …]
 */
export async function resolvePackages(specs: PackageSpec[], rootDir: string, fetcher: PackageFetcher): Promise<PinnedPackage[]> {
  const hubRanges = new Map<string, { ranges: Comparison[]; prerelease: boolean; from: string[] }>();
  const others = new Map<string, Pending>();
  const pinned = new Map<string, PinnedPackage>();
  const dependenciesOf = new Map<string, FetchedProject>();
  let queue: Pending[] = specs.map((spec) => ({ spec, base: rootDir, from: 'the root project' }));
  for (let round = 0; queue.length > 0; round++) {
    if (round > 50) throw new PackageResolutionError('package dependencies did not settle after 50 rounds (a cycle of packages?)');
    const changed = new Set<string>();
    for (const { spec, base, from } of queue) {
      if (spec.kind === 'hub') {
        const entry = hubRanges.get(spec.package) ?? { ranges: [], prerelease: false, from: [] };
        for (const text of spec.version) {
          const comparison = parseComparison(text);
          if (!comparison) throw new PackageResolutionError(`${from}: version '${text}' of ${spec.package} is not a version or range such as 1.1.1 or >=1.0.0`);
          entry.ranges.push(comparison);
        }
        entry.prerelease ||= spec.installPrerelease;
        entry.from.push(`${from} (${spec.version.join(', ')})`);
        hubRanges.set(spec.package, entry);
        changed.add(`hub:${spec.package}`);
      } else {
        const key = spec.kind === 'git' ? `git:${spec.git}#${spec.subdirectory ?? ''}` : spec.kind === 'local' ? `local:${base}/${spec.local}` : `tarball:${spec.tarball}`;
        const known = others.get(key);
        if (known && known.spec.kind === 'git' && spec.kind === 'git' && (known.spec.revision ?? '') !== (spec.revision ?? '')) {
          throw new PackageResolutionError(`${spec.git} is required at two revisions: '${known.spec.revision ?? '(default branch)'}' by ${known.from} and '${spec.revision ?? '(default branch)'}' by ${from}`);
        }
        if (!known) {
          others.set(key, { spec, base, from });
          changed.add(key);
        }
      }
    }
    queue = [];
    for (const key of changed) {
      const result = key.startsWith('hub:') ? await pinHub(key.slice(4), hubRanges.get(key.slice(4))!, fetcher) : await pinOther(others.get(key)!, fetcher);
      pinned.set(key, result.pinned);
      dependenciesOf.set(key, result.project);
      for (const dependency of result.project.dependencies) {
        queue.push({ spec: dependency, base: result.base ?? rootDir, from: `package ${result.pinned.name}` });
      }
    }
  }
  const byName = new Map<string, PinnedPackage>();
  for (const p of pinned.values()) {
    const other = byName.get(p.name);
    if (other && JSON.stringify(other) !== JSON.stringify(p)) {
      throw new PackageResolutionError(`two packages install as '${p.name}': ${describe(other)} and ${describe(p)}; dbt_packages/ can hold only one`);
    }
    byName.set(p.name, p);
  }
  return [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export function describe(p: PinnedPackage): string {
  switch (p.kind) {
    case 'hub': return `${p.package}@${p.version}`;
    case 'git': return `${p.git}@${p.revision}${p.subdirectory ? ` (${p.subdirectory})` : ''}`;
    case 'local': return `<local @ ${p.local}>`;
    case 'tarball': return `tarball ${p.tarball}`;
  }
}

async function pinHub(pkg: string, wanted: { ranges: Comparison[]; prerelease: boolean; from: string[] }, fetcher: PackageFetcher): Promise<{ pinned: PinnedPackage; project: FetchedProject; base?: string }> {
  const versions = await fetcher.hubVersions(pkg);
  const version = pickVersion(Object.keys(versions), wanted.ranges, wanted.prerelease);
  if (!version) {
    throw new PackageResolutionError(`no version of ${pkg} satisfies every requirement: ${wanted.from.join('; ')} (the hub has ${Object.keys(versions).join(', ') || 'none'})`);
  }
  const project = versions[version]!;
  return { pinned: { kind: 'hub', name: project.name, package: pkg, version }, project };
}

async function pinOther({ spec, base }: Pending, fetcher: PackageFetcher): Promise<{ pinned: PinnedPackage; project: FetchedProject; base?: string }> {
  switch (spec.kind) {
    case 'git': {
      const project = await fetcher.gitPackage(spec.git, spec.revision, spec.subdirectory);
      return { pinned: { kind: 'git', name: spec.name ?? project.name, git: spec.git, revision: project.commit, ...(spec.subdirectory ? { subdirectory: spec.subdirectory } : {}) }, project };
    }
    case 'local': {
      const project = await fetcher.localPackage(spec.local, base);
      return { pinned: { kind: 'local', name: spec.name ?? project.name, local: spec.local }, project, base: project.path };
    }
    case 'tarball': {
      const project = await fetcher.tarballPackage(spec.tarball);
      return { pinned: { kind: 'tarball', name: spec.name, tarball: spec.tarball }, project };
    }
    default:
      throw new PackageResolutionError('unreachable');
  }
}
