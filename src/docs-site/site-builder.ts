/**
 * Builds the docs site in a child process, so the process serving it — `landfall serve`, whose local stack (Data API,
 * Step Functions, S3 …) answers on the same event loop — keeps answering while a 10,000-model site is rebuilt.
 * One child at a time; `stop()` ends the running one (its own process, by pid).
 */
import { spawn, type ChildProcess } from 'node:child_process';

export interface SiteBuilder {
  /** Runs one build; resolves with its duration in ms, rejects with the child's last output when it fails. */
  build(): Promise<number>;
  stop(): void;
}

/** Keeps the end of a child's output for the error message. */
const TAIL_BYTES = 4000;

/**
 * @example
 * const builder = siteBuilderProcess([cliEntry, 'docs', 'build-site', '--project-dir', 'dbt']);
 * await builder.build();
 */
export function siteBuilderProcess(argv: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): SiteBuilder {
  let running: ChildProcess | undefined;
  let stopped = false;
  return {
    build() {
      if (stopped) return Promise.reject(new Error('the site builder was stopped'));
      if (running) return Promise.reject(new Error('a site build is already running'));
      const started = Date.now();
      return new Promise<number>((resolve, reject) => {
        const child = spawn(process.execPath, argv, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
        running = child;
        let tail = '';
        const keep = (chunk: Buffer) => { tail = (tail + chunk.toString('utf8')).slice(-TAIL_BYTES); };
        child.stdout!.on('data', keep);
        child.stderr!.on('data', keep);
        child.once('error', (error) => { running = undefined; reject(error); });
        child.once('close', (code, signal) => {
          running = undefined;
          if (code === 0) resolve(Date.now() - started);
          else reject(new Error(`site build ${signal ? `ended by ${signal}` : `exited with ${code}`}: ${tail.trim().split('\n').slice(-5).join(' / ')}`));
        });
      });
    },
    stop() {
      stopped = true;
      if (running?.pid !== undefined && running.exitCode === null) running.kill('SIGTERM');
    },
  };
}
