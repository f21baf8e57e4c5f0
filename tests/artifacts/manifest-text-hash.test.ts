/**
 * The run history's manifest key comes from the hash of the compiled artifact's text as it was loaded, not from
 * serializing the manifest again (seconds of CPU per container at 10,000 models).
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { compileManifest, readProjectFiles } from '../../src/engine/compile';
import { forgetCompiledManifest, loadCompiledManifest } from '../../src/runtime/compiled-project';
import { manifestKey, runManifestDocument } from '../../src/artifacts/run-history';

const REPO = path.resolve(__dirname, '..', '..');

describe('run history manifest address', () => {
  afterEach(() => forgetCompiledManifest());

  it('is the sha256 of the loaded artifact text, without serializing the manifest', () => {
    const compiled = compileManifest(readProjectFiles(path.join(REPO, 'dbt')), { target: { name: 'dev', type: 'postgres', schema: 'analytics', database: 'dev' } });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'landfall-manifest-hash-'));
    const file = path.join(dir, 'landfall-manifest.json');
    // Pretty-printed on purpose: a text whose hash differs from the hash of a re-serialization.
    const text = JSON.stringify(compiled, null, 1);
    fs.writeFileSync(file, text);
    try {
      const manifest = loadCompiledManifest(file);
      const stringify = jest.spyOn(JSON, 'stringify');
      const document = runManifestDocument(manifest);
      expect(stringify.mock.calls.filter(([value]) => value === manifest)).toHaveLength(0);
      stringify.mockRestore();
      const sha = createHash('sha256').update(text).digest('hex');
      expect(document.sha256).toBe(sha);
      expect(manifestKey(document.sha256)).toBe(`history/manifests/${sha}.json.gz`);
      // A manifest compiled in process has no text: its serialization is hashed, as before.
      expect(runManifestDocument(compiled).sha256).toBe(createHash('sha256').update(JSON.stringify(compiled)).digest('hex'));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
