/**
 * dbt-style progress lines: one when a node starts, one when it ends (one per test), and a summary.
 */
import type { Manifest, RunEvent, RunNode, RunState } from '../engine';
import { summarizeRun } from '../engine';
import { projectHookLabel } from '../engine/run/project-hooks';
import { paint, toneOf } from './colour';
import { compileNodeSql, targetPathOf, writeTargetFile } from './compiled-sql';
import { describeLocation, locateSqlError } from './error-location';

/** What the printer may use to place an error: the statements a node ran, and the project to write target/ in. */
export interface ErrorContext {
  /** The statements the node sent (the CLI keeps its plans); without them, its compiled SQL is rendered again. */
  statementsOf?: (node: RunNode) => string[];
  /** Where target/compiled/… goes (the erroring test's compiled SQL). */
  projectDir?: string;
}

const WIDTH = 80;

function stamp(date = new Date()): string {
  return date.toISOString().slice(11, 19);
}

function dots(left: string, right: string): string {
  const pad = Math.max(3, WIDTH - left.length);
  const status = /^\[([A-Z]+)/.exec(right)?.[1] ?? '';
  const tone = toneOf(status);
  return `${left} ${'.'.repeat(pad)} ${tone ? `[${paint(right.slice(1, -1), tone)}]` : right}`;
}

/** A model's error with the database's position: `LINE n: …`, a caret, and the model file's line. */
function modelErrorLines(node: RunNode, manifest: Manifest, context: ErrorContext | undefined): string[] {
  const model = manifest.models[node.id];
  if (!model || !node.error) return [];
  let statements = context?.statementsOf?.(node) ?? [];
  if (statements.length === 0) {
    try {
      statements = [compileNodeSql(manifest, model)];
    } catch {
      statements = [];
    }
  }
  const location = locateSqlError(node.error, statements, model.rawSql);
  return location ? describeLocation(location, model.origin.file) : [];
}

/** An erroring test: its name, YAML (or SQL) file, the error, and its compiled SQL written where dbt puts it. */
function testErrorLines(node: RunNode, manifest: Manifest, context: ErrorContext | undefined): string[] {
  const lines: string[] = [];
  for (const t of node.tests ?? []) {
    if (t.status !== 'error') continue;
    const test = manifest.tests[t.id];
    const error = node.isolatedTests?.outcomes[t.id]?.error ?? node.error ?? 'error';
    lines.push(`Error in test ${t.name} (${test?.origin.file ?? t.id}): ${error}`);
    if (test && context?.projectDir) {
      try {
        const sql = compileNodeSql(manifest, test);
        lines.push(`  compiled SQL: ${writeTargetFile(context.projectDir, targetPathOf(test, 'compiled'), sql)}`);
        const location = locateSqlError(error, [sql]);
        if (location) lines.push(...describeLocation(location, undefined).map((l) => `  ${l}`));
      } catch {
        // the test does not render without the run's queries: the error above says what is wrong
      }
    }
  }
  return lines;
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
export function printRunEvent(event: RunEvent, manifest: Manifest, write: (line: string) => void, context?: ErrorContext): void {
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
    if (node.status === 'error' && node.error) {
      const details = testErrorLines(node, manifest, context);
      if (details.length > 0) for (const line of details) write(`  ${line}`);
      else write(`  ${node.error}`);
    }
    return;
  }
  if (node.status === 'skipped') {
    write(dots(`${at} SKIP relation ${describeNode(node, manifest)} (${skipReason(node)})`, '[SKIP]'));
  } else if (node.status === 'error') {
    write(dots(`${at} ERROR creating ${describeNode(node, manifest)}`, `[ERROR in ${secs}]`));
    if (node.error) write(`  ${node.error}`);
    for (const line of modelErrorLines(node, manifest, context)) write(`  ${line}`);
  } else {
    const what = node.kind === 'seed' ? `INSERT ${manifest.seeds[node.id]?.rows.length ?? 0}` : 'SUCCESS';
    write(dots(`${at} OK created ${describeNode(node, manifest)}`, `[${what} in ${secs}]`));
  }
}

/** The closing lines: counts, then every failure again so it is not lost in the scroll. */
export function printRunSummary(state: RunState, manifest: Manifest, elapsedMs: number, write: (line: string) => void, context?: ErrorContext): void {
  const { counts, failed } = summarizeRun(state);
  const error = (counts.error ?? 0) + (counts.test_fail ?? 0) + (counts.test_error ?? 0);
  write('');
  const hooks = state.nodes.filter((n) => n.kind === 'operation').length;
  write(`${stamp()}  Finished running ${hooks ? `${hooks} project hook${hooks === 1 ? '' : 's'}, ` : ''}${state.nodes.filter((n) => n.kind !== 'tests' && n.kind !== 'operation').length} nodes and ${Object.entries(counts).filter(([k]) => k.startsWith('test_')).reduce((a, [, v]) => a + v, 0)} tests in ${(elapsedMs / 1000).toFixed(2)}s.`);
  if (failed) {
    write('');
    write(`${stamp()}  ${paint(`Completed with ${error} error${error === 1 ? '' : 's'}:`, 'ERROR')}`);
    for (const node of state.nodes) {
      if (node.status === 'error' && node.kind === 'model') {
        const where = modelErrorLines(node, manifest, context).find((l) => l.startsWith('at '));
        write(`  Model ${node.name} (${where ? where.slice(3) : originOf(node, manifest)}): ${node.error}`);
      } else if (node.status === 'error' && node.kind === 'tests' && node.tests?.some((t) => t.status === 'error')) {
        for (const t of node.tests) if (t.status === 'error') write(`  Error in test ${t.name} (${manifest.tests[t.id]?.origin.file ?? t.id}): ${node.isolatedTests?.outcomes[t.id]?.error ?? node.error}`);
      } else if (node.status === 'error') write(`  ${node.kind === 'tests' ? 'Tests of' : node.kind === 'operation' ? 'Hook' : 'Model'} ${node.kind === 'operation' ? projectHookLabel(node, manifest.projectName) : node.name} (${originOf(node, manifest)}): ${node.error}`);
      for (const t of node.tests ?? []) {
        if (t.status === 'fail') write(`  Failure in test ${t.name} (${manifest.tests[t.id]?.origin.file}): got ${t.failures} result${t.failures === 1 ? '' : 's'}, configured to fail if != 0`);
      }
    }
  } else {
    write(`${stamp()}  ${paint('Completed successfully', 'PASS')}`);
  }
  write('');
  write(`${stamp()}  Done. ${doneCounts(state)}`);
}

/** dbt's closing counts: `PASS=… WARN=… ERROR=… SKIP=… TOTAL=…` (colour on a terminal). */
export function doneCounts(state: RunState): string {
  const { counts } = summarizeRun(state);
  const pass = (counts.success ?? 0) + (counts.test_pass ?? 0);
  const warn = counts.test_warn ?? 0;
  const error = (counts.error ?? 0) + (counts.test_fail ?? 0) + (counts.test_error ?? 0);
  const skip = (counts.skipped ?? 0) + (counts.test_skipped ?? 0);
  const part = (label: string, n: number, tone: 'PASS' | 'WARN' | 'ERROR' | 'SKIP') => (n > 0 ? paint(`${label}=${n}`, tone) : `${label}=${n}`);
  return `${part('PASS', pass, 'PASS')} ${part('WARN', warn, 'WARN')} ${part('ERROR', error, 'ERROR')} ${part('SKIP', skip, 'SKIP')} TOTAL=${pass + warn + error + skip}`;
}

/** Why a node was skipped: an upstream failure, or `--fail-fast` after another node failed. */
export function skipReason(node: RunNode): string {
  const fastFail = /^(.*) \(--fail-fast\)$/.exec(node.skippedBecause ?? '');
  return fastFail ? `--fail-fast: ${fastFail[1]} failed` : `upstream ${node.skippedBecause} failed`;
}

function originOf(node: RunNode, manifest: Manifest): string {
  if (node.kind === 'operation') return 'dbt_project.yml';
  return (manifest.models[node.id] ?? manifest.seeds[node.id])?.origin.file ?? node.id;
}
