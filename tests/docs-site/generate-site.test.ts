/**
 * `landfall docs generate` builds the site from the manifest it has just written, in memory (not read back from
 * target/): the files must be exactly those a build from target/manifest.json gives (what `docs serve` rebuilds).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main } from '../../src/cli/main';
import { generateSite } from '../../src/docs-site/generate-site';

const JAFFLE = path.resolve(__dirname, '..', 'compat', 'projects', 'jaffle_mart');

describe('docs generate → site', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'landfall-site-'));
    fs.cpSync(JAFFLE, path.join(dir, 'project'), { recursive: true, filter: (f) => !/\/(target|logs)$/.test(f) });
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('the site built from the in-memory manifest equals the one built from target/manifest.json', async () => {
    const project = path.join(dir, 'project');
    const state = path.join(dir, 'state');
    const write = process.stdout.write;
    process.stdout.write = (() => true) as typeof process.stdout.write;
    try {
      expect(await main(['docs', 'generate', '--empty-catalog', '--project-dir', project, '--state-dir', state])).toBe(0);
    } finally {
      process.stdout.write = write;
    }
    const target = path.join(project, 'target');
    const again = generateSite({ targetDir: target, stateDir: state, out: path.join(dir, 'again') });
    expect(again.nodes).toBeGreaterThan(10);
    for (const [file, text] of again.site.files) expect([file, fs.readFileSync(path.join(target, file), 'utf8')]).toEqual([file, text]);
    // A rebuild into the same folder removes what the new build does not write, and leaves no temporary files.
    fs.writeFileSync(path.join(target, 'data', 'nodes', '999.json'), '[]');
    fs.writeFileSync(path.join(target, 'data', 'runs', 'gone.json'), '{}');
    generateSite({ targetDir: target, stateDir: state });
    expect(fs.existsSync(path.join(target, 'data', 'nodes', '999.json'))).toBe(false);
    expect(fs.existsSync(path.join(target, 'data', 'runs', 'gone.json'))).toBe(false);
    expect(fs.readdirSync(path.join(target, 'data', 'nodes')).filter((f) => !/^\d+\.json$/.test(f))).toEqual([]);
    expect(fs.existsSync(path.join(target, 'data', 'index.json'))).toBe(true);
    const manifest = JSON.parse(fs.readFileSync(path.join(target, 'manifest.json'), 'utf8')) as { nodes: Record<string, { compiled_code?: string; description?: string }> };
    expect(manifest.nodes['model.jaffle_mart.stg_orders']?.compiled_code).toMatch(/^select|^with/i);
  });
});
