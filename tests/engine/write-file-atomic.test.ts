/** writeFileAtomic: a temporary beside the file, unique per call, renamed over it; nothing left behind on failure. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isWriteInProgress, writeFileAtomic } from '../../src/engine/write-file-atomic';

describe('writeFileAtomic', () => {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'write-atomic-')); });
  afterEach(() => {
    jest.restoreAllMocks();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('replaces the file with the new text or bytes and leaves only that file in the folder', () => {
    const file = path.join(dir, 'out.json');
    writeFileAtomic(file, 'first');
    writeFileAtomic(file, Buffer.from('second'));
    expect(fs.readFileSync(file, 'utf8')).toBe('second');
    expect(fs.readdirSync(dir)).toEqual(['out.json']);
  });

  it('writes through a temporary in the same folder whose name differs on every call and is marked in progress', () => {
    const renamed: string[] = [];
    const rename = fs.renameSync;
    jest.spyOn(fs, 'renameSync').mockImplementation((from, to) => {
      renamed.push(String(from));
      expect(fs.readFileSync(from, 'utf8')).toBe('text'); // complete before it is renamed
      rename(from, to);
    });
    const file = path.join(dir, 'out.json');
    writeFileAtomic(file, 'text');
    writeFileAtomic(file, 'text');
    expect(renamed).toHaveLength(2);
    expect(new Set(renamed).size).toBe(2);
    for (const temporary of renamed) {
      expect(path.dirname(temporary)).toBe(dir);
      expect(path.basename(temporary).startsWith('out.json.')).toBe(true);
      expect(isWriteInProgress(path.basename(temporary))).toBe(true);
    }
  });

  it('removes its temporary and throws when the rename fails, keeping the old file', () => {
    const file = path.join(dir, 'out.json');
    writeFileAtomic(file, 'old');
    jest.spyOn(fs, 'renameSync').mockImplementation(() => { throw new Error('EXDEV: simulated'); });
    expect(() => writeFileAtomic(file, 'new')).toThrow('EXDEV: simulated');
    expect(fs.readdirSync(dir)).toEqual(['out.json']);
    expect(fs.readFileSync(file, 'utf8')).toBe('old');
  });

  it('throws when the folder is missing (callers create it)', () => {
    expect(() => writeFileAtomic(path.join(dir, 'missing', 'out.json'), 'x')).toThrow(/ENOENT/);
  });

  it('tells its temporaries from ordinary names ending in .tmp or .partial', () => {
    expect(isWriteInProgress('a.json.123-0123456789ab.tmp')).toBe(true);
    expect(isWriteInProgress('a.json.tmp')).toBe(false);
    expect(isWriteInProgress('report.partial')).toBe(false);
    expect(isWriteInProgress('a.json.123.tmp')).toBe(false);
  });
});
