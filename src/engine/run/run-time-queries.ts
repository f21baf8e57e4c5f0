/**
 * Run-time queries: the SQL a template runs while it renders (`run_query`, `{% call statement %}`),
 * executed before the node is submitted, because a nunjucks render cannot wait for the warehouse.
 *
 * The node is rendered in passes. Each pass records its calls in order ({@link QuerySession}); a call
 * with no stored result sees an empty table. After the pass, the engine runs:
 *   1. the first call without a result: everything before it saw real results, so it is exactly the
 *      SQL dbt would run at that point; a failure here is the node's failure;
 *   2. then, speculatively, the following calls without a result while they are read-only (SELECT,
 *      WITH, SHOW, VALUES, EXPLAIN; judged by the first keyword, so a PostgreSQL data-modifying CTE
 *      would pass): their text may come from an empty table, so a failure is ignored and the call is
 *      retried when it becomes first;
 *   3. never a later statement with side effects (insert, create, grant…): it waits until it is first.
 * It renders again until a pass makes no new call. So each statement runs once, in template order,
 * seeing the effects of the statements before it; a key is (template, occurrence of the same SQL text,
 * text), so a statement written twice runs twice. Results are stored on the run node (plain JSON in
 * the run state) and read back by every later render of the node; they are dropped when the node
 * succeeds.
 *
 * A model's post-hooks run after its build in dbt, and so do their queries: when the node starts, their calls
 * are deferred (`deferScope`); if they make any, the post-hooks become a step of their own after the build
 * (run/plan-node.ts), and their queries are resolved just before that step (run/advance-run.ts).
 */
import { createHash } from 'node:crypto';
import { EngineError } from '../errors';
import type { Manifest } from '../manifest';
import {
  abbreviate, leadingKeyword, QuerySession, type RecordedQuery, type StoredQueryResult, type StoredQueryResults,
} from '../render/query-session';
import { waitForStatement } from '../warehouse/run-query';
import type { QueryPass } from './render-port';
import type { Warehouse } from '../warehouse/warehouse';

/** Renders of one node before landfall gives up (each pass runs at least one new statement). */
export const MAX_RENDER_PASSES = 20;

/** The largest JSON size of one node's stored results: they travel in the Step Functions payload (≤ 256 KB). */
export const MAX_STORED_RESULT_BYTES = 32 * 1024;

/** A run-time query failed, or the node's queries cannot be resolved. Deterministic: the node's error. */
export class RunTimeQueryError extends EngineError {
  constructor(message: string) {
    super(message);
    this.name = 'RunTimeQueryError';
  }
}

/** Renders every template of a node once, each with the session `sessionFor(scope)` gives. */
export type RenderAllTemplates = (sessionFor: (scope: string) => QuerySession) => unknown;

export interface RunTimeQueryTarget {
  warehouse: Warehouse;
  runId: string;
  nodeId: string;
  nodeName: string;
  /** The node's file, for messages. */
  file: string;
}

const READ_ONLY_KEYWORDS: ReadonlySet<string> = new Set(['SELECT', 'WITH', 'SHOW', 'VALUES', 'EXPLAIN', 'TABLE']);

/**
 * Whether SQL only reads: one statement starting with a read-only keyword.
 *
 * @example
 * isReadOnlySql('select 1')                // true
 * isReadOnlySql('select 1; drop table x')  // false
 */
export function isReadOnlySql(sql: string): boolean {
  const body = sql.trim().replace(/;\s*$/, '');
  return READ_ONLY_KEYWORDS.has(leadingKeyword(body)) && !body.includes(';');
}

/**
 * Calls that may reach the warehouse while rendering: `run_query`/`statement`, and the `adapter` methods that
 * ask the catalog or run a statement (render/adapter-surface.ts), which go through the same passes.
 */
const MENTIONS_QUERIES = new RegExp(
  `\\b(?:run_query|statement|load_result|load_relation|${[
    'get_columns_in_relation', 'get_relation', 'get_missing_columns', 'expand_target_column_types', 'drop_relation',
    'truncate_relation', 'rename_relation', 'create_schema', 'drop_schema', 'check_schema_exists',
    'list_relations_without_caching', 'list_schemas', 'already_exists', 'execute',
  ].join('|')})\\s*\\(`,
);
const macrosMention = new WeakMap<Manifest, boolean>();

/**
 * Whether rendering these templates may make run-time queries: they, the project's macros or an
 * ephemeral model mention `run_query(`, `statement(`, `load_result(` or an adapter method that reaches the
 * warehouse (`adapter.get_columns_in_relation(`, …). Other nodes skip the passes.
 *
 * @example
 * mayRunQueries(manifest, [model.rawSql, ...hooks]) // false for most models
 */
export function mayRunQueries(manifest: Manifest, templates: readonly string[]): boolean {
  let shared = macrosMention.get(manifest);
  if (shared === undefined) {
    const ephemeral = Object.values(manifest.models).filter((m) => m.config.materialized === 'ephemeral').map((m) => m.rawSql);
    shared = [manifest.macroSource, ...ephemeral].some((text) => MENTIONS_QUERIES.test(text));
    macrosMention.set(manifest, shared);
  }
  return shared || templates.some((text) => MENTIONS_QUERIES.test(text));
}

