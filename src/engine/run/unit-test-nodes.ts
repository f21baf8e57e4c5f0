/**
 * dbt unit tests in a run (dbt 1.8+): one tests node per model, `unit_tests:<model id>`, that waits for what the
 * model waits for and gates the model, so a failing unit test fails and the model and everything downstream of it
 * are skipped. With `test` (no model built), the node runs on its own.
 */
import type { TestNode } from '../manifest';
import type { RunNode, TestResult } from './run-state';

export const unitTestsNodeId = (model: string) => `unit_tests:${model}`;

/** The unit tests nodes of a run; adds each to its model's run node's `dependsOn`. */
export function unitTestNodes(unitTests: TestNode[], nodes: RunNode[], nameOf: (id: string) => string): RunNode[] {
  const byModel = new Map<string, TestNode[]>();
  for (const t of unitTests) byModel.set(t.unitTest!.model, [...(byModel.get(t.unitTest!.model) ?? []), t]);
  const added: RunNode[] = [];
  for (const [model, tests] of byModel) {
    const id = unitTestsNodeId(model);
    const modelNode = nodes.find((n) => n.id === model);
    added.push({ id, kind: 'tests', name: nameOf(model), dependsOn: [...(modelNode?.dependsOn ?? [])], status: 'pending', testIds: tests.map((t) => t.uniqueId).sort() });
    if (modelNode) modelNode.dependsOn = [...modelNode.dependsOn, id];
  }
  return added;
}

/**
 * dbt-core runs a model's unit tests one after another and skips the rest once one fails or errors (its build task's
 * `call_model_and_unit_tests_runner`); landfall runs them in one statement, then reports them as dbt would, in the
 * node's order (sorted ids; dbt's own order follows Python's string hashing, so it varies from run to run).
 *
 * @example
 * asDbtRunsUnitTests(node, [{ status: 'pass' }, { status: 'error' }, { status: 'pass' }]) // pass, error, skipped
 */
export function asDbtRunsUnitTests(node: RunNode, results: TestResult[]): TestResult[] {
  if (!node.id.startsWith('unit_tests:')) return results;
  const firstFailure = results.findIndex((r) => r.status === 'fail' || r.status === 'error');
  return firstFailure < 0 ? results : results.map((r, i) => (i > firstFailure ? { ...r, status: 'skipped', failures: 0 } : r));
}
