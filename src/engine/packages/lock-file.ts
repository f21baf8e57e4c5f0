/**
 * `package-lock.yml` as dbt (1.7+) writes it: every package the resolution installed (the file's own and their
 * dependencies), pinned — hub packages to a version, git packages to the commit — each with the project
 * `name`, keys sorted, and the `sha1_hash` of the packages file's entries. `landfall deps` installs from the lock
 * while the hash matches, and resolves again (rewriting the lock) when it does not or with `--upgrade`.
 */
import * as yaml from 'js-yaml';
import { ProjectError } from '../errors';
import type { PinnedPackage } from './resolve';

export const LOCK_FILE = 'package-lock.yml';

export interface PackageLock {
  packages: PinnedPackage[];
  sha1Hash?: string;
}

function lockEntry(p: PinnedPackage): Record<string, unknown> {
  switch (p.kind) {
    case 'hub': return { name: p.name, package: p.package, version: p.version };
    case 'git': return { git: p.git, name: p.name, revision: p.revision, ...(p.subdirectory ? { subdirectory: p.subdirectory } : {}) };
    case 'local': return { local: p.local, name: p.name };
    case 'tarball': return { name: p.name, tarball: p.tarball };
  }
}

/** The lock file's text. */
export function formatLock(lock: PackageLock): string {
  return yaml.dump({ packages: lock.packages.map(lockEntry), ...(lock.sha1Hash ? { sha1_hash: lock.sha1Hash } : {}) }, { sortKeys: true, lineWidth: -1 });
}

/** Read a lock file's text (`file` names it in errors). */
export function parseLock(text: string, file: string): PackageLock {
  let data: Record<string, unknown>;
  try {
    data = (yaml.load(text) ?? {}) as Record<string, unknown>;
  } catch (error) {
    throw new ProjectError(file, `invalid YAML: ${(error as Error).message}`);
  }
  const list = Array.isArray(data.packages) ? (data.packages as Record<string, unknown>[]) : [];
  const packages = list.map((e, i): PinnedPackage => {
    const name = typeof e.name === 'string' ? e.name : undefined;
    const fail = (what: string): never => {
      throw new ProjectError(file, `packages[${i}]: ${what} (delete ${file} and run landfall deps to resolve again)`);
    };
    if (!name) return fail('has no name');
    if (typeof e.package === 'string') return { kind: 'hub', name, package: e.package, version: String(e.version ?? fail('hub package without a version')) };
    if (typeof e.git === 'string') return { kind: 'git', name, git: e.git, revision: String(e.revision ?? fail('git package without a revision')), ...(typeof e.subdirectory === 'string' ? { subdirectory: e.subdirectory } : {}) };
    if (typeof e.local === 'string') return { kind: 'local', name, local: e.local };
    if (typeof e.tarball === 'string') return { kind: 'tarball', name, tarball: e.tarball };
    return fail('is not a hub, git, local or tarball package');
  });
  return { packages, ...(typeof data.sha1_hash === 'string' ? { sha1Hash: data.sha1_hash } : {}) };
}
