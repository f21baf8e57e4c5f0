/**
 * `landfall docs serve`: the site folder over HTTP on 127.0.0.1, regenerated when what it is built from changes
 * (the target folder's artifacts, a run's results in the local history): checked every `pollMs` (and when a page
 * or a run file is requested), so a run that ends while the site is open shows up on the next visit.
 *
 * `regenerate` may be asynchronous (`landfall serve` and `docs serve` build in a child process: site-builder.ts):
 * the files of the last build are served meanwhile, one rebuild runs at a time, and a change during a rebuild
 * starts one more after it.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';

const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.json': 'application/json', '.js': 'text/javascript' };

export interface SiteServer {
  url: string;
  close(): Promise<void>;
}

export interface ServeSiteOptions {
  dir: string;
  port?: number;
  /** Files and folders whose change calls `regenerate`. */
  watch: string[];
  regenerate(): void | Promise<void>;
  onError?(error: Error): void;
  /** Check `watch` this often, not only when a page is requested (0 or absent: on requests only). */
  pollMs?: number;
}

function newest(paths: string[]): number {
  let latest = 0;
  for (const p of paths) {
    if (!fs.existsSync(p)) continue;
    const stat = fs.statSync(p);
    latest = Math.max(latest, stat.mtimeMs);
    if (stat.isDirectory()) for (const child of fs.readdirSync(p)) latest = Math.max(latest, newest([path.join(p, child)]));
  }
  return latest;
}

export async function serveSite(options: ServeSiteOptions): Promise<SiteServer> {
  const root = path.resolve(options.dir);
  let seen = newest(options.watch);
  let checkedAt = 0;
  let building: Promise<void> | undefined;
  let again = false;
  const rebuild = (): void => {
    if (building) {
      again = true;
      return;
    }
    const startedFrom = newest(options.watch);
    building = (async () => {
      try { await options.regenerate(); } catch (error) { options.onError?.(error as Error); }
      seen = Math.max(seen, startedFrom);
    })().finally(() => {
      building = undefined;
      if (again) {
        again = false;
        if (newest(options.watch) > seen) rebuild();
      }
    });
  };
  const refresh = () => {
    if (Date.now() - checkedAt < 1000) return;
    checkedAt = Date.now();
    if (newest(options.watch) > seen) rebuild();
  };
  const poll = options.pollMs ? setInterval(refresh, options.pollMs) : undefined;
  poll?.unref();
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const relative = decodeURIComponent(url.pathname === '/' ? '/index.html' : url.pathname);
    if (relative === '/index.html' || relative.startsWith('/data/runs/') || relative === '/data/test-history.json') refresh();
    const file = path.resolve(root, `.${relative}`);
    if (!file.startsWith(`${root}${path.sep}`) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end(`not found: ${url.pathname}`);
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-cache' });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve, reject) => { server.once('error', reject); server.listen(options.port ?? 0, '127.0.0.1', () => resolve()); });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: async () => {
      if (poll) clearInterval(poll);
      await building?.catch(() => undefined);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
