/**
 * Rendering as a port of the scheduler: every template a run step needs (a node's plan, a tests node's statements,
 * one recording pass of the run-time queries, the SQL an alert reproduces) is asked of a {@link RenderPort}, so the
 * scheduler (advance-run.ts and what it imports) holds no template engine. Two adapters:
 *   - in process (render-in-process.ts): the CLI, tests, and the RenderPlans function itself;
 *   - a Lambda function (src/runtime/lambda-renderer.ts): AdvanceRun invokes RenderPlans, so AdvanceRun's bundle
 *     carries neither nunjucks nor the materializations (bench/RESULTS-lambda-bundles.md).
 * A request carries the node and the slice of the run state a render reads ({@link renderInputOf}), never the
 * whole state (nor what only the scheduler reads of the node); an answer is plain JSON. A render error travels as {@link RenderFailure} and is thrown again as
 * the same kind of error (an EngineError stays an EngineError, with its name and message), so a node whose
 * template is broken fails the same way whichever adapter rendered it.
 */
import { EngineError } from '../errors';
import type { Manifest } from '../manifest';
import type { MaterializationPlan } from '../materializations/plan';
import type { RecordedQuery, StoredQueryResults } from '../render/query-session';
import { relationKey, type RunNode, type RunState } from './run-state';

/** The calls one recording render of a node made, per template scope, and its failure if it threw. */
export interface QueryPass {
  sessions: { scope: string; calls: RecordedQuery[] }[];
  failure?: unknown;
}

export interface RenderPort {
  /** The node's materialization plan, reading the results stored on the node (plan-node.ts `planFor`). */
  plan(node: RunNode, state: RunState): Promise<MaterializationPlan>;
  /** A tests node's statements (tests-node.ts `testStatements`). */
  testStatements(node: RunNode, state: RunState): Promise<string[]>;
  /** One recording render of every template of the node over `resolved` (run-time-queries.ts). */
  queryPass(node: RunNode, state: RunState, resolved: Readonly<StoredQueryResults>): Promise<QueryPass>;
  /** The SQL a failure alert shows for a failed node, by model or test id (src/runtime/reproduce-sql.ts). */
  reproduceSql(node: RunNode, state: RunState): Promise<Record<string, string>>;
  /**
   * Optional, for a renderer that batches (lambda-renderer.ts): render these now, in the batch of what the step asks
   * next, and keep each answer for the very same ask later (prefetch-renders.ts guesses them). Never throws; an
   * answer never asked for is dropped.
   */
  prefetch?(asks: readonly RenderAsk[]): void;
}

/** A render a step will likely ask: a node's plan or a tests node's statements, the node as the ask will pass it. */
export interface RenderAsk {
  kind: 'plan' | 'test-statements';
  node: RunNode;
  state: RunState;
}

/** One render asked of a renderer, as JSON: what to render, the node, and the state slice it reads. */
export type RenderRequest =
  | { kind: 'plan'; node: RunNode; state: RunState }
  | { kind: 'test-statements'; node: RunNode; state: RunState }
  | { kind: 'query-pass'; node: RunNode; state: RunState; resolved: StoredQueryResults }
  | { kind: 'reproduce-sql'; node: RunNode; state: RunState };

export interface RenderFailure {
  name: string;
  message: string;
  /** An EngineError (something in the project a person must fix): the node's failure, not the run's. */
  engine: boolean;
}

export type RenderAnswer = { value: unknown } | { error: RenderFailure };

/** The batch a RenderPlans invocation takes, and what it answers (one answer per request, in order). */
export interface RenderPlansEvent {
  requests: RenderRequest[];
}
export interface RenderPlansResult {
  answers: RenderAnswer[];
}

/** What of a thrown error travels back. */
export function renderFailureOf(error: unknown): RenderFailure {
  if (error instanceof Error) return { name: error.name, message: error.message, engine: error instanceof EngineError };
  return { name: 'Error', message: String(error), engine: false };
}

/** The error a {@link RenderFailure} stands for: an EngineError (same name and message) or a plain Error. */
export function errorOfRenderFailure(failure: RenderFailure): Error {
  const error = failure.engine ? new EngineError(failure.message) : new Error(failure.message);
  error.name = failure.name;
  return error;
}

/**
 * The part of the run state rendering `node` reads: the run's identity, flags and vars; the catalog snapshot and
 * staging leftovers of the node's own relation; the partitions (tests of a partitioned model scope their refs by
 * it); the node itself (a partitioned plan reads its fetched columns). An on-run-end hook also sees every node's
 * outcome (dbt's `results`), so it gets every node without its run-time query results.
 *
 * @example
 * renderInputOf(node, state, manifest).nodes // [node]
 */
export function renderInputOf(node: RunNode, state: RunState, manifest: Manifest): RunState {
  const built = manifest.models[node.id] ?? manifest.seeds[node.id];
  const key = built ? relationKey(built.relation) : undefined;
  const existing = key && state.existing[key] ? { [key]: state.existing[key]! } : {};
  const leftovers = key && state.stagingLeftovers?.[key] ? { stagingLeftovers: { [key]: state.stagingLeftovers[key]! } } : {};
  const nodes = node.hook?.type === 'on-run-end'
    ? state.nodes.map((n) => (n.id === node.id ? node : outcomeOf(n)))
    : [renderedNode(node)];
  return {
    runId: state.runId, command: state.command, startedAt: state.startedAt, fullRefresh: state.fullRefresh,
    ...(state.empty !== undefined && { empty: state.empty }),
    vars: state.vars, concurrency: state.concurrency, nodes, existing, ...leftovers,
    ...(state.partitions && { partitions: state.partitions }),
    iterations: 0, waitSeconds: 0, done: false,
  };
}

/**
 * The node as a render request carries it: without what only the scheduler reads (when it started, its statement, its
 * poll times), which no template reads, so a render asked before a node starts (prefetch-renders.ts) is the one asked
 * when it does. A project hook is carried whole (an on-run-end hook's `results` read the timings).
 */
export function renderedNode(node: RunNode): RunNode {
  if (node.hook) return node;
  const { startedAt: _started, statementId: _statement, submittedAt: _submitted, pollAt: _poll, priorMs: _prior, ...rendered } = node;
  return rendered;
}

/** A node as dbt's `results` of an on-run-end hook reads it (project-hooks.ts `onRunEndContext`). */
function outcomeOf(node: RunNode): RunNode {
  const { id, kind, name, dependsOn, status, startedAt, finishedAt, error, tests, hook, rows } = node;
  return { id, kind, name, dependsOn, status, startedAt, finishedAt, error, tests, hook, rows };
}
