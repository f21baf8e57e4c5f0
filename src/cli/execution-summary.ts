/**
 * What a person wants to know about a local execution: how it ended (a closing line like dbt's "Done." with
 * the command to see more), its nodes (status, duration, rows, failures), and finding it by whatever id they
 * hold — the name `serve` and `executions ls` print, a prefix of it, its ARN, or the run id an alert email's
 * subject shows.
 */
import fs from 'node:fs';
import path from 'node:path';
import { summarizeRun, type RunState } from '../engine';
import { listStoredExecutions, readStoredExecution, type StoredExecution } from '../local/aws/execution-store';
import { RUN_STATE_BUCKET } from '../local/local-stack';
import { decodeStoredRun, runStateKey } from '../runtime/run-state-store';
import { paint, toneOf } from './colour';
import { UsageError } from './options';
import { doneCounts, skipReason } from './progress';

/** The run state an execution's tasks stored in the local S3 folder, if it is still there. */
export function runStateOfExecution(stateDir: string, executionName: string): RunState | undefined {
  const prefix = process.env.LANDFALL_RUN_STATE_PREFIX ?? 'runs/';
  let file: string;
  try {
    file = path.join(stateDir, 's3', RUN_STATE_BUCKET, runStateKey(prefix, executionName));
  } catch {
    return undefined;
  }
  if (!fs.existsSync(file)) return undefined;
  try {
    return decodeStoredRun<unknown>(fs.readFileSync(file), file).run as RunState;
  } catch {
    return undefined;
  }
}

/**
 * The execution `id` names: its exact name or ARN, else the one execution whose name (or run id) starts with
 * it. A usage error lists the candidates when there are several, and says where it looked when there are none.
 */
export function findExecution(stateDir: string, id: string): StoredExecution {
  const exact = readStoredExecution(stateDir, id);
  if (exact) return exact;
  const all = listStoredExecutions(stateDir);
  // `latest`: the newest execution (what the README and the demo point at).
  if (id === 'latest' && all.length > 0) return [...all].sort((a, b) => b.startDate.localeCompare(a.startDate))[0]!;
  let matches = all.filter((e) => e.name.startsWith(id));
  if (matches.length === 0) matches = all.filter((e) => runStateOfExecution(stateDir, e.name)?.runId.startsWith(id));
  if (matches.length === 1) return matches[0]!;
  if (matches.length > 1) throw new UsageError(`'${id}' matches ${matches.length} executions: ${matches.slice(0, 5).map((e) => e.name).join(', ')}${matches.length > 5 ? ', …' : ''}; give more of the name`);
  throw new UsageError(`no execution '${id}' in ${path.relative(process.cwd(), stateDir) || '.'}${all.length ? ` (it has ${all.length}; \`landfall executions ls\` lists them)` : ' (it has none: is this the state folder you ran in? --state-dir DIR)'}`);
}

function seconds(e: StoredExecution): string {
  return e.stopDate ? `${((Date.parse(e.stopDate) - Date.parse(e.startDate)) / 1000).toFixed(1)}s` : 'running';
}

/** `Execution NAME SUCCEEDED in 4.2s. Done. PASS=… WARN=… ERROR=… SKIP=… TOTAL=…` and the command to see it. */
export function closingLines(e: StoredExecution, run: RunState | undefined): string[] {
  const status = toneOf(e.status) ? paint(e.status, toneOf(e.status)!) : e.status;
  const failure = e.error ? ` ${e.error}${e.error === 'landfall.RunFailed' ? '' : `: ${causeText(e.cause).slice(0, 160)}`}.` : '';
  const counts = `${run ? ` Done. ${doneCounts(run)}` : ''}${failure}`;
  return [`Execution ${e.name} ${status} in ${seconds(e)}.${counts}`, `  See: npx landfall executions show ${e.name}`];
}

/** A Lambda error's cause is JSON (`{"errorType", "errorMessage"}`): its message, on one line. */
function causeText(cause: string | undefined): string {
  let text = cause ?? '';
  try {
    text = String((JSON.parse(text) as { errorMessage?: unknown }).errorMessage ?? text);
  } catch {
    // not JSON: the text as it is
  }
  return text.replace(/\s+/g, ' ');
}

/** One row per node: status, duration, rows, failures (tests), and why it errored or was skipped. */
export function nodeRows(run: RunState): { node: string; kind: string; status: string; seconds: string; rows: string; failures: string; note: string }[] {
  const rows = [];
  for (const node of run.nodes) {
    const secs = node.startedAt && node.finishedAt ? ((Date.parse(node.finishedAt) - Date.parse(node.startedAt)) / 1000).toFixed(2) : '';
    if (node.kind === 'tests' && node.tests?.length) {
      for (const t of node.tests) {
        rows.push({ node: t.name, kind: 'test', status: t.status, seconds: secs, rows: '', failures: t.status === 'pass' || t.status === 'skipped' ? '' : String(t.failures), note: t.status === 'error' ? (node.isolatedTests?.outcomes[t.id]?.error ?? node.error ?? '') : '' });
      }
      continue;
    }
    rows.push({
      node: node.name, kind: node.kind, status: node.status, seconds: secs, rows: node.rows === undefined ? '' : String(node.rows), failures: '',
      note: node.error ?? (node.status === 'skipped' && node.skippedBecause ? skipReason(node) : ''),
    });
  }
  return rows;
}

/** The counts of a run as numbers (for `--json`). */
export function runCounts(run: RunState): Record<string, number> {
  return summarizeRun(run).counts as Record<string, number>;
}
