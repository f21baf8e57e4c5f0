/**
 * dbt's `run_results.json` (schema v6, https://schemas.getdbt.com/dbt/run-results/v6.json) from a finished
 * landfall run: one result per model, seed, snapshot, data test, unit test and project hook, with dbt's ids
 * (generic tests with dbt-core's hash), statuses, failures, timings (compile and execute), and a thread id per
 * result so a Gantt chart shows what ran side by side. Load nodes (S3 COPY) are landfall's own and are left out of
 * `results`; they are in `args.landfall.loads`.
 *
 * Pure: `(run state, manifest, args, env) → JSON`.
 */
import type { Manifest } from '../engine/manifest';
import type { RunNode, RunState } from '../engine/run/run-state';
import { artifactMetadata, relationName } from './artifact-metadata';
import { dbtIdMap } from './dbt-ids';

export const RUN_RESULTS_SCHEMA = 'https://schemas.getdbt.com/dbt/run-results/v6.json';

export interface RunResultsInput {
  state: RunState;
  manifest: Manifest;
  /** dbt's `args` (which, select, exclude, full_refresh, vars, threads, …) and anything landfall adds (`landfall`). */
  args: Record<string, unknown>;
  /** Seconds from the start of the invocation to its end. */
  elapsedSeconds: number;
  generatedAt: Date;
  env?: Record<string, string>;
}

export interface RunResult {
  status: string;
  timing: { name: string; started_at: string | null; completed_at: string | null }[];
  thread_id: string;
  execution_time: number;
  adapter_response: Record<string, unknown>;
  message: string | null;
  failures: number | null;
  unique_id: string;
  compiled: boolean | null;
  compiled_code: string | null;
  relation_name: string | null;
  batch_results: null;
}

export interface RunResultsArtifact {
  metadata: Record<string, unknown>;
  results: RunResult[];
  elapsed_time: number;
  args: Record<string, unknown>;
}

/**
 * @example
 * const artifact = runResultsArtifact({ state, manifest, args: { which: 'build', threads: 4 }, elapsedSeconds: 12.3, generatedAt: new Date() });
 * artifact.results.find((r) => r.status === 'fail')?.unique_id // 'test.shop.accepted_values_orders_status__a__b.1f2e3d4c5b'
 */
export function runResultsArtifact(input: RunResultsInput): RunResultsArtifact {
  const { state, manifest } = input;
  const ids = dbtIdMap(manifest);
  const threads = threadIds(state.nodes);
  const results: RunResult[] = [];
  for (const node of state.nodes) {
    if (node.kind === 'load') continue;
    const timing = timingOf(node);
    const executionTime = node.startedAt && node.finishedAt ? Math.max(0, (Date.parse(node.finishedAt) - Date.parse(node.startedAt)) / 1000) : 0;
    const thread = threads.get(node.id) ?? 'Thread-1';
    if (node.kind === 'tests') {
      const outcomes = new Map((node.tests ?? []).map((t) => [t.id, t]));
      // A tests node that never ran (skipped upstream) has no outcomes: each of its tests is skipped.
      for (const testId of node.testIds ?? [...outcomes.keys()]) {
        const outcome = outcomes.get(testId);
        const status = outcome?.status ?? (node.status === 'error' ? 'error' : 'skipped');
        const test = manifest.tests[testId];
        const failures = outcome && status !== 'skipped' && status !== 'error' ? outcome.failures : null;
        results.push({
          status,
          timing: status === 'skipped' ? [] : timing,
          thread_id: thread,
          execution_time: status === 'skipped' ? 0 : executionTime,
          adapter_response: {},
          message: testMessage(status, failures, test?.errorIf ?? test?.warnIf, node),
          failures,
          unique_id: ids.get(testId) ?? testId,
          compiled: status === 'skipped' ? null : true,
          compiled_code: null,
          relation_name: test?.storeFailuresIn ? relationName(manifest, test.storeFailuresIn) : null,
          batch_results: null,
        });
      }
      continue;
    }
    const executable = manifest.models[node.id] ?? manifest.seeds[node.id];
    const status = nodeStatus(node);
    results.push({
      status,
      timing: status === 'skipped' ? [] : timing,
      thread_id: thread,
      execution_time: status === 'skipped' ? 0 : executionTime,
      adapter_response: node.rows !== undefined && node.rows >= 0 ? { _message: `OK ${node.rows}`, rows_affected: node.rows } : {},
      message: node.error ?? (node.skippedBecause ? `Skipped: upstream ${node.skippedBecause} failed` : status === 'success' ? successMessage(node) : null),
      failures: null,
      unique_id: node.id,
      compiled: status === 'skipped' ? null : true,
      compiled_code: null,
      relation_name: executable && executable.config.materialized !== 'ephemeral' ? relationName(manifest, executable.relation) : null,
      batch_results: null,
    });
  }
  return {
    metadata: artifactMetadata(RUN_RESULTS_SCHEMA, { invocationId: state.runId, generatedAt: input.generatedAt, invocationStartedAt: new Date(state.startedAt), env: input.env }),
    results,
    elapsed_time: input.elapsedSeconds,
    args: input.args,
  };
}

function nodeStatus(node: RunNode): string {
  switch (node.status) {
    case 'success': case 'pass': case 'warn': return 'success';
    case 'error': case 'fail': return 'error';
    default: return 'skipped'; // skipped, and pending/running of a run that ended early
  }
}

function successMessage(node: RunNode): string {
  if (node.kind === 'seed') return `INSERT ${node.rows ?? 0}`;
  if (node.kind === 'operation') return 'OK';
  return node.rows !== undefined && node.rows >= 0 ? `SELECT ${node.rows}` : 'OK';
}

/** dbt's test messages: `Got 3 results, configured to fail if != 0` on fail or warn. */
function testMessage(status: string, failures: number | null, condition: string | undefined, node: RunNode): string | null {
  if (status === 'error') return node.error ?? 'error';
  if (status === 'skipped') return node.skippedBecause ? `Skipped: upstream ${node.skippedBecause} failed` : null;
  if ((status === 'fail' || status === 'warn') && failures !== null) {
    return `Got ${failures} result${failures === 1 ? '' : 's'}, configured to ${status === 'fail' ? 'fail' : 'warn'} if ${condition ?? '!= 0'}`;
  }
  return null;
}

function timingOf(node: RunNode): RunResult['timing'] {
  if (!node.startedAt) return [];
  const started = node.startedAt;
  const completed = node.finishedAt ?? null;
  return [
    { name: 'compile', started_at: started, completed_at: started },
    { name: 'execute', started_at: started, completed_at: completed },
  ];
}

/**
 * Thread ids as dbt names its workers (`Thread-1 (worker)`): each node gets the lowest-numbered thread that was free
 * when it started, so results with the same thread never overlap (what a Gantt chart draws as one lane).
 */
function threadIds(nodes: RunNode[]): Map<string, string> {
  const timed = nodes.filter((n) => n.startedAt).sort((a, b) => Date.parse(a.startedAt!) - Date.parse(b.startedAt!));
  const laneEnds: number[] = [];
  const out = new Map<string, string>();
  for (const node of timed) {
    const start = Date.parse(node.startedAt!);
    const end = node.finishedAt ? Date.parse(node.finishedAt) : start;
    let lane = laneEnds.findIndex((busyUntil) => busyUntil <= start);
    if (lane === -1) lane = laneEnds.push(end) - 1;
    else laneEnds[lane] = end;
    out.set(node.id, `Thread-${lane + 1} (worker)`);
  }
  return out;
}
