/**
 * The docs site's data model: what `landfall docs generate` writes beside the static shell and what the browser
 * app reads. Split so a 10,000-model project opens fast: the overview is inlined in index.html, `data/index.json`
 * is a compact columnar index (search, lists, lineage edges), node details live in shards of SHARD_SIZE nodes
 * fetched on demand, and the run files (`data/runs/…`, `data/test-history.json`) are the only files a run rewrites
 * (in AWS the run's final task writes them; see publish/).
 *
 * Pure types and small helpers: no Node or browser API, imported by both sides.
 */

export const SITE_DATA_VERSION = 1;
/** Nodes per detail shard: ~200 nodes is ~100 KB of JSON, one request per page visit. */
export const SHARD_SIZE = 200;
/** Runs kept in the run index and in each test's history. */
export const MAX_RUNS = 100;

export const NODE_TYPES = ['model', 'source', 'seed', 'snapshot', 'test', 'macro', 'exposure', 'metric', 'semantic_model', 'saved_query', 'analysis'] as const;
export type SiteNodeType = (typeof NODE_TYPES)[number];

/** The file layout under the site folder (and under the S3 prefix in AWS). */
export const sitePaths = {
  index: 'data/index.json',
  shard: (n: number) => `data/nodes/${n}.json`,
  runIndex: 'data/runs/index.json',
  run: (id: string) => `data/runs/${encodeURIComponent(id)}.json`,
  testHistory: 'data/test-history.json',
};

/** Shown before anything is fetched (inlined in index.html). */
export interface SiteOverview {
  version: typeof SITE_DATA_VERSION;
  project: string;
  generatedAt: string;
  counts: Partial<Record<SiteNodeType, number>>;
  /** Folders with their model counts, largest first (at most 50). */
  folders: { folder: string; models: number }[];
  /** The nodes with the most direct children (most referenced), at most 10. */
  mostReferenced: { id: string; name: string; children: number }[];
  freshness: SourceFreshness[];
  partitions: PartitionSummary[];
}

/** Columnar node index: entry i of every array is node i. `parents[i]` are indexes of its parents. */
export interface SiteIndex {
  version: typeof SITE_DATA_VERSION;
  ids: string[];
  types: number[];
  names: string[];
  /** Index into `folders`. */
  folder: number[];
  folders: string[];
  /** Description, cut to 240 characters (the full one is in the node's shard). */
  descriptions: string[];
  /** Column names, space separated (search). */
  columns: string[];
  /** Indexes into `tags`. */
  nodeTags: number[][];
  tags: string[];
  parents: number[][];
  /** Materialization (models), '' otherwise. */
  materialized: string[];
}

export interface SiteColumn {
  name: string;
  description: string;
  /** The warehouse's type from the catalog, when the relation exists. */
  type?: string;
  /** Indexes of the tests on this column. */
  tests: number[];
}

/** One node's page (in shard `Math.floor(index / SHARD_SIZE)`). */
export interface NodeDetail {
  id: string;
  description: string;
  file?: string;
  relation?: string;
  config: Record<string, unknown>;
  rawSql?: string;
  compiledSql?: string;
  columns: SiteColumn[];
  /** Indexes of the tests attached to this node. */
  tests: number[];
  /** Tests: the node the test is about, its severity and generic test name. */
  test?: { attachedTo?: number; severity: string; testName?: string; column?: string };
  /** The catalog's facts about the relation (rows, size, type). */
  stats?: Record<string, string | number>;
  freshness?: SourceFreshness;
  partitions?: PartitionSummary;
}

export interface SourceFreshness {
  id: string;
  name: string;
  loadedAtField?: string;
  warnAfter?: string;
  errorAfter?: string;
  /** From the last `source freshness` when there is one. */
  maxLoadedAt?: string;
  status?: 'pass' | 'warn' | 'error' | 'runtime error';
  checkedAt?: string;
}

export interface PartitionSummary {
  id: string;
  name: string;
  months: { month: string; rows?: number }[];
  lastPublish?: string;
}

export type RunTriggerKind = 'arrival' | 'schedule' | 'console' | 'cli';
export type RunNodeKind = 'model' | 'seed' | 'snapshot' | 'test' | 'load' | 'operation';
export type RunNodeStatus = 'success' | 'error' | 'skipped' | 'pass' | 'fail' | 'warn' | 'running' | 'pending';

