/**
 * Turn a selection into the nodes of a run, in dependency order (pure: no warehouse).
 *
 * `build` runs seeds, models and, right after each of them, its tests as one node; everything
 * downstream waits for those tests (dbt build semantics). `run` builds models only, `seed` seeds only,
 * `test` runs tests only. Every command runs the project's on-run-start and on-run-end hooks around
 * them (see project-hooks.ts).
 */
import { buildGraph, type Graph, reachable } from '../graph/graph';
import { selectNodes } from '../graph/select';
import type { SelectionState } from '../graph/state-selection';
import { selectWithSelector } from '../graph/selectors-file';
import { dbtResourceType, type Manifest, type TestNode } from '../manifest';
import { type LoadRequest, withLoadNodes } from './load-node';
import { projectHookNodes } from './project-hooks';
import { unitTestNodes } from './unit-test-nodes';
import type { RunCommand, RunNode, RunState } from './run-state';

export interface RunRequest {
  runId: string;
  command: RunCommand;
  select?: string[];
  exclude?: string[];
  /** A named selector from `selectors.yml`, used instead of `select`/`exclude`. */
  selector?: string;
  fullRefresh?: boolean;
  vars?: Record<string, unknown>;
  /** Statements in flight at once. */
  concurrency?: number;
  /** Landed objects to COPY into source tables first, as load nodes upstream of the models reading them (load-node.ts). */
  loads?: LoadRequest[];
  startedAt?: string;
  /** Another run's manifest and results for `state:`/`result:` selection (`--state DIR`; the CLI only, not a run payload). */
  selectionState?: SelectionState;
  /** dbt's `--empty`: build every selected model from zero rows of its refs and sources. */
  empty?: boolean;
  /** What each model's or seed's first statement took the last time it was built, ms, by unique id (`RunNode.priorMs`). */
  priorMs?: Readonly<Record<string, number>>;
}

export const testsNodeId = (attachedTo: string) => `tests:${attachedTo}`;

/**
 * @example
 * const state = planRun(manifest, { runId: 'r1', command: 'build', select: ['source:app+'] });
 */
export function planRun(manifest: Manifest, request: RunRequest): RunState {
  const graph = buildGraph(manifest);
  if (request.selectionState) graph.state = { ...request.selectionState, current: manifest };
  const selected = request.selector
    ? selectWithSelector(graph, manifest.selectors ?? [], request.selector)
    : selectNodes(graph, request.select ?? [], request.exclude ?? []);
  const command = request.command;
  const wantsBuild = (type: string) =>
    command === 'build' || (command === 'run' && type === 'model') || (command === 'seed' && type === 'seed') || (command === 'snapshot' && type === 'snapshot');

  const executable = [...Object.values(manifest.seeds), ...Object.values(manifest.models)].filter(
    (n) => selected.has(n.uniqueId) && wantsBuild(dbtResourceType(n)) && n.config.materialized !== 'ephemeral',
  );
  const inRun = new Set(executable.map((n) => n.uniqueId));

  // Tests: selected directly, or (dbt's eager indirect selection) attached to a selected node.
  const tests: TestNode[] = command === 'build' || command === 'test'
    ? Object.values(manifest.tests).filter((t) => selected.has(t.uniqueId) || t.dependsOn.some((d) => selected.has(d) && graph.nodes.get(d)?.resourceType !== 'test'))
    : [];
  const testsByOwner = new Map<string, TestNode[]>();
  for (const t of tests.filter((test) => !test.unitTest)) {
    const owner = testOwner(graph, t);
    const list = testsByOwner.get(owner) ?? [];
    list.push(t);
    testsByOwner.set(owner, list);
  }

  // A model waits for its parents, and for the tests of its parents when those run.
  const gate = (parent: string) => (testsByOwner.has(parent) ? testsNodeId(parent) : inRun.has(parent) ? parent : undefined);
  const nodes: RunNode[] = [];
  for (const n of executable) {
    nodes.push({
      id: n.uniqueId,
      kind: n.resourceType === 'seed' ? 'seed' : 'model',
      builds: n.config.materialized,
      ...(priorOf(request.priorMs, n.uniqueId) !== undefined && { priorMs: priorOf(request.priorMs, n.uniqueId) }),
      name: n.name,
      dependsOn: dedupe(upstreamBuilt(manifest, throughEphemeral(manifest, n.dependsOn), inRun, testsByOwner).map(gate)),
      status: 'pending',
    });
  }
  for (const [owner, ownerTests] of testsByOwner) {
    const parents = new Set(ownerTests.flatMap((t) => throughEphemeral(manifest, t.dependsOn)));
    // Source tests gate the models that read the source.
    nodes.push({
      id: testsNodeId(owner),
      kind: 'tests',
      name: graph.nodes.get(owner)?.name ?? owner,
      dependsOn: dedupe([...parents].map((p) => (inRun.has(p) ? p : undefined))),
      status: 'pending',
      testIds: ownerTests.map((t) => t.uniqueId).sort(),
    });
  }
  nodes.push(...unitTestNodes(tests.filter((t) => t.unitTest), nodes, (id) => graph.nodes.get(id)?.name ?? id));
  const withLoads = withLoadNodes(manifest, nodes, request.loads ?? []);
  // dbt_project.yml's on-run-start hooks first, its on-run-end hooks last; none when nothing is selected.
  const hooks = nodes.length ? projectHookNodes(manifest) : { 'on-run-start': [], 'on-run-end': [] };
  return {
    runId: request.runId,
    command,
    startedAt: request.startedAt ?? new Date().toISOString(),
    fullRefresh: request.fullRefresh ?? false,
    ...(request.empty ? { empty: true } : {}),
    vars: request.vars ?? {},
    concurrency: request.concurrency ?? 4,
    nodes: [...hooks['on-run-start'], ...orderTopologically(withLoads), ...hooks['on-run-end']],
    existing: {},
    iterations: 0,
    waitSeconds: 0,
    done: withLoads.length === 0,
  };
}

