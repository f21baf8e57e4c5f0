import { spawn } from 'node:child_process';
import path from 'node:path';

export type PGliteStep = { exec: string[] } | { label: string; query: string };

/**
 * Runs `steps` in a fresh in-memory PGlite in a child process (see pglite-runner.ts) and resolves with
 * the rows of every labelled query.
 *
 * @example
 * const results = await runInPGlite([{ exec: ['create table t (a int)'] }, { label: 'n', query: 'select count(*) from t' }]);
 */
export function runInPGlite(steps: PGliteStep[]): Promise<Record<string, Record<string, unknown>[]>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'pglite-runner.ts')], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(JSON.parse(stdout) as Record<string, Record<string, unknown>[]>);
      else reject(new Error(`pglite-runner exited with ${code}: ${stderr}`));
    });
    child.stdin.end(JSON.stringify({ steps }));
  });
}
