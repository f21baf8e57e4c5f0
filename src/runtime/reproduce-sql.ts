/**
 * The SQL a failure alert shows to reproduce a failure: a failing test's query (the one its sample rows are read
 * with), a failed model's SELECT rendered as a full build would (never the DDL or the swap, unsafe to paste).
 * AdvanceRun renders it when a node fails — it holds the template engine anyway — and stores it beside the run
 * state (`StoredRun.reproduceSql`), so PublishAlert reads it and carries no Jinja engine in its bundle
 * (bench/RESULTS-lambda-bundles.md). Rendered from the same run state as before, so the SQL is the same.
 */
import { renderTests, type Manifest, type RunState } from '../engine';
import { renderNodeSql } from '../engine/render/render-node';

type RunNode = RunState['nodes'][number];

/** Per failed node: when it finished (a redriven node that fails again is rendered again) and its SQL by test or model id. */
export type ReproduceSql = Record<string, { finishedAt?: string; sql: Record<string, string> }>;

/** The SQL of a failed node by test or model id; a test or model that cannot be rendered is left out (the alert shows its raw SQL). */
export function renderReproduceSql(node: RunNode, run: RunState, manifest: Manifest): Record<string, string> {
  if (node.kind === 'tests') {
    try {
      return Object.fromEntries(renderTests(node, run, manifest).map((t) => [t.id, t.sql]));
    } catch {
      return {};
    }
  }
  const model = manifest.models[node.id];
  if (!model) return {};
  try {
    return { [node.id]: renderNodeSql(manifest, model, { vars: { ...manifest.vars, ...run.vars }, isIncremental: false, invocationId: run.runId, runStartedAt: new Date(run.startedAt) }) };
  } catch {
    return {};
  }
}

/** Whether the alert lists this node as a failure with SQL: a tests node with a failing or erroring test, a model that errored. */
export function needsReproduceSql(node: RunNode, manifest: Manifest): boolean {
  if (node.kind === 'tests') return (node.tests ?? []).some((t) => t.status === 'fail' || t.status === 'error');
  return node.kind !== 'load' && node.status === 'error' && manifest.models[node.id] !== undefined;
}

/**
 * The recorded SQL with every failed node's added (or rendered again when it failed at another time); undefined
 * while nothing failed, so a passing run's stored state does not change.
 */
export function withReproduceSql(run: RunState, manifest: Manifest, recorded: ReproduceSql | undefined): ReproduceSql | undefined {
  let next = recorded;
  for (const node of run.nodes) {
    if (!needsReproduceSql(node, manifest) || (next?.[node.id] && next[node.id]!.finishedAt === node.finishedAt)) continue;
    next = { ...next, [node.id]: { ...(node.finishedAt && { finishedAt: node.finishedAt }), sql: renderReproduceSql(node, run, manifest) } };
  }
  return next;
}
