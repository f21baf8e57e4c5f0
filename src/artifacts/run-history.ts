/**
 * The run history's keys and documents (contract: README.md, "Run history"). Pure: what to write for a finished
 * (or crashed) transform run; `src/runtime/run-history-store.ts` writes it to S3 and lists it.
 *
 *   history/runs/<execution>/run_results.json      dbt run_results v6 + landfall's facts (args.landfall, metadata.env)
 *   history/manifests/<sha256>.json.gz             the dbt manifest v12 the run ran, stored once per content
 *   history/index/<inverted ms>_<execution>.json   RunHistoryEntry, newest first in a ListObjectsV2 listing
 */
import { createHash } from 'node:crypto';
import type { Manifest } from '../engine/manifest';
import type { RunState } from '../engine/run/run-state';
import { summarizeRun } from '../engine/run/run-state';
import { manifestArtifact } from './manifest-artifact';
import { manifestTextSha256 } from './manifest-text-hash';
import { runResultsArtifact, type RunResultsArtifact } from './run-results-artifact';
import type { FreshnessLagDocument, FreshnessLagIndexSummary } from '../freshness-lag/history-document';

export const HISTORY_PREFIX = 'history/';
const INVERT_FROM = 9_999_999_999_999;

export type TriggerKind = 'arrival' | 'schedule' | 'console';

/** What started the run, as the docs site shows it. */
export interface RunHistoryTrigger {
  kind: TriggerKind;
  description: string;
  /** Arrivals that started it (loader: fivetran, dms, s3; source: connector id, task ARN or s3://bucket/key). */
  arrivals?: { id: string; loader: string; source: string; arrivedAt?: string; routedSources?: string[] }[];
  /** The schedule's name or expression, for a scheduled run. */
  schedule?: string;
}

export interface RunHistoryEntry {
  version: 1;
  execution: { arn: string; name: string; consoleUrl: string | null };
  runId: string;
  command: string;
  trigger: RunHistoryTrigger;
  status: 'success' | 'failed' | 'crashed';
  startedAt: string;
  endedAt: string;
  counts: Record<string, number>;
  runResultsKey: string;
  /** Null when the project is too large to render its dbt manifest in a run's last task (MAX_MANIFEST_NODES). */
  manifestKey: string | null;
  /** Runs that covered arrivals: the key of `freshness_lag.json` beside run_results.json and the overall lag (src/freshness-lag/). */
  freshnessLag?: FreshnessLagIndexSummary;
}

export function runResultsKey(executionName: string): string {
  if (!/^[^/]{1,80}$/.test(executionName)) throw new Error(`execution name '${executionName}' cannot name a run history object`);
  return `${HISTORY_PREFIX}runs/${executionName}/run_results.json`;
}

export function manifestKey(sha256: string): string {
  return `${HISTORY_PREFIX}manifests/${sha256}.json.gz`;
}

/** Index keys sort ascending, so an inverted time lists the newest run first. */
export function indexKey(endedAt: Date, executionName: string): string {
  const inverted = String(INVERT_FROM - endedAt.getTime()).padStart(13, '0');
  return `${HISTORY_PREFIX}index/${inverted}_${executionName}.json`;
}

export const INDEX_PREFIX = `${HISTORY_PREFIX}index/`;

/** The Step Functions console page of an execution (the region is the ARN's). */
export function consoleUrl(executionArn: string): string | null {
  const region = /^arn:aws[a-z-]*:states:([a-z0-9-]+):\d{12}:execution:/.exec(executionArn)?.[1];
  return region ? `https://${region}.console.aws.amazon.com/states/home?region=${region}#/v2/executions/details/${encodeURIComponent(executionArn)}` : null;
}

/**
 * The manifest a run ran, as dbt's manifest.json, addressed by the content of the compiled manifest it comes from
 * (cheap to hash), and rendered only when the store does not hold it yet: a 10,000-model dbt manifest is tens of MB
 * and seconds of CPU, paid once per deployed project, not once per run. Its metadata is the compile's (not the run's).
 */
const manifestDocuments = new WeakMap<Manifest, { sha256: string; json?: string }>();

export function runManifestDocument(manifest: Manifest): { sha256: string; json: () => string } {
  let document = manifestDocuments.get(manifest);
  if (!document) {
    // The loaded artifact's text hash (manifest-text-hash.ts); a manifest compiled in this process (the CLI, tests)
    // has no text, so its serialization is hashed.
    document = { sha256: manifestTextSha256(manifest) ?? createHash('sha256').update(JSON.stringify(manifest)).digest('hex') };
    manifestDocuments.set(manifest, document);
  }
  const cached = document;
  return {
    sha256: cached.sha256,
    json: () => (cached.json ??= JSON.stringify(manifestArtifact({ manifest, invocationId: `landfall-compile-${manifest.projectName}`, generatedAt: new Date(manifest.compiledAt) }))),
  };
}

