/**
 * Which build of landfall is running, for caches kept on disk that code may have produced (the compile stamp,
 * the manifest's per-entry fragments): the bundle's path, size and time when run from a bundle, else the newest
 * source file under src/ (tsx, jest). Read once per process: the code a process runs does not change under it.
 */
import fs from 'node:fs';
import path from 'node:path';

let version: string | undefined;

export function codeVersion(): string {
  version ??= readCodeVersion();
  return version;
}

function readCodeVersion(): string {
  const newest = (dir: string): number => fs.readdirSync(dir, { withFileTypes: true })
    .reduce((max, entry) => Math.max(max, entry.isDirectory() ? newest(path.join(dir, entry.name)) : fs.statSync(path.join(dir, entry.name)).mtimeMs), 0);
  try {
    const stat = fs.statSync(__filename);
    return __filename.endsWith('.ts') ? `src:${newest(path.resolve(__dirname, '..'))}` : `${__filename}:${stat.size}:${stat.mtimeMs}`;
  } catch {
    return `unknown:${Date.now()}`; // never equal to a stored one: caches are rebuilt
  }
}
