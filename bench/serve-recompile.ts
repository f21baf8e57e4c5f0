/**
 * `landfall serve`'s recompile after one saved model (src/local/project-watcher.ts), in-process, on the realistic
 * generated project (bench/support/realistic-project.ts): the watcher's `recompile([file])` after appending a comment
 * to one mart (the path a save takes: the model's calls are unchanged, engine/project/model-edits.ts) beside
 * `recompile()` with no file named (the full in-process compile every save took before). CPU time of this process
 * (process.cpuUsage, user + sys) and wall time, per save; the median is printed.
 *
 * Usage: npx tsx bench/serve-recompile.ts [--models 2000] [--saves 6] [--dir DIR]
 * `--models 20 --saves 2` runs in ~10 s (not in CI: the generator needs ../shared/dbt-packages/dbt_utils).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { watchProject, type RecompileOutcome } from '../src/local/project-watcher';
import type { Target } from '../src/engine/target';
import { generateRealisticProject, realisticModelFile } from './support/realistic-project';
import { median, stringFlag } from './support/simple-models-project';

const args = process.argv.slice(2);
const models = Number(stringFlag(args, 'models') ?? 2000);
const saves = Number(stringFlag(args, 'saves') ?? 6);
const given = stringFlag(args, 'dir');
const dir = given ?? fs.mkdtempSync(path.join(os.tmpdir(), 'landfall-serve-recompile-'));
const target: Target = { name: 'local', type: 'postgres', schema: 'bench', database: 'landfall' };

interface Sample { cpuMs: number; wallMs: number; parsed: number }

function timed(run: () => RecompileOutcome | undefined): Sample {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const outcome = run();
  const wallMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  if (!outcome) throw new Error('recompile failed');
  return { cpuMs: (used.user + used.system) / 1000, wallMs, parsed: outcome.parsed };
}

function main(): void {
  if (!given || !fs.existsSync(path.join(dir, 'dbt_project.yml'))) generateRealisticProject(dir, models);
  const stateDir = path.join(dir, '.landfall-serve-bench');
  const errors: Error[] = [];
  // A settle window longer than the benchmark: only the recompiles called here run.
  const watcher = watchProject({ projectDir: dir, stateDir, target, manifestPath: path.join(stateDir, 'landfall-manifest.json'), settleMs: 3_600_000, onCompiled: () => undefined, onError: (error) => errors.push(error) });
  const mart = realisticModelFile(5);
  const save = (n: number) => fs.appendFileSync(path.join(dir, mart), `-- serve save ${n}\n`);
  try {
    timed(() => watcher.recompile()); // warm: templates compiled, the artifact written once
    const full: Sample[] = [];
    const quick: Sample[] = [];
    for (let i = 0; i < saves; i++) {
      save(2 * i);
      full.push(timed(() => watcher.recompile()));
      save(2 * i + 1);
      quick.push(timed(() => watcher.recompile([mart])));
    }
    if (errors.length) throw errors[0];
    const line = (name: string, samples: Sample[]) =>
      `${name}: CPU ${samples.map((s) => s.cpuMs.toFixed(1)).join(' / ')} ms (median ${median(samples.map((s) => s.cpuMs)).toFixed(1)}), wall median ${median(samples.map((s) => s.wallMs)).toFixed(1)} ms, files parsed ${samples.map((s) => s.parsed).join('/')}`;
    process.stdout.write(`serve recompile, ${models} models, ${saves} saves of ${mart} (load ${os.loadavg()[0]!.toFixed(1)}):\n`);
    process.stdout.write(`${line('  full in-process compile (before)', full)}\n${line('  saved model, same calls (after)', quick)}\n`);
  } finally {
    watcher.close();
    if (!given) fs.rmSync(dir, { recursive: true, force: true });
  }
}

main();