export interface RunHistoryInput {
  manifest: Manifest;
  run: RunState;
  execution: { arn: string; name: string };
  trigger: RunHistoryTrigger;
  /** A run that ended without finishing (a task crashed): its nodes' states as far as they got. */
  crashed?: { error: string };
}

export interface RunHistoryRecord {
  runResults: RunResultsArtifact;
  entry: RunHistoryEntry;
  indexKey: string;
  /** The dbt manifest's key, and its JSON, rendered on demand (only when the store lacks it); absent above MAX_MANIFEST_NODES. */
  manifest?: { key: string; json: () => string };
  /** Each covered arrival's freshness lag, written beside run_results.json (absent for runs that covered none). */
  freshnessLag?: { key: string; document: FreshnessLagDocument };
}

/**
 * Above this many nodes the dbt manifest is not rendered in a run's last task: 10,000 models and 20,000 tests are
 * 52 MB of JSON and ~470 MB of memory in a 512 MB function. Such runs record results without a manifest key.
 */
export const MAX_MANIFEST_NODES = 5_000;

function nodeCount(manifest: Manifest): number {
  return Object.keys(manifest.models).length + Object.keys(manifest.seeds).length + Object.keys(manifest.tests).length;
}

/**
 * @example
 * const record = runHistoryRecord({ manifest, run, execution: { arn, name }, trigger: { kind: 'console', description: 'manual build' } });
 * record.entry.status // 'failed'
 */
export function runHistoryRecord(input: RunHistoryInput): RunHistoryRecord {
  const { manifest, run, execution, trigger } = input;
  const document = nodeCount(manifest) <= MAX_MANIFEST_NODES ? runManifestDocument(manifest) : undefined;
  const endedAt = runEndedAt(run);
  const { counts, failed } = summarizeRun(run);
  const status: RunHistoryEntry['status'] = input.crashed ? 'crashed' : failed ? 'failed' : 'success';
  const url = consoleUrl(execution.arn);
  const resultsKey = runResultsKey(execution.name);
  const manifestObjectKey = document ? manifestKey(document.sha256) : null;
  const runResults = runResultsArtifact({
    state: run,
    manifest,
    elapsedSeconds: Math.max(0, (endedAt.getTime() - Date.parse(run.startedAt)) / 1000),
    generatedAt: endedAt,
    env: {
      LANDFALL_EXECUTION_ARN: execution.arn,
      LANDFALL_EXECUTION_NAME: execution.name,
      LANDFALL_TRIGGER: trigger.kind,
      ...(manifestObjectKey ? { LANDFALL_MANIFEST_KEY: manifestObjectKey } : {}),
    },
    args: {
      which: run.command,
      full_refresh: run.fullRefresh,
      vars: run.vars,
      threads: run.concurrency,
      landfall: {
        execution: { ...execution, consoleUrl: url },
        trigger,
        status,
        ...(input.crashed ? { crash: input.crashed.error } : {}),
        manifest_key: manifestObjectKey,
        started_at: run.startedAt,
        ended_at: endedAt.toISOString(),
        loads: run.nodes.filter((n) => n.kind === 'load').map((n) => ({ id: n.id, status: n.status, started_at: n.startedAt ?? null, completed_at: n.finishedAt ?? null, error: n.error ?? null })),
      },
    },
  });
  const entry: RunHistoryEntry = {
    version: 1,
    execution: { ...execution, consoleUrl: url },
    runId: run.runId,
    command: run.command,
    trigger,
    status,
    startedAt: run.startedAt,
    endedAt: endedAt.toISOString(),
    counts,
    runResultsKey: resultsKey,
    manifestKey: manifestObjectKey,
  };
  return { runResults, entry, indexKey: indexKey(endedAt, execution.name), ...(document && manifestObjectKey ? { manifest: { key: manifestObjectKey, json: document.json } } : {}) };
}

/**
 * When the run ended: its last node's finish (so a retried task writes the same keys), else its start.
 */
export function runEndedAt(run: RunState): Date {
  let last = Date.parse(run.startedAt);
  for (const node of run.nodes) if (node.finishedAt) last = Math.max(last, Date.parse(node.finishedAt));
  return new Date(last);
}