/** One run: its page on the site (`data/runs/<id>.json`). */
export interface RunRecord {
  id: string;
  command: string;
  status: 'success' | 'failed' | 'running';
  startedAt: string;
  finishedAt?: string;
  trigger: { kind: RunTriggerKind; summary: string };
  /** The execution in the Step Functions console (AWS runs). */
  consoleUrl?: string;
  nodes: RunNodeResult[];
  /** Failing models and tests with the SQL to reproduce them and, for tests, sample failing rows. */
  failures: RunFailure[];
  /** Runs that covered arrivals: loader landed → model published, per source and per model (src/freshness-lag/). */
  freshnessLag?: RunFreshnessLag;
}

/** Count, p50, p95 and max in milliseconds (nearest rank). */
export interface LagFigures { count: number; p50Ms: number; p95Ms: number; maxMs: number }

export interface RunFreshnessLag {
  overall: LagFigures | null;
  queued: LagFigures | null;
  bySource: Record<string, LagFigures>;
  byModel: Record<string, LagFigures>;
}

export interface RunNodeResult {
  id: string;
  name: string;
  kind: RunNodeKind;
  status: RunNodeStatus;
  startedAt?: string;
  finishedAt?: string;
  message?: string;
  failures?: number;
  rows?: number;
}

export interface RunFailure {
  nodeId: string;
  name: string;
  error?: string;
  failures?: number;
  sql?: string;
  sample?: { columns: string[]; rows: (string | number | boolean | null)[][] };
}

export interface RunSummary {
  id: string;
  command: string;
  status: RunRecord['status'];
  startedAt: string;
  finishedAt?: string;
  trigger: RunRecord['trigger'];
  counts: Record<string, number>;
}

/** Per test, one letter per run of `runs` (oldest first): p pass, w warn, f fail, e error, s skipped, - not run. */
export interface TestHistory {
  runs: string[];
  tests: Record<string, string>;
}

const STATUS_LETTERS: Record<string, string> = { pass: 'p', warn: 'w', fail: 'f', error: 'e', skipped: 's' };

export function summarizeRunRecord(run: RunRecord): RunSummary {
  const counts: Record<string, number> = {};
  for (const n of run.nodes) {
    const key = `${n.kind === 'test' ? 'test' : 'node'}_${n.status}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return { id: run.id, command: run.command, status: run.status, startedAt: run.startedAt, finishedAt: run.finishedAt, trigger: run.trigger, counts };
}

/** The run index with `run` added (replacing a run of the same id), newest first, at most MAX_RUNS. */
export function withRun(index: RunSummary[], run: RunRecord): RunSummary[] {
  const rest = index.filter((r) => r.id !== run.id);
  return [summarizeRunRecord(run), ...rest].sort((a, b) => b.startedAt.localeCompare(a.startedAt)).slice(0, MAX_RUNS);
}

/** The test history with `run`'s test outcomes appended (or replaced, for a run already in it). */
export function withTestOutcomes(history: TestHistory, run: RunRecord): TestHistory {
  const runs = [...history.runs];
  let column = runs.indexOf(run.id);
  const tests: Record<string, string> = { ...history.tests };
  if (column < 0) {
    runs.push(run.id);
    column = runs.length - 1;
  }
  const outcome = new Map(run.nodes.filter((n) => n.kind === 'test').map((n) => [n.id, STATUS_LETTERS[n.status] ?? '-']));
  for (const id of new Set([...Object.keys(tests), ...outcome.keys()])) {
    const letters = (tests[id] ?? '').padEnd(runs.length - 1, '-').slice(0, runs.length);
    const before = letters.slice(0, column);
    const after = letters.slice(column + 1);
    tests[id] = `${before}${outcome.get(id) ?? letters[column] ?? '-'}${after}`.padEnd(runs.length, '-');
  }
  const drop = Math.max(0, runs.length - MAX_RUNS);
  if (drop === 0) return { runs, tests };
  const kept: Record<string, string> = {};
  for (const [id, letters] of Object.entries(tests)) {
    const rest = letters.slice(drop);
    if (/[^-]/.test(rest)) kept[id] = rest;
  }
  return { runs: runs.slice(drop), tests: kept };
}

/** A run's overall status from its nodes. */
export function runStatusOf(nodes: RunNodeResult[]): RunRecord['status'] {
  if (nodes.some((n) => n.status === 'pending' || n.status === 'running')) return 'running';
  return nodes.some((n) => n.status === 'error' || n.status === 'fail') ? 'failed' : 'success';
}
