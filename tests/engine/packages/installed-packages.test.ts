/**
 * Installed packages against what the project declares: packages.yml's count (dbt-core 1.10) and package-lock.yml's
 * names (dbt-core 1.12, PR #12508): a locked dependency deleted from dbt_packages/ is refused at parse, naming it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readInstalledPackages } from '../../../src/engine/packages/installed-packages';
import { ProjectError } from '../../../src/engine/errors';

function projectWith(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'installed-packages-'));
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

const LOCK = [
  'packages:',
  '  - local: ../',
  '    name: audit_helper',
  '  - name: dbt_utils',
  '    package: dbt-labs/dbt_utils',
  '    version: 1.3.0',
  '',
].join('\n');

describe('readInstalledPackages', () => {
  it('reads every installed package when the lock names only installed ones (a dependency of a dependency included)', () => {
    const dir = projectWith({
      'packages.yml': 'packages:\n  - local: ../\n',
      'package-lock.yml': LOCK,
      'dbt_packages/audit_helper/dbt_project.yml': 'name: audit_helper\n',
      'dbt_packages/dbt_utils/dbt_project.yml': 'name: dbt_utils\n',
    });
    expect(readInstalledPackages(dir, {}, (p) => path.basename(p))).toEqual(['audit_helper', 'dbt_utils']);
  });

  it('refuses a locked package that is not installed, naming it, the lock file and its line', () => {
    // packages.yml lists 1 and 1 is installed: the count check of dbt-core 1.10 passes; the lock says dbt_utils is missing.
    const dir = projectWith({
      'packages.yml': 'packages:\n  - local: ../\n',
      'package-lock.yml': LOCK,
      'dbt_packages/audit_helper/dbt_project.yml': 'name: audit_helper\n',
    });
    expect(() => readInstalledPackages(dir, {}, (p) => p)).toThrow(ProjectError);
    expect(() => readInstalledPackages(dir, {}, (p) => p)).toThrow(/package-lock\.yml:4: 'dbt_utils' is locked but not installed in dbt_packages\/: run `landfall deps`/);
  });

  it('accepts more installed packages than the lock lists (dbt-core 1.12 refuses them by count, its issue #16179)', () => {
    const dir = projectWith({
      'package-lock.yml': 'packages:\n  - local: ../\n    name: audit_helper\n',
      'dbt_packages/audit_helper/dbt_project.yml': 'name: audit_helper\n',
      'dbt_packages/extra/dbt_project.yml': 'name: extra\n',
    });
    expect(readInstalledPackages(dir, {}, (p) => path.basename(p))).toEqual(['audit_helper', 'extra']);
  });
});
