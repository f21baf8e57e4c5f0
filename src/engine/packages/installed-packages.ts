/**
 * The packages a project has installed: every folder (or symlink, as `dbt deps` makes for `local:` packages)
 * under `packages-install-path` (default `dbt_packages/`) holding a `dbt_project.yml`. Like dbt, a project whose
 * packages file lists more packages than are installed is refused with "run landfall deps", and so is one whose
 * package-lock.yml names a package that is not installed (dbt-core 1.12's check, dbt-core PR #12508: a dependency of a
 * dependency deleted from dbt_packages/ is caught at parse, not as an undefined macro later). dbt-core 1.12 as released
 * compares only the counts of locked and installed packages (its issue #16179), so it also refuses a folder with more
 * packages than the lock lists; landfall does not (tests/compat/README.md).
 */
import fs from 'node:fs';
import path from 'node:path';
import { ProjectError, lineOf } from '../errors';
import { LOCK_FILE, parseLock } from './lock-file';
import { PACKAGE_FILES, parsePackagesFile, type PackageSpec } from './package-spec';

/** The packages file of a project folder (`packages.yml` or `dependencies.yml`, not both) and its entries. */
export function readPackagesFile(root: string): { file: string; specs: PackageSpec[]; text: string } | undefined {
  const found = PACKAGE_FILES.map((file) => ({ file, absolute: path.join(root, file) })).filter((f) => fs.existsSync(f.absolute));
  const withPackages = found.map((f) => {
    const text = fs.readFileSync(f.absolute, 'utf8');
    return { file: f.file, text, specs: parsePackagesFile(text, f.file) };
  }).filter((f) => f.specs.length > 0);
  if (withPackages.length > 1) throw new ProjectError('dependencies.yml', 'packages are listed in both packages.yml and dependencies.yml; dbt accepts only one of them');
  return withPackages[0];
}

export function packagesInstallPath(root: string, project: Record<string, unknown>): string {
  const configured = project['packages-install-path'];
  return path.resolve(root, typeof configured === 'string' ? configured : 'dbt_packages');
}

/** Read each installed package with `read` (the root's own files reader, so packages are projects too). */
export function readInstalledPackages<T>(root: string, project: Record<string, unknown>, read: (dir: string) => T): T[] {
  const dir = packagesInstallPath(root, project);
  const installed = fs.existsSync(dir)
    ? fs.readdirSync(dir).sort().map((name) => path.join(dir, name)).filter((p) => {
      try {
        return fs.statSync(p).isDirectory() && fs.existsSync(path.join(p, 'dbt_project.yml'));
      } catch {
        return false; // a dangling symlink
      }
    })
    : [];
  const declared = readPackagesFile(root);
  if (declared && declared.specs.length > installed.length) {
    throw new ProjectError(declared.file, `${declared.specs.length} package(s) are listed but only ${installed.length} installed in ${path.relative(root, dir) || dir}/: run \`landfall deps\` to install them`, declared.specs[installed.length]?.line);
  }
  const missing = lockedButNotInstalled(root, installed.map((p) => path.basename(p)));
  if (missing) {
    throw new ProjectError(LOCK_FILE, `${missing.names.map((n) => `'${n}'`).join(', ')} ${missing.names.length === 1 ? 'is' : 'are'} locked but not installed in ${path.relative(root, dir) || dir}/: run \`landfall deps\` to install ${missing.names.length === 1 ? 'it' : 'them'}`, missing.line);
  }
  return installed.map(read);
}

/** The packages package-lock.yml lists that are not among `installedNames` (and the line of the first), if any. */
function lockedButNotInstalled(root: string, installedNames: string[]): { names: string[]; line?: number } | undefined {
  const file = path.join(root, LOCK_FILE);
  if (!fs.existsSync(file)) return undefined;
  const text = fs.readFileSync(file, 'utf8');
  const names = parseLock(text, LOCK_FILE).packages.map((p) => p.name).filter((name) => !installedNames.includes(name));
  if (names.length === 0) return undefined;
  return { names, line: lineOf(text, new RegExp(`name:\\s*['"]?${names[0]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}['"]?\\s*$`, 'm')) };
}
