/**
 * Replacing a file so that a reader never sees half of it: the data goes to a temporary file beside it (same folder,
 * so the rename stays on one file system and is atomic on POSIX), which is then renamed over the target. The
 * temporary name is unique per call (process id + random bytes), so two processes or worker threads writing the same
 * file never write into each other's temporary; a failed write or rename removes its temporary. No fsync: this guards
 * readers against torn files, not against a power cut. Lives in the engine because the engine's caches use it; the
 * folder must exist.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';

const TEMPORARY_SUFFIX = /\.\d+-[0-9a-f]{12}\.tmp$/;

/** Writes `data` to `file` through a temporary file renamed over it. */
export function writeFileAtomic(file: string, data: string | NodeJS.ArrayBufferView): void {
  const temporary = `${file}.${process.pid}-${randomBytes(6).toString('hex')}.tmp`;
  try {
    fs.writeFileSync(temporary, data);
    fs.renameSync(temporary, file);
  } catch (error) {
    fs.rmSync(temporary, { force: true });
    throw error;
  }
}

/** Whether a file name is a temporary of `writeFileAtomic` still being written (for listings that must skip it). */
export function isWriteInProgress(fileName: string): boolean {
  return TEMPORARY_SUFFIX.test(fileName);
}
