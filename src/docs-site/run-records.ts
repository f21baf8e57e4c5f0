/**
 * Run records for the site's run history, from what a run leaves behind:
 * - a pipeline run's stored state (src/runtime/run-state-store.ts): trigger, execution, every node's timings,
 *   plus the failure report PublishAlert builds (failing rows, SQL to reproduce) when the run failed;
 * - dbt's run_results.json (v6, `landfall build` writes it; `timing` gives start/end when present).
 */
import type { RunState } from '../engine';
import type { FailedNode } from '../alerts/run-failure-report';
import { runStatusOf, type RunFailure, type RunNodeKind, type RunNodeResult, type RunNodeStatus, type RunRecord } from './site-data';

/** The stored run's trigger (runtime/transform-run.ts RunTrigger), read loosely: schedules may add kinds. */
export interface StoredTrigger {
  kind: string;
  loader?: string;
  connector?: string;
  arrivalId?: string;
  description?: string;
}

export interface StoredRunLike {
  execution: { arn: string; name: string };
  trigger: StoredTrigger;
  run: Pick<RunState, 'runId' | 'command' | 'startedAt' | 'nodes'>;
}

/** `https://{region}.console.aws.amazon.com/states/home?region={region}#/v2/executions/details/{arn}` (as the alert email links it). */
export function consoleUrlOf(executionArn: string): string | undefined {
  const region = /^arn:aws[\w-]*:states:([a-z0-9-]+):/.exec(executionArn)?.[1];
  return region ? `https://${region}.console.aws.amazon.com/states/home?region=${region}#/v2/executions/details/${executionArn}` : undefined;
}

function triggerOf(t: StoredTrigger): RunRecord['trigger'] {
  const kind = t.kind === 'arrival' ? 'arrival' : t.kind === 'schedule' || t.loader === 'schedule' ? 'schedule' : 'console';
  const summary = t.description ?? [t.loader, t.connector, t.arrivalId].filter(Boolean).join(' ');
  return { kind, summary };
}

function kindOf(id: string, engineKind: string): RunNodeKind {
  if (engineKind === 'load' || engineKind === 'operation' || engineKind === 'seed') return engineKind;
  if (id.startsWith('snapshot.')) return 'snapshot';
  if (id.startsWith('test.') || id.startsWith('unit_test.')) return 'test';
  return 'model';
}

export function failureOf(f: FailedNode): RunFailure {
  if (f.kind === 'test') {
    const columns = f.sampleRows.columns.map((c) => (typeof c === 'string' ? c : c.name));
    return { nodeId: f.nodeId, name: f.name, failures: f.failures, error: f.error, sql: f.compiledSql, sample: { columns, rows: f.sampleRows.rows.map((r) => [...r]) } };
  }
  if (f.kind === 'model') return { nodeId: f.nodeId, name: f.name, error: f.error, sql: f.compiledSql };
  return { nodeId: f.nodeId, name: f.name, error: f.error, sql: `COPY into ${f.copyTarget} (${f.objects} objects)` };
}

/** A pipeline run's record: every model, seed, load and test with its timings and status. */
export function runRecordFromStoredRun(stored: StoredRunLike, failures: FailedNode[] = []): RunRecord {
  const nodes: RunNodeResult[] = [];
  let finishedAt: string | undefined;
  for (const node of stored.run.nodes) {
    if (node.finishedAt && (!finishedAt || node.finishedAt > finishedAt)) finishedAt = node.finishedAt;
    const timing = { startedAt: node.startedAt, finishedAt: node.finishedAt };
    if (node.kind === 'tests') {
      for (const t of node.tests ?? []) {
        nodes.push({ id: t.id, name: t.name, kind: 'test', status: t.status, ...timing, failures: t.failures, message: t.status === 'error' ? node.error : undefined });
      }
      // Tests that never ran (their model failed) have no result yet: skipped.
      const done = new Set((node.tests ?? []).map((t) => t.id));
      for (const id of node.testIds ?? []) {
        if (!done.has(id)) nodes.push({ id, name: id.split('.')[2] ?? id, kind: 'test', status: node.status === 'skipped' ? 'skipped' : (node.status as RunNodeStatus), message: node.skippedBecause });
      }
      continue;
    }
    nodes.push({
      id: node.id, name: node.name, kind: kindOf(node.id, node.kind), status: node.status, ...timing, rows: node.rows,
      message: node.error ?? (node.skippedBecause ? `skipped because ${node.skippedBecause} failed` : undefined),
    });
  }
  return {
    id: stored.execution.name,
    command: stored.run.command,
    status: runStatusOf(nodes),
    startedAt: stored.run.startedAt,
    finishedAt,
    trigger: triggerOf(stored.trigger),
    consoleUrl: consoleUrlOf(stored.execution.arn),
    nodes,
    failures: failures.map(failureOf),
  };
}