/**
 * Render a node in passes, running its `run_query`/`statement` SQL through the warehouse, until every
 * call has a result (see the module comment for the order and the once-only rule). Returns the stored
 * results to keep on the run node: `results` plus what ran.
 *
 * @throws RunTimeQueryError when a query fails, when more than {@link MAX_RENDER_PASSES} passes are
 *   needed (a template whose SQL changes at every render), or when the results are too large to store.
 * @example
 * node.queryResults = await resolveRunTimeQueries((sessionFor) => planFor(node, state, ctx, sessionFor), node.queryResults ?? {}, target);
 */
export async function resolveRunTimeQueries(
  renderAll: RenderAllTemplates,
  results: Readonly<StoredQueryResults>,
  target: RunTimeQueryTarget,
  options: ResolveOptions = {},
): Promise<StoredQueryResults> {
  return resolveRunTimeQueriesByPasses(async (resolved) => recordingPassOf(renderAll, resolved), results, target, options);
}

/** One recording render of every template, synchronously, over `resolved`. */
function recordingPassOf(renderAll: RenderAllTemplates, resolved: Readonly<StoredQueryResults>): QueryPass {
  const sessions: { scope: string; session: QuerySession }[] = [];
  let failure: unknown;
  try {
    renderAll((scope) => {
      const session = QuerySession.recording(resolved, scope);
      sessions.push({ scope, session });
      return session;
    });
  } catch (error) {
    failure = error;
  }
  return { sessions: sessions.map(({ scope, session }) => ({ scope, calls: session.calls })), ...(failure !== undefined && { failure }) };
}

/** One recording render of a node over the results so far: in process, or by the RenderPlans function (render-port.ts). */
export type RecordingPass = (resolved: Readonly<StoredQueryResults>) => Promise<QueryPass>;

/** {@link resolveRunTimeQueries} with each pass asked of `pass` (a {@link RenderPort}'s `queryPass`). */
export async function resolveRunTimeQueriesByPasses(
  pass: RecordingPass,
  results: Readonly<StoredQueryResults>,
  target: RunTimeQueryTarget,
  options: ResolveOptions = {},
): Promise<StoredQueryResults> {
  const resolved: StoredQueryResults = { ...results };
  const deferred = options.deferScope ?? (() => false);
  for (let round = 1; round <= MAX_RENDER_PASSES; round++) {
    // A render failure may come from an empty placeholder table: only an error once every call has its result.
    const { sessions, failure: renderFailure } = await pass(resolved);
    const unresolved = (list: typeof sessions) => list.flatMap((s) => s.calls).filter((call) => !(call.key in resolved));
    const pending = unresolved(sessions.filter((s) => !deferred(s.scope)));
    if (pending.length === 0) {
      if (renderFailure !== undefined) throw renderFailure;
      options.onDeferred?.(unresolved(sessions.filter((s) => deferred(s.scope))).length);
      return withinStorageLimit(resolved, target);
    }
    const [first, ...rest] = pending;
    resolved[first!.key] = await execute(first!, target, false) as StoredQueryResult;
    for (const call of rest) {
      if (!isReadOnlySql(call.sql)) break;
      if (call.key in resolved) continue;
      const result = await execute(call, target, true);
      if (result) resolved[call.key] = result;
    }
  }
  throw new RunTimeQueryError(
    `${target.file}: rendering ${target.nodeName} still needed new run_query/statement results after ${MAX_RENDER_PASSES} passes ` +
      '(does the SQL it runs change at every render, e.g. with the current time?)',
  );
}

export interface ResolveOptions {
  /**
   * Templates whose calls wait (a model's post-hooks, whose queries dbt runs after the build): recorded, seeing
   * empty tables, never run here.
   */
  deferScope?: (scope: string) => boolean;
  /** Told, once the others are resolved, how many calls of the deferred templates still wait. */
  onDeferred?: (waiting: number) => void;
}

/** Run one call and wait for it; a speculative call that fails gives undefined instead of an error. */
async function execute(call: RecordedQuery, target: RunTimeQueryTarget, speculative: boolean): Promise<StoredQueryResult | undefined> {
  const { warehouse } = target;
  const id = await warehouse.submit(call.sql, {
    name: `landfall/${target.runId}/${target.nodeName}/run_query`.slice(0, 500),
    clientToken: createHash('sha256').update(`${target.runId}\n${target.nodeId}\n${call.key}`).digest('hex').slice(0, 64),
  });
  const description = await waitForStatement(warehouse, id, { pollMs: 500 });
  if (description.status !== 'FINISHED') {
    if (speculative) return undefined;
    throw new RunTimeQueryError(
      `${target.file}: run_query/statement failed: ${description.error ?? `statement ${description.status.toLowerCase()}`} (SQL: ${abbreviate(call.sql)})`,
    );
  }
  const resultId = description.subStatements?.length ? description.subStatements[description.subStatements.length - 1]! : description;
  const rows = call.fetch && resultId.hasResultSet ? await warehouse.fetchRows(resultId.id) : { columns: [], rows: [] };
  return {
    columns: rows.columns.map((c) => ({ name: c.name, type: c.typeName })),
    rows: rows.rows,
    rowsAffected: description.resultRows,
  };
}

function withinStorageLimit(results: StoredQueryResults, target: RunTimeQueryTarget): StoredQueryResults {
  const bytes = Buffer.byteLength(JSON.stringify(results));
  if (bytes > MAX_STORED_RESULT_BYTES) {
    throw new RunTimeQueryError(
      `${target.file}: the run_query/statement results of ${target.nodeName} take ${Math.ceil(bytes / 1024)} KB; landfall keeps them in the run state, ` +
        `which travels between Step Functions states, and allows ${MAX_STORED_RESULT_BYTES / 1024} KB per node: fetch fewer rows or columns`,
    );
  }
  return results;
}
