/**
 * The SQL a failure alert shows to reproduce a failure: a failing test's query (the one its sample rows are read
 * with), a failed model's SELECT rendered as a full build would (never the DDL or the swap, unsafe to paste).
 * AdvanceRun has it rendered when a node fails — by its renderer, the RenderPlans function in AWS (render-port.ts) —
 * and stores it beside the run state (`StoredRun.reproduceSql`), so PublishAlert reads it and carries no Jinja engine
 * in its bundle (bench/RESULTS-lambda-bundles.md). Rendered from the same run state as before, so the SQL is the same.
 */
import type { Manifest, RenderPort, RunState } from '../engine';
import { renderInputOf } from '../engine/run/render-port';

export { renderReproduceSql } from '../engine/run/render-in-process';

type RunNode = RunState['nodes'][number];

/** Per failed node: when it finished (a redriven node that fails again is rendered again) and its SQL by test or model id. */
export type ReproduceSql = Record<string, { finishedAt?: string; sql: Record<string, string> }>;

/** Whether the alert lists this node as a failure with SQL: a tests node with a failing or erroring test, a model that errored. */
export function needsReproduceSql(node: RunNode, manifest: Manifest): boolean {
  if (node.kind === 'tests') return (node.tests ?? []).some((t) => t.status === 'fail' || t.status === 'error');
  return node.kind !== 'load' && node.status === 'error' && manifest.models[node.id] !== undefined;
}

/**
 * The recorded SQL with every failed node's added (or rendered again when it failed at another time); undefined
 * while nothing failed, so a passing run's stored state does not change.
 */
export async function withReproduceSql(run: RunState, manifest: Manifest, recorded: ReproduceSql | undefined, renderer: RenderPort): Promise<ReproduceSql | undefined> {
  const failed = run.nodes.filter((node) => needsReproduceSql(node, manifest) && !(recorded?.[node.id] && recorded[node.id]!.finishedAt === node.finishedAt));
  if (failed.length === 0) return recorded;
  // Asked at once: a renderer in another function answers them in one invocation (lambda-renderer.ts).
  const rendered = await Promise.all(failed.map((node) => renderer.reproduceSql(node, renderInputOf(node, run, manifest))));
  let next = recorded;
  failed.forEach((node, i) => {
    next = { ...next, [node.id]: { ...(node.finishedAt && { finishedAt: node.finishedAt }), sql: rendered[i]! } };
  });
  return next;
}