/** What landfall adds to run_results.json's `args` for a pipeline run (src/artifacts/README.md, run history). */
export interface LandfallRunArgs {
  execution?: { arn?: string; name?: string; consoleUrl?: string };
  trigger?: { kind?: string; arrivals?: { id?: string; loader?: string; source?: string }[]; schedule?: string; replayOf?: string; description?: string };
  started_at?: string;
  ended_at?: string;
  /** The run's freshness lag summary (src/runtime/run-history-store.ts writes it; the arrivals are in freshness_lag.json). */
  freshness_lag?: RunRecord['freshnessLag'];
}

function pipelineTrigger(landfall: LandfallRunArgs): RunRecord['trigger'] {
  const t = landfall.trigger ?? {};
  const kind = t.kind === 'arrival' || t.kind === 'schedule' ? t.kind : 'console';
  const arrivals = (t.arrivals ?? []).map((a) => [a.loader, a.source ?? a.id].filter(Boolean).join(' ')).join(', ');
  const summary = t.description ?? (kind === 'arrival' ? `arrival of ${arrivals || 'data'}` : kind === 'schedule' ? `schedule ${t.schedule ?? ''}`.trim() : t.replayOf ? `console, replay of ${t.replayOf}` : 'console');
  return { kind, summary };
}

/** dbt's run_results.json (v6), the parts read here; landfall's own extras are optional. */
export interface RunResultsV6 {
  metadata: { generated_at: string; invocation_id: string; invocation_started_at?: string };
  elapsed_time: number;
  args?: { which?: string; landfall?: LandfallRunArgs } & Record<string, unknown>;
  results: {
    unique_id: string;
    status: string;
    message: string | null;
    execution_time: number;
    failures?: number | null;
    timing?: { name: string; started_at?: string | null; completed_at?: string | null }[];
    adapter_response?: Record<string, unknown>;
  }[];
}

/** A CLI build's (or a stored run's) run_results.json as a run record; a result without `timing` is placed after the previous one. */
export function runRecordFromRunResults(results: RunResultsV6): RunRecord {
  const ended = Date.parse(results.metadata.generated_at);
  const start = ended - results.elapsed_time * 1000;
  let cursor = start;
  const nodes: RunNodeResult[] = results.results.map((r) => {
    const execute = r.timing?.find((t) => t.name === 'execute') ?? r.timing?.[0];
    let startedAt = execute?.started_at ?? undefined;
    let finishedAt = execute?.completed_at ?? undefined;
    if (!startedAt && r.status !== 'skipped') {
      startedAt = new Date(cursor).toISOString();
      cursor += r.execution_time * 1000;
      finishedAt = new Date(cursor).toISOString();
    }
    const kind = kindOf(r.unique_id, r.unique_id.split('.')[0]!);
    // dbt writes `success`/`error` for models and `pass`/`fail`/`warn`/`error` for tests.
    const status = (r.status === 'skipped' || r.status === 'error' || r.status === 'pass' || r.status === 'fail' || r.status === 'warn' || r.status === 'success' ? r.status : 'success') as RunNodeStatus;
    return {
      id: r.unique_id, name: r.unique_id.split('.')[2] ?? r.unique_id, kind, status, startedAt, finishedAt,
      message: r.message ?? undefined, failures: r.failures ?? undefined,
    };
  });
  const landfall = results.args?.landfall;
  const arn = landfall?.execution?.arn;
  return {
    id: landfall?.execution?.name ?? results.metadata.invocation_id,
    command: String(results.args?.which ?? 'build'),
    status: runStatusOf(nodes),
    startedAt: landfall?.started_at ?? results.metadata.invocation_started_at ?? new Date(start).toISOString(),
    finishedAt: landfall?.ended_at ?? results.metadata.generated_at,
    trigger: landfall ? pipelineTrigger(landfall) : { kind: 'cli', summary: `landfall ${results.args?.which ?? 'build'}` },
    consoleUrl: landfall?.execution?.consoleUrl ?? (arn ? consoleUrlOf(arn) : undefined),
    nodes,
    failures: nodes.filter((n) => n.status === 'error' || n.status === 'fail').map((n) => ({ nodeId: n.id, name: n.name, error: n.message, failures: n.failures })),
    ...(landfall?.freshness_lag ? { freshnessLag: landfall.freshness_lag } : {}),
  };
}
