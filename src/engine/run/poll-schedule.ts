/**
 * When to ask the warehouse about a statement in flight. Each DescribeStatement is a Data API call (tens of
 * milliseconds, billed as a Lambda's time and counted against the API's rate), so a scheduler step that polls
 * every statement in flight each time it runs spends most of its calls on statements that cannot have ended yet.
 *
 * Instead each statement gets a due time: when it was submitted plus the time statements building the same took so
 * far in this run (learned from the `Duration` the Data API reports for the ones that ended, which counts from STARTED:
 * queueing is not included, see bench/RESULTS-issue-16.md; a prior until then). "The same" is the node's
 * materialization and step ({@link estimateKey}), not its kind: a view is a commit (~1 s) and a table runs its
 * query (tens of seconds), so one estimate for all models would poll a view at the tables' time and its
 * statement slot would count as busy for ten times what the warehouse spends on it (bench/RESULTS-freshness-lag.md).
 * A statement polled before it ended is due again soon while it is near its expected end ({@link MIN_REPOLL_MS},
 * until 1.5 × the expected time), then after half the time it has been running (at most {@link MAX_REPOLL_MS}):
 * a statement on time costs one poll, a long one a handful (~13 for a minute), not one per step. The caller (Step Functions' Wait, or the AdvanceRun task's short linger) sleeps until the earliest due time.
 */
import type { RunNode, RunState } from './run-state';

/**
 * What a statement is assumed to take before any building the same ended in this run, by what it builds (a
 * model's materialization) or else its node kind: about a Redshift commit (~1 s). A table runs the model's query
 * and takes longer, but its prior stays at 1 s: within the AdvanceRun task's linger (runtime/transform-run.ts) a
 * first statement is long-polled from the same invocation, and a longer prior made each run pay Wait round trips
 * before anything was learned (the local transform-run test: 1.5 s → 102 state transitions, 3 s → 927, 1 s → under 40).
 * What tables take is learned from the first that ends, apart from views.
 */
export const PRIOR_STATEMENT_MS: Readonly<Record<string, number>> = {
  view: 1000, table: 1000, incremental: 1000, snapshot: 1000, seed: 1000,
  model: 1000, load: 2000, operation: 500, tests: 400,
};
export const MIN_REPOLL_MS = 150;
export const MAX_REPOLL_MS = 30_000;
/** Weight of the newest observation in the running estimate (an exponential moving average). */
const LEARNING_RATE = 0.3;

/** What a node's statements build: its materialization for a model or seed (when the run state knows it), else its kind. */
function buildsOf(node: RunNode): string {
  return node.builds ?? node.kind;
}

/**
 * Which learned estimate a node's current statement uses: what it builds, and its step after the first (an
 * incremental model's merge, a post-hook step or a load's later step takes its own time, not its first step's).
 */
export function estimateKey(node: RunNode): string {
  const step = node.step ?? 0;
  return step > 0 ? `${buildsOf(node)}#${step}` : buildsOf(node);
}

/**
 * What `node`'s current statement takes: for its first statement, what that took the last time the node was built
 * (`priorMs`, from the run history: a model's own time beats the average of its materialization, and an arrival's
 * run is too short to learn much, bench/RESULTS-freshness-lag.md); else learned in this run from statements building
 * the same; else {@link PRIOR_STATEMENT_MS}.
 */
export function expectedStatementMs(state: RunState, node: RunNode): number {
  if (node.priorMs !== undefined && (node.step ?? 0) === 0) return node.priorMs;
  return state.expectedMs?.[estimateKey(node)] ?? PRIOR_STATEMENT_MS[buildsOf(node)] ?? PRIOR_STATEMENT_MS[node.kind] ?? 1000;
}

/** A statement was just submitted for `node`: its first poll is due when statements building the same usually end. */
export function scheduleFirstPoll(state: RunState, node: RunNode, nowMs: number): void {
  node.submittedAt = nowMs;
  node.pollAt = nowMs + expectedStatementMs(state, node);
}

/** The statement was polled and still runs: poll again shortly while it is near its expected end, then back off. */
export function scheduleRepoll(state: RunState, node: RunNode, nowMs: number): void {
  const running = nowMs - (node.submittedAt ?? nowMs);
  const expected = expectedStatementMs(state, node);
  // Statements of milliseconds (a local warehouse) are polled again within a quarter of their time, not 150 ms.
  const soon = Math.max(1, Math.min(MIN_REPOLL_MS, expected / 4));
  node.pollAt = nowMs + (running < 1.5 * expected ? soon : Math.min(MAX_REPOLL_MS, Math.max(soon, running / 2)));
}

/**
 * `node`'s current statement ended after `durationMs` of work: fold it into the estimate for what it builds, and for
 * a model's or seed's first statement keep it as the node's own (`priorMs`, which the run history carries to the
 * next run that builds it).
 */
export function learnDuration(state: RunState, node: RunNode, durationMs: number): void {
  if (!Number.isFinite(durationMs) || durationMs <= 0) return;
  if ((node.kind === 'model' || node.kind === 'seed') && (node.step ?? 0) === 0) node.priorMs = Math.round(durationMs);
  const key = estimateKey(node);
  const previous = state.expectedMs?.[key];
  const next = previous === undefined ? durationMs : previous + LEARNING_RATE * (durationMs - previous);
  state.expectedMs = { ...state.expectedMs, [key]: Math.round(next) };
}

/** Whether a running node's statement is due for a poll (a node without a due time always is). */
export function isDue(node: RunNode, nowMs: number): boolean {
  return node.pollAt === undefined || node.pollAt <= nowMs;
}

/** Milliseconds until the earliest statement in flight is due (0 when one is due now; undefined when none runs). */
export function msUntilNextPoll(state: RunState, nowMs: number): number | undefined {
  let earliest: number | undefined;
  for (const node of state.nodes) {
    if (node.status !== 'running' || !node.statementId) continue;
    const due = node.pollAt ?? nowMs;
    if (earliest === undefined || due < earliest) earliest = due;
  }
  return earliest === undefined ? undefined : Math.max(0, earliest - nowMs);
}

/** Forget a node's polling times (its statement ended, or it starts over). */
export function clearPoll(node: RunNode): void {
  delete node.submittedAt;
  delete node.pollAt;
}

/** Statements in flight due within `withinMs` of `nowMs` (each once): the ones a caller sleeping that long waits for. */
export function statementsDueWithin(state: RunState, nowMs: number, withinMs: number): string[] {
  const ids = new Set<string>();
  for (const node of state.nodes) {
    if (node.status === 'running' && node.statementId && (node.pollAt ?? nowMs) <= nowMs + withinMs) ids.add(node.statementId);
  }
  return [...ids];
}

/** These statements were seen to end (a long poll answered): their nodes are due now, whatever their due time said. */
export function dueNow(state: RunState, statementIds: readonly string[], nowMs: number): RunState {
  if (statementIds.length === 0) return state;
  const ids = new Set(statementIds);
  return { ...state, nodes: state.nodes.map((n) => (n.status === 'running' && n.statementId && ids.has(n.statementId) && (n.pollAt ?? 0) > nowMs ? { ...n, pollAt: nowMs } : n)) };
}
