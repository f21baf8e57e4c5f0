/**
 * The local Data API's latency mode: off by default (unit tests answer in microseconds), on in benchmarks and in the
 * latency integration test, so the cost of each call, each commit and each queued statement shows as it would on
 * Redshift Serverless.
 *
 * What AWS documents, and what is assumed (bench/README.md lists the same figures):
 * - `ActiveStatementsExceededException` ("The number of active statements exceeds the limit") is what
 *   ExecuteStatement/BatchExecuteStatement answer past the limit (client error, HTTP 400):
 *   https://docs.aws.amazon.com/redshift-data/latest/APIReference/API_ExecuteStatement.html and
 *   https://docs.aws.amazon.com/botocore/latest/reference/services/redshift-data/client/exceptions/ActiveStatementsExceededException.html.
 *   The limit itself (500 active statements per cluster or workgroup) is an ASSUMPTION recalled from the Data API
 *   quotas in https://docs.aws.amazon.com/redshift/latest/mgmt/amazon-redshift-limits.html, not re-read here.
 * - Every Data API operation is an HTTPS call to a regional endpoint (AWS JSON 1.1): 30 ms per call is an ASSUMPTION
 *   (a signed request from Lambda in the same region, TLS connection reused).
 * - A commit on Redshift takes about a second (issue 16; Redshift commits go through a cluster-wide commit queue,
 *   visible in STL_COMMIT_STATS): 1,000 ms per writing statement is an ASSUMPTION. A statement that only reads
 *   does not commit. A BatchExecuteStatement is one transaction, so one commit.
 * - Statements a workgroup runs at once before queueing: 16 is an ASSUMPTION for a small Serverless workgroup; past
 *   it, statements stay SUBMITTED until one ends.
 * - `minStatementMs`: the least time a statement takes on Redshift (planning, compilation, leader-node round trips):
 *   200 ms is an ASSUMPTION; the local engine's own time counts toward it.
 */

export interface DataApiLatency {
  /** Added before every Data API operation answers. */
  callMs: number;
  /** Added to every writing statement (once per batch: it is one transaction). */
  commitMs: number;
  /** The least time a statement takes, from STARTED to its end (the local engine's time counts toward it). */
  minStatementMs: number;
  /** Statements running (PICKED/STARTED) at once; more wait SUBMITTED. */
  admittedConcurrency: number;
  /** Active statements (SUBMITTED, PICKED, STARTED) allowed; one more is refused with ActiveStatementsExceededException. */
  maxActiveStatements: number;
  /**
   * Load simulation only (bench/freshness-lag.ts), 0 (off) by default: a statement whose SQL carries the comment
   * `/* landfall-sim-ms: N *\/` (the simulator's model files do) takes at least N × this factor ms — the modelled
   * warehouse time of that model's build, scaled by the simulation's time acceleration. Redshift ignores the comment.
   */
  markedStatementScale: number;
}

/** The assumed Redshift Serverless figures (see above). */
export const REDSHIFT_SERVERLESS_LATENCY: Readonly<DataApiLatency> = Object.freeze({
  callMs: 30,
  commitMs: 1000,
  minStatementMs: 200,
  admittedConcurrency: 16,
  maxActiveStatements: 500,
  markedStatementScale: 0,
});

const MARKED_STATEMENT_MS = /\/\* landfall-sim-ms: (\d+) \*\//;

/** The modelled least time of a statement from its SQL's `landfall-sim-ms` marker (see `markedStatementScale`), else 0. */
export function markedStatementMs(sqls: readonly string[], scale: number): number {
  if (scale <= 0) return 0;
  let most = 0;
  for (const sql of sqls) {
    const marked = MARKED_STATEMENT_MS.exec(sql);
    if (marked) most = Math.max(most, Number(marked[1]) * scale);
  }
  return most;
}

export const LATENCY_ENV = 'LANDFALL_DATA_API_LATENCY';

/**
 * The latency mode from `LANDFALL_DATA_API_LATENCY`: unset, empty or `off` → off; `redshift` → the figures above;
 * a JSON object → the figures above with these members replaced, e.g. `{"commitMs":250}`.
 * @throws Error naming the variable and the member when the value is not one of those.
 */
export function latencyFromEnvironment(value = process.env[LATENCY_ENV]): DataApiLatency | undefined {
  const text = (value ?? '').trim();
  if (text === '' || text === 'off') return undefined;
  if (text === 'redshift') return { ...REDSHIFT_SERVERLESS_LATENCY };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`${LATENCY_ENV} must be 'off', 'redshift' or a JSON object of figures, got: ${text.slice(0, 80)}`);
  }
  return checkedLatency(parsed, LATENCY_ENV);
}

/** The Redshift figures with `overrides` applied, each checked. */
export function checkedLatency(overrides: unknown, where = 'latency'): DataApiLatency {
  if (typeof overrides !== 'object' || overrides === null || Array.isArray(overrides)) throw new Error(`${where} must be a JSON object, e.g. {"commitMs":250}`);
  const latency: DataApiLatency = { ...REDSHIFT_SERVERLESS_LATENCY };
  for (const [key, value] of Object.entries(overrides)) {
    if (!(key in latency)) throw new Error(`${where}: unknown member '${key}' (known: ${Object.keys(latency).join(', ')})`);
    const atLeast = key === 'admittedConcurrency' || key === 'maxActiveStatements' ? 1 : 0;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < atLeast) throw new Error(`${where}.${key} must be a number ≥ ${atLeast}, got ${JSON.stringify(value)}`);
    latency[key as keyof DataApiLatency] = value;
  }
  return latency;
}

/** Whether a statement writes (and so commits): anything but a plain read. */
export function statementCommits(sql: string): boolean {
  return !/^\s*(select|show|explain|describe)\b/i.test(stripLeadingComments(sql)) && !/^\s*with\b[\s\S]*\)\s*select\b[^;]*$/i.test(stripLeadingComments(sql));
}

function stripLeadingComments(sql: string): string {
  return sql.replace(/^(\s*(--[^\n]*\n|\/\*[\s\S]*?\*\/))*/, '');
}

/** Counts of what the local Data API did: what a Redshift bill and a Step Functions run would see. */
export interface DataApiCounters {
  /** Data API operations answered, by name (HTTP front end). */
  calls: Record<string, number>;
  /** Statements accepted (a batch counts once). */
  statements: number;
  /** Transactions committed: writing single statements plus finished batches. */
  commits: number;
  /** Submissions refused with ActiveStatementsExceededException. */
  activeStatementsExceeded: number;
  /** Σ of statement times, STARTED to end (the modelled statement and commit time included when latency is on). */
  statementMs: number;
  /** The most statements active at once (SUBMITTED, PICKED or STARTED: accepted and not ended), over every run. */
  maxActiveStatements: number;
}

export function newCounters(): DataApiCounters {
  return { calls: {}, statements: 0, commits: 0, activeStatementsExceeded: 0, statementMs: 0, maxActiveStatements: 0 };
}

export const sleep = (ms: number) => (ms > 0 ? new Promise<void>((resolve) => setTimeout(resolve, ms)) : Promise.resolve());
