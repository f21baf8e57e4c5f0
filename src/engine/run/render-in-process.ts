/**
 * The {@link RenderPort} that renders in this process: what the CLI and the tests use, and what the RenderPlans
 * function runs for AdvanceRun (functions/render-plans.ts, through {@link answerRenderRequests}).
 */
import type { Dialect } from '../dialects';
import type { Manifest } from '../manifest';
import { renderNodeSql } from '../render/render-node';
import { QuerySession, type StoredQueryResults } from '../render/query-session';
import { planFor } from './plan-node';
import { renderFailureOf, type QueryPass, type RenderAnswer, type RenderPort, type RenderRequest } from './render-port';
import type { RunNode, RunState } from './run-state';
import { renderTests, testStatements } from './tests-node';

/**
 * @example
 * const ctx = { manifest, dialect, warehouse, renderer: inProcessRenderer({ manifest, dialect }) };
 */
export function inProcessRenderer(project: { manifest: Manifest; dialect: Dialect }): RenderPort {
  const { manifest } = project;
  return {
    plan: async (node, state) => planFor(node, state, project),
    testStatements: async (node, state) => testStatements(node, state, manifest),
    queryPass: async (node, state, resolved) => recordingPass(node, state, project, resolved),
    reproduceSql: async (node, state) => renderReproduceSql(node, state, manifest),
  };
}

/** Every template of the node rendered once over `resolved`, recording the calls (run-time-queries.ts). */
function recordingPass(node: RunNode, state: RunState, project: { manifest: Manifest; dialect: Dialect }, resolved: Readonly<StoredQueryResults>): QueryPass {
  const sessions: { scope: string; session: QuerySession }[] = [];
  const sessionFor = (scope: string) => {
    const session = QuerySession.recording(resolved, scope);
    sessions.push({ scope, session });
    return session;
  };
  let failure: unknown;
  try {
    if (node.kind === 'tests') renderTests(node, state, project.manifest, false, sessionFor);
    else planFor(node, state, project, sessionFor);
  } catch (error) {
    failure = error;
  }
  return { sessions: sessions.map(({ scope, session }) => ({ scope, calls: session.calls })), ...(failure !== undefined && { failure }) };
}

/**
 * The SQL a failure alert shows for a failed node (src/runtime/reproduce-sql.ts): a failing test's query, a failed
 * model's SELECT rendered as a full build would; a test or model that cannot be rendered is left out.
 */
export function renderReproduceSql(node: RunNode, run: RunState, manifest: Manifest): Record<string, string> {
  if (node.kind === 'tests') {
    try {
      return Object.fromEntries(renderTests(node, run, manifest).map((t) => [t.id, t.sql]));
    } catch {
      return {};
    }
  }
  const model = manifest.models[node.id];
  if (!model) return {};
  try {
    return { [node.id]: renderNodeSql(manifest, model, { vars: { ...manifest.vars, ...run.vars }, isIncremental: false, invocationId: run.runId, runStartedAt: new Date(run.startedAt) }) };
  } catch {
    return {};
  }
}

/**
 * A batch of requests as RenderPlans answers them: each rendered on its own, a failure (a Jinja error in one model)
 * answered as that request's error, so one broken model fails only its own node. A pass's failure travels as a
 * {@link renderFailureOf} too.
 */
export async function answerRenderRequests(renderer: RenderPort, requests: readonly RenderRequest[]): Promise<RenderAnswer[]> {
  return Promise.all(requests.map(async (request): Promise<RenderAnswer> => {
    try {
      switch (request.kind) {
        case 'plan': return { value: await renderer.plan(request.node, request.state) };
        case 'test-statements': return { value: await renderer.testStatements(request.node, request.state) };
        case 'reproduce-sql': return { value: await renderer.reproduceSql(request.node, request.state) };
        case 'query-pass': {
          const pass = await renderer.queryPass(request.node, request.state, request.resolved);
          return { value: { sessions: pass.sessions, ...(pass.failure !== undefined && { failure: renderFailureOf(pass.failure) }) } };
        }
        default: throw new Error(`unknown render request kind '${(request as { kind: unknown }).kind}'`);
      }
    } catch (error) {
      return { error: renderFailureOf(error) };
    }
  }));
}
