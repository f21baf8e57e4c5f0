/**
 * Compiled SQL where a dbt user looks for it: `target/compiled/<package>/<file>` (a model's SELECT, a test's query
 * under its YAML file: `target/compiled/<package>/models/schema.yml/<test>.sql`) and `target/run/<package>/<file>`
 * (the statements the run sent: the SELECT wrapped in its materialization), as dbt writes them.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Manifest, RunState } from '../engine';
import type { ModelNode, TestNode } from '../engine/manifest';
import type { MaterializationPlan } from '../engine/materializations';
import { renderNodeSql } from '../engine/render/render-node';

/** The path under target/ dbt uses for a node's compiled SQL (`compiled/…`) or run SQL (`run/…`). */
export function targetPathOf(node: ModelNode | TestNode, kind: 'compiled' | 'run'): string {
  const file = node.resourceType === 'test' && /\.ya?ml$/.test(node.origin.file) ? `${node.origin.file}/${node.name}.sql` : node.origin.file;
  const packageName = node.resourceType === 'model' ? node.packageName : node.uniqueId.split('.')[1]!;
  return path.join(kind, packageName, file);
}

/**
 * Write `sql` to `<projectDir>/target/<relative>`; returns the path from the current folder. A file that already
 * holds this SQL (a run again of the same project) is left alone: on ext4, truncating and rewriting a file that has
 * data forces its blocks out at close (`auto_da_alloc`), 2.6 ms a file on a busy disk — most of a 200-model run's
 * overhead per model (bench/RESULTS-issue-16.md §6) — while reading it back costs microseconds.
 */
export function writeTargetFile(projectDir: string, relative: string, sql: string): string {
  const file = path.join(projectDir, 'target', relative);
  const text = sql.endsWith('\n') ? sql : `${sql}\n`;
  if (readOrNone(file) !== text) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
  }
  return path.relative(process.cwd(), file);
}

function readOrNone(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * A node's SQL as `landfall compile` renders it: without a warehouse, so `is_incremental()` is false and a
 * `run_query` fails (the error says so).
 */
export function compileNodeSql(manifest: Manifest, node: ModelNode | TestNode, vars: Record<string, unknown> = {}): string {
  return renderNodeSql(manifest, node, { vars: { ...manifest.vars, ...vars }, isIncremental: false, invocationId: 'compile', runStartedAt: new Date() });
}

/**
 * After a run: each model's statements (its plan, rendered in the run) to target/run/…, as dbt does. `plans`
 * is the run context's cache, keyed `runId\nnodeId\n…`; the last plan of a node is the one that ran.
 */
export function writeRunSql(projectDir: string, manifest: Manifest, state: RunState, plans: Map<string, MaterializationPlan>): void {
  const latest = new Map<string, MaterializationPlan>();
  for (const [key, plan] of plans) {
    const [runId, nodeId] = key.split('\n');
    if (runId === state.runId && nodeId) latest.set(nodeId, plan);
  }
  for (const [nodeId, plan] of latest) {
    const model = manifest.models[nodeId];
    if (!model) continue;
    const sql = plan.steps.flatMap((s) => s.sqls).map((s) => s.trim().replace(/;$/, '')).join(';\n\n');
    writeTargetFile(projectDir, targetPathOf(model, 'run'), `${sql};`);
  }
}

/** The statements of a node's plan in this run (for locating a database error in them). */
export function planStatements(plans: Map<string, MaterializationPlan>, runId: string, nodeId: string): string[] {
  const statements: string[] = [];
  for (const [key, plan] of plans) {
    const [r, n] = key.split('\n');
    if (r === runId && n === nodeId) statements.push(...plan.steps.flatMap((s) => s.sqls));
  }
  return statements;
}
