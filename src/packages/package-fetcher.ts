/**
 * The network and disk side of `landfall deps` (the engine's resolution, engine/packages/resolve.ts, is pure):
 * the dbt hub's JSON API (`<hub>/api/v1/<namespace>/<name>.json`, which lists each version's dependencies and
 * tarball), git repositories through the `git` CLI, tarballs over HTTP(S) unpacked with `tar`, and local folders.
 * The hub is `DBT_PACKAGE_HUB_URL` when set, as for dbt, else https://hub.getdbt.com/.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as yaml from 'js-yaml';
import { parsePackageEntries, type PackageSpec } from '../engine/packages/package-spec';
import { readPackagesFile } from '../engine/packages/installed-packages';
import { PackageResolutionError, type FetchedProject, type PackageFetcher, type PinnedPackage } from '../engine/packages/resolve';

export const DEFAULT_HUB_URL = 'https://hub.getdbt.com/';

interface HubVersion {
  name: string;
  packages?: unknown[];
  downloads?: { tarball?: string };
}

/** A package folder's project name and dependencies. */
export function readFetchedProject(dir: string, what: string): FetchedProject {
  const projectFile = path.join(dir, 'dbt_project.yml');
  if (!fs.existsSync(projectFile)) throw new PackageResolutionError(`${what} has no dbt_project.yml (looked in ${dir})`);
  const project = (yaml.load(fs.readFileSync(projectFile, 'utf8')) ?? {}) as Record<string, unknown>;
  if (typeof project.name !== 'string') throw new PackageResolutionError(`${what}: dbt_project.yml has no name`);
  return { name: project.name, dependencies: readPackagesFile(dir)?.specs ?? [] };
}

export class NetworkPackageFetcher implements PackageFetcher {
  private readonly hubCache = new Map<string, Record<string, HubVersion>>();
  private readonly gitCache = new Map<string, string>();
  private readonly work: string;

  constructor(readonly hubUrl: string = process.env.DBT_PACKAGE_HUB_URL ?? DEFAULT_HUB_URL, work?: string) {
    this.work = work ?? fs.mkdtempSync(path.join(os.tmpdir(), 'landfall-deps-'));
  }

  /** Remove the downloads folder. */
  dispose(): void {
    fs.rmSync(this.work, { recursive: true, force: true });
  }

  private async hubPackage(pkg: string): Promise<Record<string, HubVersion>> {
    const cached = this.hubCache.get(pkg);
    if (cached) return cached;
    const url = new URL(`api/v1/${pkg}.json`, this.hubUrl.endsWith('/') ? this.hubUrl : `${this.hubUrl}/`).toString();
    const response = await fetch(url, { signal: AbortSignal.timeout(30_000) }).catch((error: Error) => {
      throw new PackageResolutionError(`could not reach the dbt hub at ${url}: ${error.message}`);
    });
    if (response.status === 404) throw new PackageResolutionError(`package ${pkg} is not on the dbt hub (${url} answered 404)`);
    if (!response.ok) throw new PackageResolutionError(`the dbt hub answered ${response.status} for ${url}`);
    const body = (await response.json()) as { versions?: Record<string, HubVersion> };
    if (!body.versions || typeof body.versions !== 'object') throw new PackageResolutionError(`${url} has no versions: not a dbt hub package document`);
    this.hubCache.set(pkg, body.versions);
    return body.versions;
  }

  async hubVersions(pkg: string): Promise<Record<string, FetchedProject>> {
    const versions = await this.hubPackage(pkg);
    return Object.fromEntries(Object.entries(versions).map(([version, info]) => [version, {
      name: info.name,
      dependencies: parsePackageEntries(info.packages ?? [], `${pkg}@${version} on the dbt hub`),
    }]));
  }

