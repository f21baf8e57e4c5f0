/**
 * dbt-style progress lines: one when a node starts, one when it ends (one per test), and a summary.
 */
import type { Manifest, RunEvent, RunNode, RunState } from '../engine';
import { summarizeRun } from '../engine';
import { projectHookLabel } from '../engine/run/project-hooks';

const WIDTH = 80;

function stamp(date = new Date()): string {
  return date.toISOString().slice(11, 19);
}

function dots(left: string, right: string): string {
  const pad = Math.max(3, WIDTH - left.length);
  return `${left} ${'.'.repeat(pad)} ${right}`;
}

function describeNode(node: RunNode, manifest: Manifest): string {
  const m = manifest.models[node.id] ?? manifest.seeds[node.id];
  if (node.kind === 'seed' && m) return `seed file ${m.relation.schema}.${m.relation.identifier}`;
  // dbt prints `snapshot <schema>.<name>` for a snapshot.
  if (node.kind === 'model' && m?.config.materialized === 'snapshot') return `snapshot ${m.relation.schema}.${m.relation.identifier}`;
  if (node.kind === 'model' && m) return `sql ${m.config.materialized} model ${m.relation.schema}.${m.relation.identifier}`;
  if (node.kind === 'operation') return `hook: ${projectHookLabel(node, manifest.projectName)}`;
  return `tests of ${node.name} (${node.testIds?.length ?? 0})`;
}

/** Print each run event as a line, like dbt does. */
export function printRunEvent(event: RunEvent, manifest: Manifest, write: (line: string) => void): void {
  const { node, index, total } = event;
  const at = `${stamp()}  ${index} of ${total}`;
  if (event.type === 'node_started') {
    // dbt sets the on-run-end hooks apart with a blank line, as it does the on-run-start hooks (below).
    if (node.hook?.type === 'on-run-end' && index === 1) write('');
    write(dots(`${at} START ${describeNode(node, manifest)}`, '[RUN]'));
    return;
  }
  const secs = `${(event.durationMs / 1000).toFixed(2)}s`;
  if (node.kind === 'operation') {
    const label = node.status === 'success' ? 'OK' : node.status === 'skipped' ? 'SKIP' : 'ERROR';
    write(dots(`${at} ${label} ${describeNode(node, manifest)}`, `[${label}${node.status === 'skipped' ? '' : ` in ${secs}`}]`));
    if (node.status === 'error' && node.error) write(`  ${node.error}`);
    if (node.hook?.type === 'on-run-start' && index === total) write('');
    return;
  }
  if (node.kind === 'tests') {
    for (const t of node.tests ?? []) {
      const label = t.status === 'pass' ? 'PASS' : t.status === 'fail' ? 'FAIL' : t.status === 'warn' ? 'WARN' : t.status === 'skipped' ? 'SKIP' : 'ERROR';
      const count = t.status === 'fail' || t.status === 'warn' ? ` ${t.failures}` : '';
      write(dots(`${at} ${label}${count} ${t.name}`, `[${label}${count}${t.status === 'skipped' ? '' : ` in ${secs}`}]`));
    }
    if (node.status === 'error' && node.error) write(`  ${node.error}`);
    return;
  }
  if (node.status === 'skipped') {
    write(dots(`${at} SKIP relation ${describeNode(node, manifest)} (upstream ${node.skippedBecause} failed)`, '[SKIP]'));
  } else if (node.status === 'error') {
    write(dots(`${at} ERROR creating ${describeNode(node, manifest)}`, `[ERROR in ${secs}]`));
    if (node.error) write(`  ${node.error}`);
  } else {
    const what = node.kind === 'seed' ? `INSERT ${manifest.seeds[node.id]?.rows.length ?? 0}` : 'SUCCESS';
    write(dots(`${at} OK created ${describeNode(node, manifest)}`, `[${what} in ${secs}]`));
  }
}

/** The closing lines: counts, then every failure again so it is not lost in the scroll. */
export function printRunSummary(state: RunState, manifest: Manifest, elapsedMs: number, write: (line: string) => void): void {
  const { counts, failed } = summarizeRun(state);
  const pass = (counts.success ?? 0) + (counts.test_pass ?? 0);
  const warn = counts.test_warn ?? 0;
  const error = (counts.error ?? 0) + (counts.test_fail ?? 0) + (counts.test_error ?? 0);
  const skip = (counts.skipped ?? 0) + (counts.test_skipped ?? 0);
  write('');
  const hooks = state.nodes.filter((n) => n.kind === 'operation').length;
  write(`${stamp()}  Finished running ${hooks ? `${hooks} project hook${hooks === 1 ? '' : 's'}, ` : ''}${state.nodes.filter((n) => n.kind !== 'tests' && n.kind !== 'operation').length} nodes and ${Object.entries(counts).filter(([k]) => k.startsWith('test_')).reduce((a, [, v]) => a + v, 0)} tests in ${(elapsedMs / 1000).toFixed(2)}s.`);
  if (failed) {
    write('');
    write(`${stamp()}  Completed with ${error} error${error === 1 ? '' : 's'}:`);
    for (const node of state.nodes) {
      if (node.status === 'error') write(`  ${node.kind === 'tests' ? 'Tests of' : node.kind === 'operation' ? 'Hook' : 'Model'} ${node.kind === 'operation' ? projectHookLabel(node, manifest.projectName) : node.name} (${originOf(node, manifest)}): ${node.error}`);
      for (const t of node.tests ?? []) {
        if (t.status === 'fail') write(`  Failure in test ${t.name} (${manifest.tests[t.id]?.origin.file}): got ${t.failures} result${t.failures === 1 ? '' : 's'}, configured to fail if != 0`);
      }
    }
  } else {
    write(`${stamp()}  Completed successfully`);
  }
  write('');
  write(`${stamp()}  Done. PASS=${pass} WARN=${warn} ERROR=${error} SKIP=${skip} TOTAL=${pass + warn + error + skip}`);
}

function originOf(node: RunNode, manifest: Manifest): string {
  if (node.kind === 'operation') return 'dbt_project.yml';
  return (manifest.models[node.id] ?? manifest.seeds[node.id])?.origin.file ?? node.id;
}
