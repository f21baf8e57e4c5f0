/**
 * dbt_project.yml's `on-run-start` and `on-run-end` hooks as run nodes (kind `operation`), so the scheduler
 * stays one non-blocking loop. As in dbt 1.10:
 *
 *   - the on-run-start hooks run one after another before any other node; a failing hook skips the hooks
 *     after it, but not the models (they run once every start hook has finished, whatever its status);
 *   - the on-run-end hooks run one after another once every other node has finished, failed or skipped
 *     included; their template also sees `schemas`, `database_schemas` (the schemas of the relations the run
 *     built successfully) and `results` (one entry per model, seed and test, with `status`, `message`,
 *     `failures`, `execution_time` and `node`);
 *   - every run command (`build`, `run`, `seed`, `test`) runs them; `ls` and `compile` do not, and a run
 *     that selects nothing runs nothing.
 *
 * A hook runs as one statement, outside any transaction. The hook nodes keep dbt's unique ids
 * (`operation.<project>.<project>-on-run-start-0`) and names.
 */
import type { Manifest } from '../manifest';
import type { MaterializationPlan } from '../materializations/plan';
import { qualified } from '../render/relation';
import type { QuerySession } from '../render/query-session';
import { renderOperationSql } from './render-operation';
import { FINISHED_STATUSES, type ProjectHookType, type RunNode, type RunState } from './run-state';

const HOOK_TYPES: readonly ProjectHookType[] = ['on-run-start', 'on-run-end'];

/**
 * The run nodes of the project's hooks, each waiting for the one before it.
 *
 * @example
 * projectHookNodes(manifest)['on-run-start'][0]
 * // { id: 'operation.shop.shop-on-run-start-0', kind: 'operation', name: 'shop-on-run-start-0', hook: { type: 'on-run-start', index: 0 }, … }
 */
export function projectHookNodes(manifest: Manifest): Record<ProjectHookType, RunNode[]> {
  const project = manifest.projectName;
  const nodes = (type: ProjectHookType): RunNode[] => (manifest.projectHooks?.[type] ?? []).map((_, index) => ({
    id: `operation.${project}.${project}-${type}-${index}`,
    kind: 'operation',
    name: `${project}-${type}-${index}`,
    dependsOn: index === 0 ? [] : [`operation.${project}.${project}-${type}-${index - 1}`],
    status: 'pending',
    hook: { type, index },
  }));
  return { 'on-run-start': nodes('on-run-start'), 'on-run-end': nodes('on-run-end') };
}

/** How dbt prints a project hook: `shop.on-run-start.0`. */
export function projectHookLabel(node: RunNode, projectName: string): string {
  return node.hook ? `${projectName}.${node.hook.type}.${node.hook.index}` : node.name;
}

/**
 * Which nodes may start now, by phase: nothing but on-run-start hooks while one of them has not finished;
 * the on-run-end hooks only once everything else has finished. (Order within a phase is `dependsOn`'s.)
 */
export function phaseGate(state: RunState): (node: RunNode) => boolean {
  const unfinished = (n: RunNode) => !FINISHED_STATUSES.has(n.status);
  const startPending = state.nodes.some((n) => n.hook?.type === 'on-run-start' && unfinished(n));
  const buildPending = state.nodes.some((n) => n.hook?.type !== 'on-run-end' && unfinished(n));
  return (node) => {
    if (node.hook?.type === 'on-run-start') return true;
    if (node.hook?.type === 'on-run-end') return !buildPending;
    return !startPending;
  };
}

/** The plan of a project hook: its rendered SQL, one statement. */
export function planProjectHook(node: RunNode, state: RunState, manifest: Manifest, queries?: QuerySession): MaterializationPlan {
  const hook = node.hook;
  const template = hook && HOOK_TYPES.includes(hook.type) ? manifest.projectHooks?.[hook.type][hook.index] : undefined;
  if (template === undefined) throw new Error(`run node ${node.id} names no project hook of the compiled project`);
  const sql = renderOperationSql(manifest, template, {
    file: 'dbt_project.yml',
    vars: { ...manifest.vars, ...state.vars },
    invocationId: state.runId,
    runStartedAt: new Date(state.startedAt),
    extra: hook!.type === 'on-run-end' ? onRunEndContext(state, manifest) : {},
    queries,
  });
  // dbt runs nothing for a hook that renders empty (a false `{% if %}`); a step still needs a statement.
  return { steps: [{ sqls: [sql === '' ? 'select 1' : sql] }] };
}

/**
 * What an on-run-end hook sees besides the usual context: dbt's `schemas` and `database_schemas` (where the
 * run built something successfully: models, seeds, and tests storing their failures) and `results`.
 */
export function onRunEndContext(state: RunState, manifest: Manifest) {
  const seconds = (node: RunNode) => (node.startedAt && node.finishedAt ? (Date.parse(node.finishedAt) - Date.parse(node.startedAt)) / 1000 : 0);
  const results: Record<string, unknown>[] = [];
  const schemas = new Set<string>();
  for (const node of state.nodes) {
    if (node.kind === 'operation') {
      // dbt keeps only the project hooks that failed.
      if (node.status === 'error') results.push({ status: 'error', message: node.error ?? null, failures: 1, execution_time: seconds(node), node: { unique_id: node.id, name: node.name, resource_type: 'operation' } });
      continue;
    }
    if (node.kind === 'tests') {
      for (const t of node.tests ?? []) {
        const test = manifest.tests[t.id];
        if (test?.storeFailuresIn && (t.status === 'pass' || t.status === 'warn')) schemas.add(test.storeFailuresIn.schema);
        results.push({
          status: t.status, message: t.status === 'error' ? node.error ?? null : null, failures: t.failures, execution_time: seconds(node),
          node: { unique_id: t.id, name: t.name, resource_type: 'test', tags: test?.tags ?? [] },
        });
      }
      continue;
    }
    const built = manifest.models[node.id] ?? manifest.seeds[node.id];
    if (built && node.status === 'success') schemas.add(built.relation.schema);
    results.push({
      status: node.status, message: node.error ?? null, failures: null, execution_time: seconds(node),
      node: built && {
        unique_id: built.uniqueId, name: built.name, resource_type: built.resourceType, package_name: built.packageName,
        database: manifest.target.database, schema: built.relation.schema, alias: built.relation.identifier,
        relation_name: qualified(built.relation), config: built.config, tags: built.config.tags,
      },
    });
  }
  const sorted = [...schemas].sort();
  return { schemas: sorted, database_schemas: sorted.map((schema) => [manifest.target.database, schema]), results };
}
