/**
 * The CLI bundle the benchmarks time: bin/landfall.js starts from dist/cli/landfall.cjs while it is newer than
 * everything in src/, and from the sources through tsx otherwise (others edit src/ while a benchmark runs).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const repo = path.resolve(__dirname, '..', '..');
const bundle = path.join(repo, 'dist', 'cli', 'landfall.cjs');

/** The newest mtime under `dir` (files and folders), as bin/landfall.js compares it with the bundle's. */
function newestMtimeMs(dir: string): number {
  let newest = fs.statSync(dir).mtimeMs;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const child = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtimeMs(child) : fs.statSync(child).mtimeMs);
  }
  return newest;
}

/** Whether bin/landfall.js would start from the bundle now. */
export function cliBundleIsFresh(): boolean {
  return fs.existsSync(bundle) && fs.statSync(bundle).mtimeMs >= newestMtimeMs(path.join(repo, 'src'));
}

/** Rebuilds the bundle (untimed) when src/ changed since it was built. */
export function rebuildCliBundleIfStale(): void {
  if (!cliBundleIsFresh()) execFileSync(process.execPath, [path.join(repo, 'scripts', 'build-cli.js')], { stdio: 'ignore', cwd: repo });
}
