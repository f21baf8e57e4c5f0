/**
 * The SQL a template runs while it renders (`run_query`, `{% call statement %}`), seen from the
 * synchronous render. Nunjucks cannot wait for the warehouse, so a render never runs SQL itself: it reads
 * results the engine stored beforehand (see run/run-time-queries.ts), keyed by where the call happens.
 *
 * A call's key is (scope, occurrence, SQL text): `scope` names the template (the model's SQL, one hook, one
 * test), `occurrence` counts earlier calls with the same text in that render. So the same statement twice
 * in a template is two calls, each run once, and a key means the same thing in every render of the node.
 */
import { createHash } from 'node:crypto';
import { EngineError } from '../errors';
import type { AgateValue } from './agate-table';

/** One call's outcome, stored in the run state while the node runs (plain JSON). */
export interface StoredQueryResult {
  columns: { name: string; type: string }[];
  rows: AgateValue[][];
  /** Rows returned or affected (-1 when the warehouse does not say). */
  rowsAffected: number;
}

/** Stored outcomes of a node's calls, by {@link queryKey}. */
export type StoredQueryResults = Record<string, StoredQueryResult>;

/** A call a render made, in call order. */
export interface RecordedQuery {
  key: string;
  sql: string;
  /** Whether the template asked for rows (`fetch_result=True`, or `run_query`). */
  fetch: boolean;
}

/** A render needed the result of a call the engine has not run. */
export class UnresolvedQueryError extends EngineError {
  constructor(where: string, sql: string) {
    super(
      `${where}: run_query/statement SQL was not run before this render: ${abbreviate(sql)} ` +
        '(landfall runs it when the scheduler starts a model or its tests; not for monthly-partitioned models or backfills)',
    );
    this.name = 'UnresolvedQueryError';
  }
}

/** An empty result: what a recording render sees for a call that has not run yet. */
export const NO_ROWS: StoredQueryResult = Object.freeze({ columns: [], rows: [], rowsAffected: -1 }) as StoredQueryResult;

/**
 * @example
 * queryKey('sql', 1, 'select 1') // a 24-character id, the same in every render of the node
 */
export function queryKey(scope: string, occurrence: number, sql: string): string {
  return createHash('sha256').update(`${scope}\n${occurrence}\n${sql}`).digest('base64url').slice(0, 24);
}

/**
 * The first keyword of some SQL, upper-cased, after comments and opening parentheses.
 *
 * @example
 * leadingKeyword('-- note\n(select 1)') // 'SELECT'
 */
export function leadingKeyword(sql: string): string {
  const body = sql.replace(/^(?:\s+|--[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/|\()*/, '');
  return (/^[A-Za-z]+/.exec(body)?.[0] ?? '').toUpperCase();
}

/** The first 120 characters of some SQL, on one line, for messages. */
export function abbreviate(sql: string): string {
  const line = sql.replace(/\s+/g, ' ').trim();
  return line.length > 120 ? `${line.slice(0, 117)}...` : line;
}

/**
 * The calls of one render of one template. A *recording* session answers a call it has no result for
 * with {@link NO_ROWS} and remembers it; a *replaying* session throws {@link UnresolvedQueryError}.
 *
 * @example
 * const session = QuerySession.recording({}, 'sql');
 * session.run('select 1', true); // NO_ROWS
 * session.calls;                  // [{ key: '…', sql: 'select 1', fetch: true }]
 */
export class QuerySession {
  readonly calls: RecordedQuery[] = [];
  private readonly occurrences = new Map<string, number>();

  private constructor(
    private readonly results: Readonly<StoredQueryResults>,
    private readonly scope: string,
    private readonly replayingFor: string | undefined,
  ) {}

  /** For the engine's resolving renders: unknown calls are recorded and answered with no rows. */
  static recording(results: Readonly<StoredQueryResults>, scope: string): QuerySession {
    return new QuerySession(results, scope, undefined);
  }

  /** For renders whose calls must all have run; `where` (the node's file) names it in errors. */
  static replaying(results: Readonly<StoredQueryResults>, scope: string, where: string): QuerySession {
    return new QuerySession(results, scope, where);
  }

  /** The stored result of this call of `sql` (trimmed), or no rows while recording. */
  run(sql: string, fetch: boolean): StoredQueryResult {
    const text = sql.trim();
    const occurrence = (this.occurrences.get(text) ?? 0) + 1;
    this.occurrences.set(text, occurrence);
    const key = queryKey(this.scope, occurrence, text);
    this.calls.push({ key, sql: text, fetch });
    const stored = this.results[key];
    if (stored) return stored;
    if (this.replayingFor !== undefined) throw new UnresolvedQueryError(this.replayingFor, text);
    return NO_ROWS;
  }
}
