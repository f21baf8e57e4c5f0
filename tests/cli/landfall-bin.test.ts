/**
 * bin/landfall.js chooses how to start: the esbuild bundle while it is newer than every file under src/,
 * the TypeScript sources through tsx otherwise — so an edit is never ignored. Checked on a copy of the
 * script beside a stand-in bundle and stand-in sources.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const REPO = path.resolve(__dirname, '..', '..');
let root: string;

function write(file: string, text: string, mtimeSeconds: number): void {
  const full = path.join(root, file);
  fs.mkdirSync(path.dirname(full), { recursive: true });
  fs.writeFileSync(full, text);
  fs.utimesSync(full, mtimeSeconds, mtimeSeconds);
}

function landfall(...args: string[]) {
  const result = spawnSync(process.execPath, [path.join(root, 'bin', 'landfall.js'), ...args], { encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const T0 = 1_700_000_000;

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'landfall-bin-'));
  fs.mkdirSync(path.join(root, 'bin'));
  fs.copyFileSync(path.join(REPO, 'bin', 'landfall.js'), path.join(root, 'bin', 'landfall.js'));
  fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(root, 'node_modules'), 'dir');
  write('src/cli/main.ts', "export async function main(argv: string[]): Promise<number> {\n  process.stdout.write(`sources ${argv.join(' ')}`);\n  return 0;\n}\n", T0);
  write('src/engine/graph.ts', 'export const x: number = 1;\n', T0);
  for (const dir of ['src/cli', 'src/engine', 'src']) fs.utimesSync(path.join(root, dir), T0, T0);
});

afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

describe('bin/landfall.js', () => {
  it('runs the bundle when it is newer than everything under src/, and exits with its code', () => {
    write('dist/cli/landfall.cjs', "exports.main = async (argv) => { process.stdout.write(`bundle ${argv.join(' ')}`); return 3; };\n", T0 + 10);
    expect(landfall('run', '--threads', '4')).toMatchObject({ code: 3, stdout: 'bundle run --threads 4' });
  });

  it("keeps V8's code cache beside the bundle, and replaces one it cannot use", () => {
    write('dist/cli/landfall.cjs', "exports.main = async () => { process.stdout.write('bundle'); return 0; };\n", T0 + 10);
    const cache = path.join(root, 'dist', 'cli', 'landfall.cjs.cache');
    expect(landfall('help').stdout).toBe('bundle');
    expect(fs.statSync(cache).size).toBeGreaterThan(0);
    fs.writeFileSync(cache, 'not a code cache');
    expect(landfall('help')).toMatchObject({ code: 0, stdout: 'bundle' });
    expect(fs.readFileSync(cache, 'utf8')).not.toBe('not a code cache');
  });

  it('runs the sources through tsx when a file under src/ changed after the bundle was built', () => {
    write('dist/cli/landfall.cjs', "exports.main = async () => { process.stdout.write('bundle'); return 0; };\n", T0 + 10);
    fs.utimesSync(path.join(root, 'src', 'engine', 'graph.ts'), T0 + 20, T0 + 20);
    expect(landfall('ls')).toMatchObject({ code: 0, stdout: 'sources ls' });
  });

  it('runs the sources when a file was added or removed after the bundle was built (the folder changed)', () => {
    write('dist/cli/landfall.cjs', "exports.main = async () => { process.stdout.write('bundle'); return 0; };\n", T0 + 10);
    fs.utimesSync(path.join(root, 'src', 'engine'), T0 + 20, T0 + 20);
    expect(landfall('ls').stdout).toBe('sources ls');
  });

  it('runs the sources when there is no bundle', () => {
    expect(landfall('help')).toMatchObject({ code: 0, stdout: 'sources help' });
  });
});
