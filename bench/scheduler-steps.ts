/**
 * CPU of the scheduler alone, per step, on the scale test's project (bench/support/simple-models-project.ts `mixed`,
 * 2 tests per model, threads 1): `planRun` then `advanceRun` until done, against an instant warehouse (every statement
 * FINISHED when first described) and the in-process renderer, with a clock that moves 10 s a step so every statement
 * is due. No Step Functions, no Data API, no sleeping: what is left is the engine's own work per step, which is what
 * grows with the run's size (a run of n models at concurrency 1 takes ~n steps, so O(n) per step is O(n^2) per run).
 *
 * `--root DIR` runs the engine of another checkout (a git worktree of an older commit: the fair baseline, same
 * project, same process shape). Prints one line: models, nodes, steps, CPU total and per step.
 *
 *   npx tsx bench/scheduler-steps.ts --models 3000 [--root /tmp/wt-285]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateSimpleModelsProject } from './support/simple-models-project';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
}

async function main(): Promise<void> {
  const models = Number(arg('models', '3000'));
  if (!Number.isInteger(models) || models < 1) throw new Error(`--models must be a positive integer, got '${arg('models', '')}'`);
  const root = path.resolve(arg('root', path.join(__dirname, '..')));
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { compileManifest, readProjectFiles } = require(path.join(root, 'src/engine/compile'));
  const { advanceRun } = require(path.join(root, 'src/engine/run/advance-run'));
  const { planRun } = require(path.join(root, 'src/engine/run/plan-run'));
  const { dialects } = require(path.join(root, 'src/engine/dialects'));
  const inProcess = path.join(root, 'src/engine/run/render-in-process.ts');
  // Before the render port (285fe09) the scheduler rendered in process itself and took no renderer.
  const renderer = fs.existsSync(inProcess) ? { renderer: require(inProcess).inProcessRenderer } : {};
  /* eslint-enable @typescript-eslint/no-require-imports */

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `landfall-scheduler-steps-${models}-`));
  try {
    generateSimpleModelsProject(dir, models, undefined, 'mixed');
    const manifest = compileManifest(readProjectFiles(dir), { target: { name: 'bench', type: 'postgres', schema: 'bench', database: 'dev', threads: 1 } });
    const dialect = dialects.postgres;
    let clock = Date.parse('2026-01-01T00:00:00Z');
    let submitted = 0;
    const batches = new Map<string, number>();
    const warehouse = {
      async submit(sqls: string | string[]): Promise<string> {
        const id = `s${++submitted}`;
        batches.set(id, Array.isArray(sqls) ? sqls.length : 1);
        return id;
      },
      async describe(id: string) {
        const subs = Array.from({ length: batches.get(id) ?? 1 }, (_, i) => ({ id: `${id}:${i}`, status: 'FINISHED', resultRows: 0, hasResultSet: false }));
        return { id, status: 'FINISHED', hasResultSet: false, resultRows: 0, durationMs: 5, subStatements: subs };
      },
      async fetchRows() {
        return { columns: [], rows: [] };
      },
      async cancel() {},
    };
    const ctx = {
      manifest, dialect, warehouse, pollDueOnly: true, testsWithModel: true, now: () => new Date(clock),
      ...(renderer.renderer ? { renderer: renderer.renderer({ manifest, dialect }) } : {}),
    };
    let state = planRun(manifest, { runId: `steps-${models}`, command: 'build', concurrency: 1 });
    const before = process.cpuUsage();
    let steps = 0;
    while (!state.done) {
      state = await advanceRun(state, ctx);
      clock += 10_000;
      steps++;
      if (steps > 10 * state.nodes.length) throw new Error(`no end after ${steps} steps`);
    }
    const used = process.cpuUsage(before);
    const cpuMs = (used.user + used.system) / 1000;
    const failed = state.nodes.filter((n: { status: string }) => n.status === 'error' || n.status === 'fail').length;
    console.log(`${models} models (${state.nodes.length} nodes), root ${root}: ${steps} steps, ${submitted} submits, ${failed} failed; `
      + `scheduler CPU ${(cpuMs / 1000).toFixed(2)} s, ${(cpuMs / steps).toFixed(3)} ms/step; load ${os.loadavg()[0]!.toFixed(1)}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