/**
 * A node's parents with each ephemeral model replaced by its own parents (recursively): ephemeral models
 * are never built, they are CTEs in the SQL of the nodes that ref them.
 */
export function throughEphemeral(manifest: Manifest, dependsOn: string[], seen = new Set<string>()): string[] {
  return dependsOn.flatMap((id) => {
    const model = manifest.models[id];
    if (model?.config.materialized !== 'ephemeral') return [id];
    if (seen.has(id)) return [];
    seen.add(id);
    return throughEphemeral(manifest, model.dependsOn, seen);
  });
}

/**
 * The run nodes a node must wait for: built parents, and for sources, the source's tests.
 * Parents that are not in the run (not selected) are already built; only their tests matter if selected.
 */
function upstreamBuilt(manifest: Manifest, dependsOn: string[], inRun: Set<string>, testsByOwner: Map<string, TestNode[]>): string[] {
  return dependsOn.filter((d) => inRun.has(d) || (testsByOwner.has(d) && d in manifest.sources));
}

/**
 * The node whose tests group a test joins: the parent downstream of all its other parents (a
 * `relationships` test from `dim` to `fct`, where `fct` reads `dim`, runs with `fct`'s tests), so that
 * gating children on their parents' tests can never form a cycle.
 */
function testOwner(graph: Graph, test: TestNode): string {
  if (test.dependsOn.length < 2) return test.attachedTo;
  const downstreamMost = test.dependsOn.find((candidate) => {
    const ancestors = reachable(graph.parents, candidate);
    return test.dependsOn.every((other) => other === candidate || ancestors.has(other));
  });
  return downstreamMost ?? test.attachedTo;
}

/** A usable prior: a positive finite number of ms (the history document is data from S3, not trusted blindly). */
function priorOf(priors: Readonly<Record<string, number>> | undefined, id: string): number | undefined {
  const ms = priors && Object.hasOwn(priors, id) ? priors[id] : undefined;
  return typeof ms === 'number' && Number.isFinite(ms) && ms > 0 ? ms : undefined;
}

function dedupe(ids: (string | undefined)[]): string[] {
  return [...new Set(ids.filter((x): x is string => x !== undefined))];
}

function orderTopologically(nodes: RunNode[]): RunNode[] {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const ordered: RunNode[] = [];
  const seen = new Set<string>();
  const visit = (node: RunNode, path: string[]) => {
    if (seen.has(node.id)) return;
    if (path.includes(node.id)) throw new Error(`run cycle: ${[...path, node.id].join(' -> ')}`);
    for (const d of node.dependsOn) {
      const dep = byId.get(d);
      if (dep) visit(dep, [...path, node.id]);
    }
    seen.add(node.id);
    ordered.push(node);
  };
  for (const n of [...nodes].sort((a, b) => a.id.localeCompare(b.id))) visit(n, []);
  // Drop dependencies on nodes outside the run.
  for (const n of ordered) n.dependsOn = n.dependsOn.filter((d) => byId.has(d));
  return ordered;
}
