/**
 * `landfall deps`, as `dbt deps` (1.7+) does it: read `packages.yml` (or `dependencies.yml`); when there is no
 * `package-lock.yml`, when its `sha1_hash` no longer matches the file's entries, or with `upgrade`, resolve the
 * entries and their dependencies and write the lock; then (unless `lockOnly`) empty `dbt_packages/` and install
 * every package of the lock.
 */
import fs from 'node:fs';
import path from 'node:path';
import { readPackagesFile, packagesInstallPath } from '../engine/packages/installed-packages';
import { formatLock, LOCK_FILE, parseLock } from '../engine/packages/lock-file';
import { packagesHash } from '../engine/packages/package-spec';
import { describe, resolvePackages } from '../engine/packages/resolve';
import * as yaml from 'js-yaml';
import { NetworkPackageFetcher } from './package-fetcher';

export interface DepsOptions {
  projectDir: string;
  upgrade?: boolean;
  lockOnly?: boolean;
  hubUrl?: string;
  log?: (line: string) => void;
}

export interface DepsResult {
  installed: string[];
  lockWritten: boolean;
}

export async function runDeps(options: DepsOptions): Promise<DepsResult> {
  const log = options.log ?? (() => {});
  const root = path.resolve(options.projectDir);
  const declared = readPackagesFile(root);
  if (!declared) {
    log('No packages were found in packages.yml or dependencies.yml');
    return { installed: [], lockWritten: false };
  }
  const lockPath = path.join(root, LOCK_FILE);
  const hash = packagesHash(declared.specs);
  const fetcher = new NetworkPackageFetcher(options.hubUrl);
  try {
    let lockWritten = false;
    const existing = fs.existsSync(lockPath) ? parseLock(fs.readFileSync(lockPath, 'utf8'), LOCK_FILE) : undefined;
    if (!existing || options.upgrade || existing.sha1Hash !== hash) {
      const pinned = await resolvePackages(declared.specs, root, fetcher);
      fs.writeFileSync(lockPath, formatLock({ packages: pinned, sha1Hash: hash }));
      lockWritten = true;
      log(`Updated lock file ${LOCK_FILE} (${pinned.length} package(s))`);
    }
    if (options.lockOnly) return { installed: [], lockWritten };
    const lock = parseLock(fs.readFileSync(lockPath, 'utf8'), LOCK_FILE);
    const project = (yaml.load(fs.readFileSync(path.join(root, 'dbt_project.yml'), 'utf8')) ?? {}) as Record<string, unknown>;
    const installDir = packagesInstallPath(root, project);
    fs.rmSync(installDir, { recursive: true, force: true });
    fs.mkdirSync(installDir, { recursive: true });
    for (const pinned of lock.packages) {
      log(`Installing ${pinned.kind === 'hub' ? pinned.package : pinned.kind === 'git' ? pinned.git : pinned.name}`);
      await fetcher.install(pinned, root, installDir);
      log(`  Installed ${describe(pinned)} as ${path.relative(root, path.join(installDir, pinned.name))}`);
    }
    return { installed: lock.packages.map((p) => p.name), lockWritten };
  } finally {
    fetcher.dispose();
  }
}
