/** compiledProjectName: the crash email's project name without loading the whole compiled project. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { compiledProjectName } from '../../src/runtime/project-name';

describe('compiledProjectName', () => {
  const saved = process.env.LANDFALL_MANIFEST_PATH;
  afterEach(() => {
    if (saved === undefined) delete process.env.LANDFALL_MANIFEST_PATH;
    else process.env.LANDFALL_MANIFEST_PATH = saved;
  });

  it('reads the manifest at LANDFALL_MANIFEST_PATH, again when the path changes', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'project-name-'));
    for (const name of ['alpha', 'beta']) fs.writeFileSync(path.join(dir, `${name}.json`), JSON.stringify({ projectName: name, models: {} }));
    process.env.LANDFALL_MANIFEST_PATH = path.join(dir, 'alpha.json');
    expect(compiledProjectName()).toBe('alpha');
    process.env.LANDFALL_MANIFEST_PATH = path.join(dir, 'beta.json');
    expect(compiledProjectName()).toBe('beta');
  });

  it('names the missing file', () => {
    process.env.LANDFALL_MANIFEST_PATH = path.join(os.tmpdir(), 'no-such-landfall-manifest.json');
    expect(() => compiledProjectName()).toThrow(/no-such-landfall-manifest\.json/);
  });
});
