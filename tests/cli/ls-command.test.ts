/** `landfall ls` in text prints dbt's fully qualified names: a package's nodes under the package's name, as dbt ls does. */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const REPO = path.resolve(__dirname, '..', '..');
const PROJECT = path.join(REPO, 'tests', 'compat', 'projects', 'packages_installed');

it('names package nodes by their package and root nodes by the root project', () => {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'landfall-ls-'));
  try {
    const result = spawnSync(process.execPath, [path.join(REPO, 'bin', 'landfall.js'), 'ls', '--project-dir', PROJECT, '--state-dir', stateDir], { encoding: 'utf8', cwd: REPO });
    expect(result.status).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines).toEqual(expect.arrayContaining(['geo.cities_filtered', 'geo.staging.stg_cities', 'geo.cities', 'geo.no_negative_population', 'packages_installed.city_report']));
    expect(lines.filter((l) => l.startsWith('packages_installed.'))).toEqual(expect.arrayContaining(['packages_installed.city_report', 'packages_installed.unique_city_report_city']));
    expect(lines).not.toContain('packages_installed.cities_filtered');
  } finally {
    fs.rmSync(stateDir, { recursive: true, force: true });
  }
});
