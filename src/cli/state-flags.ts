/**
 * Slim CI and recovery for the CLI, as dbt has them: `--state DIR` (another run's `landfall-manifest.json`, which
 * `landfall compile` writes, and its `run_results.json`), `--defer`, `--resource-type`, the `run_results.json` every
 * build writes in its state folder, and `landfall retry`, which re-runs what failed or was skipped in the last run.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Manifest, RunState } from '../engine';
import { isDbtCoreManifest, readDbtCoreManifest } from '../engine/graph/dbt-state-manifest';
import { deferTo } from '../engine/graph/defer';
import type { SelectionState } from '../engine/graph/state-selection';
import { planRun, type RunRequest } from '../engine/run/plan-run';
import { MANIFEST_FILE } from '../runtime/compiled-project';
import { UsageError } from './options';

export const RUN_RESULTS_FILE = 'run_results.json';

/** The run_results.json landfall writes: dbt's shape (results with unique_id and status, the invocation's args). */
export interface RunResultsFile {
  metadata: { dbt_schema_version: string; generated_at: string; invocation_id: string };
  results: { unique_id: string; status: string; message: string | null; execution_time: number }[];
  elapsed_time: number;
  args: RunArgs;
}

/** What `landfall retry` needs to run the last command again. */
export interface RunArgs {
  which: RunRequest['command'];
  select: string[];
  exclude: string[];
  selector?: string;
  full_refresh: boolean;
  vars: Record<string, unknown>;
  threads: number;
  resource_types: string[];
  /** `--empty`: refs and sources read as zero rows. */
  empty?: boolean;
}

/**
 * `--state DIR`: the manifest (required) and run results (when present) of another run. The manifest is landfall's
 * (`landfall-manifest.json`) or dbt-core's `manifest.json` (v12, compared as dbt-core does: engine/graph/dbt-state-manifest.ts).
 */
export function loadSelectionState(dir: string): SelectionState {
  const folder = path.resolve(dir);
  const manifestFile = [MANIFEST_FILE, 'manifest.json'].map((f) => path.join(folder, f)).find((f) => fs.existsSync(f));
  let previous: Manifest | undefined;
  let fromDbt: Pick<SelectionState, 'dbtCore'> = {};
  if (manifestFile) {
    const parsed = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as Partial<Manifest> & { metadata?: { dbt_schema_version?: string } };
    if (isDbtCoreManifest(parsed)) {
      const read = readDbtCoreManifest(parsed, manifestFile);
      previous = read.manifest;
      fromDbt = { dbtCore: read.dbt };
    } else if (parsed.landfallVersion !== 1) {
      throw new UsageError(`--state ${dir}: ${path.basename(manifestFile)} is not a landfall or dbt-core manifest; write one with 'landfall compile --out ${path.join(dir, MANIFEST_FILE)}' from the state to compare with`);
    } else {
      previous = parsed as Manifest;
    }
  }
  const resultsFile = path.join(folder, RUN_RESULTS_FILE);
  const results = fs.existsSync(resultsFile)
    ? Object.fromEntries((JSON.parse(fs.readFileSync(resultsFile, 'utf8')) as RunResultsFile).results.map((r) => [r.unique_id, r.status]))
    : undefined;
  if (!previous && !results) throw new UsageError(`--state ${dir}: no ${MANIFEST_FILE} or ${RUN_RESULTS_FILE} in ${folder}`);
  return { ...(previous ? { previous } : {}), ...fromDbt, ...(results ? { results } : {}) };
}

/** `--defer`: the manifest whose unbuilt models and seeds read the state's relations. */
export function deferredManifest(manifest: Manifest, state: SelectionState | undefined, request: RunRequest): Manifest {
  if (!state?.previous) throw new UsageError('--defer reads the relations of another run: pass --state DIR too');
  const built = new Set(planRun(manifest, request).nodes.filter((n) => n.kind === 'model' || n.kind === 'seed').map((n) => n.id));
  return deferTo(manifest, state.previous, built);
}

const RESOURCE_TYPES = ['model', 'seed', 'snapshot', 'test', 'source', 'analysis', 'exposure'];

/** `--resource-type a --resource-type b`: the selection keeps only those types (as exclusions of every other type). */
export function resourceTypeExcludes(types: string[]): string[] {
  for (const t of types) if (!RESOURCE_TYPES.includes(t)) throw new UsageError(`--resource-type must be one of ${RESOURCE_TYPES.join(', ')}; got '${t}'`);
  return types.length === 0 ? [] : RESOURCE_TYPES.filter((t) => !types.includes(t)).map((t) => `resource_type:${t}`);
}

/** dbt's run_results.json for a finished run, with the args `landfall retry` needs. */
export function runResultsOf(state: RunState, args: RunArgs, elapsedMs: number): RunResultsFile {
  const results: RunResultsFile['results'] = [];
  for (const node of state.nodes) {
    const time = node.startedAt && node.finishedAt ? (Date.parse(node.finishedAt) - Date.parse(node.startedAt)) / 1000 : 0;
    if (node.kind === 'tests') {
      for (const t of node.tests ?? []) results.push({ unique_id: t.id, status: t.status, message: node.error ?? null, execution_time: time });
    } else if (node.kind === 'model' || node.kind === 'seed') {
      results.push({ unique_id: node.id, status: node.status === 'pending' || node.status === 'running' ? 'skipped' : node.status, message: node.error ?? null, execution_time: time });
    }
  }
  return {
    metadata: { dbt_schema_version: 'https://schemas.getdbt.com/dbt/run-results/v6.json', generated_at: new Date().toISOString(), invocation_id: state.runId },
    results, elapsed_time: elapsedMs / 1000, args,
  };
}

export function writeRunResults(stateDir: string, results: RunResultsFile): void {
  fs.mkdirSync(stateDir, { recursive: true });
  fs.writeFileSync(path.join(stateDir, RUN_RESULTS_FILE), `${JSON.stringify(results, null, 2)}\n`);
}

/** The last run's results in the state folder, for `landfall retry`. */
export function readRunResults(stateDir: string): RunResultsFile {
  const file = path.join(stateDir, RUN_RESULTS_FILE);
  if (!fs.existsSync(file)) throw new UsageError(`retry re-runs the last build's failures, but ${file} does not exist: run 'landfall build' (or run, test, seed) first`);
  return JSON.parse(fs.readFileSync(file, 'utf8')) as RunResultsFile;
}

/** `landfall retry`: the nodes to run again (errors, failed tests, skips) as a selection over the last results. */
export function retrySelection(results: RunResultsFile): { select: string[]; count: number } {
  const again = results.results.filter((r) => r.status === 'error' || r.status === 'fail' || r.status === 'skipped');
  return { select: ['result:error', 'result:fail', 'result:skipped'], count: again.length };
}
