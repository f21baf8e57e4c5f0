import { parsePackagesFile, packagesHash } from '../../../src/engine/packages/package-spec';
import { pickVersion, parseComparison } from '../../../src/engine/packages/versions';
import { resolvePackages, type FetchedProject, type PackageFetcher } from '../../../src/engine/packages/resolve';
import { formatLock, parseLock } from '../../../src/engine/packages/lock-file';
import { ProjectError } from '../../../src/engine/errors';

describe('packages.yml', () => {
  it('reads hub, git, local and tarball entries', () => {
    const specs = parsePackagesFile([
      'packages:',
      '  - package: dbt-labs/dbt_utils',
      '    version: [">=1.0.0", "<2.0.0"]',
      '  - git: https://example.com/pkg.git',
      '    revision: 0.4.0',
      '    subdirectory: sub',
      '  - local: ../lib',
      '  - tarball: https://example.com/x.tar.gz',
      '    name: x',
    ].join('\n'), 'packages.yml');
    expect(specs.map((s) => s.kind)).toEqual(['hub', 'git', 'local', 'tarball']);
    expect(specs[0]).toMatchObject({ package: 'dbt-labs/dbt_utils', version: ['>=1.0.0', '<2.0.0'], line: 2 });
    expect(specs[1]).toMatchObject({ git: 'https://example.com/pkg.git', revision: '0.4.0', subdirectory: 'sub', line: 4 });
    expect(specs[3]).toMatchObject({ name: 'x', line: 8 });
  });

  it('names the file and line of a bad entry', () => {
    const text = 'packages:\n  - package: dbt-labs/dbt_utils\n    version: 1.1.1\n  - package: dbt-labs/codegen\n';
    expect(() => parsePackagesFile(text, 'packages.yml')).toThrow(ProjectError);
    expect(() => parsePackagesFile(text, 'packages.yml')).toThrow(/packages\.yml:4: .*dbt-labs\/codegen.*version/);
    expect(() => parsePackagesFile('packages:\n  - git: a\n    local: b\n', 'dependencies.yml')).toThrow(/dependencies\.yml:2: .*exactly one of/);
    expect(() => parsePackagesFile('packages:\n  - tarball: https://x/y.tgz\n', 'packages.yml')).toThrow(/needs a name/);
  });

  it("hashes entries exactly as dbt-core 1.10 does for package-lock.yml's sha1_hash", () => {
    // Both values printed by dbt-core 1.10's own _create_sha1_hash for the same entries.
    expect(packagesHash(parsePackagesFile('packages:\n  - local: ../\n', 'p'))).toBe('d8749f25a8562184ce6344da60ebb678f09e4cd8');
    expect(packagesHash(parsePackagesFile([
      'packages:',
      '  - package: dbt-labs/dbt_utils',
      '    version: [">=0.9.0", "<2.0.0"]',
      '  - git: https://x/y.git',
      '    revision: "1.0"',
      '    subdirectory: s',
      '  - tarball: http://a/b.tgz',
      '    name: b',
    ].join('\n'), 'p'))).toBe('18fb32bea3f2777328baceeb1265c28aff1fed02');
  });
});

describe('versions', () => {
  const range = (...xs: string[]) => xs.map((x) => parseComparison(x)!);
  it('picks the highest version inside every range, prereleases only when asked', () => {
    const available = ['0.9.0', '1.0.0', '1.1.1', '1.2.0-b1', '2.0.0'];
    expect(pickVersion(available, range('>=1.0.0', '<2.0.0'), false)).toBe('1.1.1');
    expect(pickVersion(available, range('>=1.0.0', '<2.0.0'), true)).toBe('1.2.0-b1');
    expect(pickVersion(available, range('1.0.0'), false)).toBe('1.0.0');
    expect(pickVersion(available, range('>=3.0.0'), false)).toBeUndefined();
  });
});

