/**
 * `logs/landfall.log` in the project, as dbt keeps `logs/dbt.log`: every command's output (colour codes
 * stripped) appended under a header with the time, the invocation id and the command line, so a run seen
 * scroll past in a terminal can be read again. Writing it never fails a command.
 */
import fs from 'node:fs';
import path from 'node:path';
import { findProjectDir } from './command-context';

const ANSI = /\u001b\[[0-9;]*m/g;

/** `--project-dir DIR` / `--project-dir=DIR` from the raw arguments (before the command parses them). */
function projectDirArgument(argv: readonly string[]): string | undefined {
  const i = argv.indexOf('--project-dir');
  if (i >= 0) return argv[i + 1];
  return argv.find((a) => a.startsWith('--project-dir='))?.slice('--project-dir='.length);
}

/** Start copying stdout and stderr to the project's logs/landfall.log; returns what stops it. */
export function startRunLog(argv: readonly string[]): () => void {
  let file: string;
  try {
    file = path.join(findProjectDir(projectDirArgument(argv)), 'logs', 'landfall.log');
    fs.mkdirSync(path.dirname(file), { recursive: true });
  } catch {
    return () => undefined; // no project here (or not writable): no log
  }
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, 'a');
    const invocation = `${new Date().toISOString()} | pid ${process.pid}`;
    fs.writeSync(fd, `\n============================== ${invocation} ==============================\nlandfall ${argv.map((a) => (/\s/.test(a) ? JSON.stringify(a) : a)).join(' ')}\n`);
  } catch {
    return () => undefined;
  }
  const streams = [process.stdout, process.stderr] as const;
  const originals = streams.map((s) => s.write.bind(s));
  streams.forEach((stream, i) => {
    stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      try {
        if (fd !== undefined) fs.writeSync(fd, (typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8')).replace(ANSI, ''));
      } catch {
        // a full disk must not stop the command
      }
      return (originals[i] as (...args: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof stream.write;
  });
  return () => {
    streams.forEach((stream, i) => {
      stream.write = originals[i] as typeof stream.write;
    });
    if (fd !== undefined) fs.closeSync(fd);
    fd = undefined;
  };
}