  /** A clone of `url` checked out at `revision` (cached per URL and revision). */
  private checkout(url: string, revision: string | undefined): string {
    const key = `${url}#${revision ?? ''}`;
    const known = this.gitCache.get(key);
    if (known) return known;
    const dir = path.join(this.work, `git-${createHash('sha1').update(key).digest('hex').slice(0, 12)}`);
    const git = (args: string[], cwd?: string) => execFileSync('git', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', timeout: 120_000 }).trim();
    try {
      git(['clone', '--quiet', url, dir]);
      if (revision !== undefined) git(['-c', 'advice.detachedHead=false', 'checkout', '--quiet', revision], dir);
    } catch (error) {
      const stderr = String((error as { stderr?: string }).stderr ?? (error as Error).message).trim();
      throw new PackageResolutionError(`git package ${url}${revision ? ` at revision '${revision}'` : ''}: ${stderr}`);
    }
    this.gitCache.set(key, dir);
    return dir;
  }

  async gitPackage(url: string, revision: string | undefined, subdirectory: string | undefined): Promise<FetchedProject & { commit: string }> {
    const dir = this.checkout(url, revision);
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: dir, encoding: 'utf8' }).trim();
    return { ...readFetchedProject(path.join(dir, subdirectory ?? ''), `git package ${url}${subdirectory ? ` (subdirectory ${subdirectory})` : ''}`), commit };
  }

  async localPackage(local: string, base: string): Promise<FetchedProject & { path: string }> {
    const dir = path.resolve(base, local);
    return { ...readFetchedProject(dir, `local package ${local}`), path: dir };
  }

  private async download(url: string): Promise<string> {
    const dir = path.join(this.work, `tar-${createHash('sha1').update(url).digest('hex').slice(0, 12)}`);
    if (fs.existsSync(dir)) return dir;
    const response = await fetch(url, { signal: AbortSignal.timeout(120_000) }).catch((error: Error) => {
      throw new PackageResolutionError(`could not download ${url}: ${error.message}`);
    });
    if (!response.ok) throw new PackageResolutionError(`downloading ${url} answered ${response.status}`);
    const archive = `${dir}.tar.gz`;
    fs.writeFileSync(archive, Buffer.from(await response.arrayBuffer()));
    fs.mkdirSync(dir, { recursive: true });
    try {
      execFileSync('tar', ['-xzf', archive, '-C', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (error) {
      throw new PackageResolutionError(`${url} is not a gzipped tarball: ${String((error as { stderr?: Buffer }).stderr ?? '').trim()}`);
    }
    return dir;
  }

  /** dbt takes the tarball's single top folder as the package. */
  private async unpacked(url: string): Promise<string> {
    const dir = await this.download(url);
    const children = fs.readdirSync(dir);
    return children.length === 1 && fs.statSync(path.join(dir, children[0]!)).isDirectory() ? path.join(dir, children[0]!) : dir;
  }

  async tarballPackage(url: string): Promise<FetchedProject> {
    return readFetchedProject(await this.unpacked(url), `tarball ${url}`);
  }

  /** Lay `pinned` out in `installDir/<name>` as dbt deps does (local packages as symlinks). */
  async install(pinned: PinnedPackage, projectRoot: string, installDir: string): Promise<void> {
    const dest = path.join(installDir, pinned.name);
    fs.rmSync(dest, { recursive: true, force: true });
    switch (pinned.kind) {
      case 'local':
        fs.symlinkSync(path.resolve(projectRoot, pinned.local), dest, 'dir');
        return;
      case 'git': {
        const dir = this.checkout(pinned.git, pinned.revision);
        fs.cpSync(path.join(dir, pinned.subdirectory ?? ''), dest, { recursive: true, filter: (src) => path.basename(src) !== '.git' });
        return;
      }
      case 'tarball':
        fs.cpSync(await this.unpacked(pinned.tarball), dest, { recursive: true });
        return;
      case 'hub': {
        const info = (await this.hubPackage(pinned.package))[pinned.version];
        const tarball = info?.downloads?.tarball;
        if (!tarball) throw new PackageResolutionError(`the dbt hub lists no tarball for ${pinned.package}@${pinned.version}`);
        fs.cpSync(await this.unpacked(tarball), dest, { recursive: true });
      }
    }
  }
}

export type { PackageSpec };
