/**
 * A run as plain JSON: small enough to travel between Step Functions states (ids and statuses, never SQL),
 * and everything needed to resume it. The same state drives `landfall build` in a terminal.
 */
import type { ExistingRelation } from '../materializations';
import type { FetchedColumns } from '../materializations/plan';
import type { PartitionRunContext } from '../materializations/partitioned/plan';
import type { StoredQueryResults } from '../render/query-session';
import type { LoadNodeState } from './load-node';

export type RunCommand = 'build' | 'run' | 'test' | 'seed' | 'snapshot';
/** `operation`: one of dbt_project.yml's `on-run-start`/`on-run-end` hooks (see project-hooks.ts); `load`: a COPY of landed objects (load-node.ts). */
export type RunNodeKind = 'seed' | 'model' | 'tests' | 'operation' | 'load';
export type ProjectHookType = 'on-run-start' | 'on-run-end';
export type RunNodeStatus = 'pending' | 'running' | 'success' | 'error' | 'skipped' | 'pass' | 'fail' | 'warn';
export type TestStatus = 'pass' | 'fail' | 'warn' | 'error' | 'skipped';

export interface TestResult {
  id: string;
  name: string;
  status: TestStatus;
  failures: number;
}

export interface RunNode {
  /**
   * The manifest unique id, or `tests:<unique id>` for the tests of one model, seed or source, or dbt's
   * `operation.<project>.<project>-on-run-start-<n>` for a project hook.
   */
  id: string;
  kind: RunNodeKind;
  /**
   * What a model's or seed's statements build: its materialization (`view`, `table`, `incremental`, `snapshot`,
   * `seed`). Statements are expected to take what earlier ones building the same took (poll-schedule.ts): a view
   * is a commit, a table runs its query. Unset for other kinds, and in states planned before it existed.
   */
  builds?: string;
  /**
   * What the node's first statement took (the Data API's `Duration`, ms) the last time a run built it: planRun sets it
   * from the run history (src/runtime/model-durations.ts), and it becomes what it took in this run when that statement
   * ends. The poll schedule expects it before anything learned in the run (poll-schedule.ts), and the order of
   * ready nodes uses it (critical-path-order.ts). Unset for a node never built before.
   */
  priorMs?: number;
  name: string;
  dependsOn: string[];
  status: RunNodeStatus;
  step?: number;
  /**
   * How many times the node was planned again after its run failed or crashed (a Step Functions redrive, see
   * redrive-run.ts, or a statement id the Data API no longer knows). Part of its statements' client tokens, so a
   * new attempt submits new statements instead of getting the first attempt's results back.
   */
  attempt?: number;
  statementId?: string;
  /** When the statement in flight was submitted, and when it is next worth a DescribeStatement (epoch ms; poll-schedule.ts). */
  submittedAt?: number;
  pollAt?: number;
  startedAt?: string;
  finishedAt?: string;
  /** Rows affected by the last statement (models, seeds). */
  rows?: number;
  error?: string;
  skippedBecause?: string;
  /** Columns a plan step asked the warehouse for (`fetchColumns`), for the node's later steps. */
  columns?: FetchedColumns;
  /** The manifest ids of the tests this node runs (kind `tests`). */
  testIds?: string[];
  tests?: TestResult[];
  /** For a `load`: the source table, the objects to COPY into it and, once done, what was loaded. */
  load?: LoadNodeState;
  /** For an `operation`: which project hook it runs (its position in dbt_project.yml's list). */
  hook?: { type: ProjectHookType; index: number };
  /**
   * Results of the node's `run_query`/`statement` calls, run when it started (run/run-time-queries.ts);
   * dropped once it succeeds.
   */
  queryResults?: StoredQueryResults;
  /**
   * A model or seed whose post-hooks make run-time queries: they run as a step of their own after the build,
   * `deferred` until that step, when their queries run (`ready`); unset when the post-hooks make none.
   */
  postHooks?: 'deferred' | 'ready';
  /**
   * A tests node whose one-statement batch failed runs its tests one at a time, as dbt runs every test,
   * so that one broken test errors alone: the test running now, and the outcome of those done.
   */
  isolatedTests?: { index: number; outcomes: Record<string, { failures?: number; error?: string }> };
  /** A model whose last step's batch also carries its tests node's statements: how many follow its own (tests-with-model.ts). */
  testsInBatch?: number;
  /** A tests node whose statements ride in its model's last batch (tests-with-model.ts). */
  inModelBatch?: boolean;
}

export interface RunState {
  runId: string;
  command: RunCommand;
  startedAt: string;
  fullRefresh: boolean;
  /** dbt's `--empty`: refs and sources read as `(select * from … where false limit 0)`, so the run checks SQL and schemas without rows. */
  empty?: boolean;
  /** Only the run's own `--vars`; project vars come from the manifest. */
  vars: Record<string, unknown>;
  concurrency: number;
  nodes: RunNode[];
  /** Relations found in the warehouse when the run was planned, by `schema.identifier`. */
  existing: Record<string, ExistingRelation>;
  /** Staging relations other runs left behind, by `schema.identifier` of the node they belong to (see prepare-run.ts). */
  stagingLeftovers?: Record<string, string[]>;
  /** Window and months of each monthly-partitioned model in the run, by node id (see materializations/partitioned). */
  partitions?: Record<string, PartitionRunContext>;
  /** What statements took in this run so far, by what they build and step (ms, a moving average; keys in poll-schedule.ts): when to poll the next ones (poll-schedule.ts). */
  expectedMs?: Record<string, number>;
  iterations: number;
  /** Seconds the caller should wait before the next advance. */
  waitSeconds: number;
  done: boolean;
}

export const FINISHED_STATUSES: ReadonlySet<RunNodeStatus> = new Set(['success', 'error', 'skipped', 'pass', 'fail', 'warn']);
/** Statuses after which dependents may run (`dbt build`: a warning does not stop the DAG). */
export const PASSING_STATUSES: ReadonlySet<RunNodeStatus> = new Set(['success', 'pass', 'warn']);

const lookups = new WeakMap<readonly RunNode[], ReadonlyMap<string, RunNode>>();

/**
 * The run's nodes by id, made once per nodes array: a scheduler step copies the array (advance-run.ts copyForStep)
 * and then changes nodes in place, never the array, so one map serves every lookup of the step. Finding a node by a
 * scan or a fresh Map per call cost O(nodes) per submitted node, O(n^2) over a run (bench/RESULTS-issue-16.md).
 */
export function nodesById(state: Pick<RunState, 'nodes'>): ReadonlyMap<string, RunNode> {
  let lookup = lookups.get(state.nodes);
  if (!lookup) lookups.set(state.nodes, (lookup = new Map(state.nodes.map((n) => [n.id, n]))));
  return lookup;
}

export function relationKey(relation: { schema: string; identifier: string }): string {
  return `${relation.schema}.${relation.identifier}`;
}

/** Counts per status, and whether anything failed. */
export function summarizeRun(state: RunState) {
  const counts: Record<string, number> = {};
  let tests = 0;
  for (const node of state.nodes) {
    if (node.kind === 'tests') {
      for (const t of node.tests ?? []) {
        counts[`test_${t.status}`] = (counts[`test_${t.status}`] ?? 0) + 1;
        tests++;
      }
    } else counts[node.status] = (counts[node.status] ?? 0) + 1;
  }
  const failed = state.nodes.some((n) => n.status === 'error' || n.status === 'fail');
  return { counts, tests, failed };
}