function memoryFetcher(hub: Record<string, Record<string, FetchedProject>>, git: Record<string, FetchedProject & { commit: string }> = {}): PackageFetcher & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    hubVersions: async (pkg) => {
      calls.push(`hub ${pkg}`);
      if (!hub[pkg]) throw new Error(`no ${pkg}`);
      return hub[pkg]!;
    },
    gitPackage: async (url, revision) => {
      calls.push(`git ${url}@${revision}`);
      return git[`${url}@${revision}`]!;
    },
    localPackage: async (p, base) => ({ name: p.replace(/\W/g, '') || 'local', dependencies: [], path: `${base}/${p}` }),
    tarballPackage: async () => ({ name: 'tar', dependencies: [] }),
  };
}

describe('resolvePackages', () => {
  const utils = (deps: FetchedProject['dependencies'] = []) => ({ name: 'dbt_utils', dependencies: deps });
  const hub = {
    'dbt-labs/dbt_utils': { '0.9.6': utils(), '1.1.1': utils(), '1.3.0': utils(), '2.0.0': utils() },
    'dbt-labs/audit_helper': { '0.12.0': { name: 'audit_helper', dependencies: parsePackagesFile('packages:\n  - package: dbt-labs/dbt_utils\n    version: [">=0.9.0", "<1.2.0"]\n', 'x') } },
  };

  it('intersects the ranges a package gets from the project and from other packages', async () => {
    const specs = parsePackagesFile('packages:\n  - package: dbt-labs/dbt_utils\n    version: [">=1.0.0", "<2.0.0"]\n  - package: dbt-labs/audit_helper\n    version: 0.12.0\n', 'packages.yml');
    const pinned = await resolvePackages(specs, '/p', memoryFetcher(hub));
    expect(pinned).toEqual([
      { kind: 'hub', name: 'audit_helper', package: 'dbt-labs/audit_helper', version: '0.12.0' },
      { kind: 'hub', name: 'dbt_utils', package: 'dbt-labs/dbt_utils', version: '1.1.1' },
    ]);
  });

  it('says who asked for what when no version fits', async () => {
    const specs = parsePackagesFile('packages:\n  - package: dbt-labs/dbt_utils\n    version: ">=1.3.0"\n  - package: dbt-labs/audit_helper\n    version: 0.12.0\n', 'packages.yml');
    await expect(resolvePackages(specs, '/p', memoryFetcher(hub))).rejects.toThrow(/no version of dbt-labs\/dbt_utils satisfies.*the root project \(>=1\.3\.0\).*package audit_helper \(>=0\.9\.0, <1\.2\.0\)/);
  });

  it('pins git packages to the commit their revision names, and refuses two revisions of one repository', async () => {
    const fetcher = memoryFetcher(hub, {
      'https://g/x.git@v1': { name: 'x', dependencies: [], commit: 'a'.repeat(40) },
    });
    const pinned = await resolvePackages(parsePackagesFile('packages:\n  - git: https://g/x.git\n    revision: v1\n', 'p'), '/p', fetcher);
    expect(pinned).toEqual([{ kind: 'git', name: 'x', git: 'https://g/x.git', revision: 'a'.repeat(40) }]);
    await expect(resolvePackages(parsePackagesFile('packages:\n  - git: https://g/x.git\n    revision: v1\n  - git: https://g/x.git\n    revision: v2\n', 'p'), '/p', fetcher))
      .rejects.toThrow(/required at two revisions: 'v1'.*'v2'/);
  });

  it('writes and reads the lock in dbt\'s layout', () => {
    const text = formatLock({ packages: [{ kind: 'local', name: 'dbt_date', local: '..' }, { kind: 'hub', name: 'dbt_utils', package: 'dbt-labs/dbt_utils', version: '1.1.1' }], sha1Hash: 'f0236c7f2e9f17b56369d819042ae243dfe27246' });
    expect(text).toBe('packages:\n  - local: ..\n    name: dbt_date\n  - name: dbt_utils\n    package: dbt-labs/dbt_utils\n    version: 1.1.1\nsha1_hash: f0236c7f2e9f17b56369d819042ae243dfe27246\n');
    expect(parseLock(text, 'package-lock.yml').packages[1]).toEqual({ kind: 'hub', name: 'dbt_utils', package: 'dbt-labs/dbt_utils', version: '1.1.1' });
  });
});
