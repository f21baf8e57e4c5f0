/**
 * `landfall serve`/`docs serve` keep the docs site current without blocking their own event loop: the site is built
 * in a child process (`landfall docs build-site`), the server answers from the last build meanwhile, and a new
 * run's results show up after the rebuild.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { commonOptions } from '../../src/cli/command-context';
import { startDocsSite } from '../../src/cli/docs-site-command';
import type { SiteServer } from '../../src/docs-site/serve-site';

const JAFFLE = path.resolve(__dirname, '..', 'compat', 'projects', 'jaffle_mart');

function runResults(id: string): unknown {
  const at = '2026-12-05T10:00:00Z';
  return {
    metadata: { dbt_schema_version: 'https://schemas.getdbt.com/dbt/run-results/v6.json', dbt_version: '1.10.0', generated_at: at, invocation_id: id, env: {} },
    elapsed_time: 1.5,
    args: { which: 'build' },
    results: [{ unique_id: 'model.jaffle_mart.stg_orders', status: 'success', timing: [{ name: 'execute', started_at: at, completed_at: at }], thread_id: 'Thread-1', execution_time: 0.5, adapter_response: {}, message: null, failures: null, compiled: true, compiled_code: '', relation_name: null }],
  };
}

describe('docs site served while it is rebuilt in a child process', () => {
  let dir: string;
  let server: SiteServer | undefined;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'landfall-serve-site-'));
    fs.cpSync(JAFFLE, path.join(dir, 'project'), { recursive: true, filter: (f) => !/\/(target|logs)$/.test(f) });
  });
  afterEach(async () => {
    await server?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('answers requests during a rebuild and shows the new run after it', async () => {
    const project = path.join(dir, 'project');
    const options = commonOptions({ 'project-dir': project, 'state-dir': path.join(dir, 'state') });
    const events: string[] = [];
    const errors: Error[] = [];
    let rebuilt!: () => void;
    const done = new Promise<void>((resolve) => { rebuilt = resolve; });
    // No target/manifest.json yet: the child compiles the project first.
    server = await startDocsSite(options, 0, (error) => errors.push(error), () => { events.push('rebuilt'); rebuilt(); });
    expect((await fetch(`${server.url}index.html`)).status).toBe(200);
    expect(fs.existsSync(path.join(project, 'target', 'manifest.json'))).toBe(true);

    // A build ends: its run_results.json lands in target/ (newer than the last build), and the next page request
    // starts a rebuild, which runs in the child while this process keeps serving.
    const file = path.join(project, 'target', 'run_results.json');
    fs.writeFileSync(file, JSON.stringify(runResults('build-after-serve')));
    const later = new Date(Date.now() + 5000);
    fs.utimesSync(file, later, later);
    await fetch(`${server.url}index.html`);
    const served = await fetch(`${server.url}data/index.json`);
    events.push(`served ${served.status}`);
    await done;
    expect(errors).toEqual([]);
    expect(events).toEqual(['served 200', 'rebuilt']);
    const runs = (await (await fetch(`${server.url}data/runs/index.json`)).json()) as { id: string }[];
    expect(runs.map((r) => r.id)).toContain('build-after-serve');
  }, 120_000);
});
