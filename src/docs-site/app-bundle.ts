/**
 * The browser app, bundled with esbuild (a devDependency, as for the CLI bundle) from src/docs-site/browser/ at
 * build time into one minified script, cached in dist/docs-site/app.js while it is newer than its sources.
 */
import fs from 'node:fs';
import path from 'node:path';

/** The repository root: this file is src/docs-site/ (sources) or dist/cli/ (the CLI bundle). */
function repoRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : fs.statSync(full).mtimeMs);
  }
  return newest;
}

export function docsAppJs(): string {
  const root = repoRoot();
  const sources = path.join(root, 'src', 'docs-site');
  const out = path.join(root, 'dist', 'docs-site', 'app.js');
  if (fs.existsSync(out) && fs.statSync(out).mtimeMs > newestMtime(sources)) return fs.readFileSync(out, 'utf8');
  const esbuild = require('esbuild') as typeof import('esbuild');
  const result = esbuild.buildSync({
    entryPoints: [path.join(sources, 'browser', 'main.ts')],
    bundle: true, minify: true, format: 'iife', target: ['chrome110', 'firefox110', 'safari16'], write: false, legalComments: 'none',
  });
  const js = result.outputFiles[0]!.text;
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, js);
  return js;
}
