/**
 * The run history in S3 (keys and shapes: src/artifacts/README.md, "Run history"): each transform run's dbt
 * run_results.json, the manifest it ran (content-addressed, written once), and an index entry listed newest first.
 * Same bucket as the run state (`LANDFALL_RUN_STATE_BUCKET`), its own `history/` prefix, because run states expire
 * after 21 days and history must outlive them. Locally the same client writes to the local S3 endpoint.
 *
 * Written when a run ends: by RecordRun, the Task after the run is done (a retried RecordRun writes the same keys,
 * since the keys come from the run's own times), and by EndFailedRun for a run that crashed before it was done.
 */
import { gzipSync } from 'node:zlib';
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { Manifest } from '../engine/manifest';
import type { RunState } from '../engine/run/run-state';
import { INDEX_PREFIX, runHistoryRecord, runResultsKey, type RunHistoryEntry, type RunHistoryRecord, type RunHistoryTrigger } from '../artifacts/run-history';
import type { RunResultsArtifact } from '../artifacts/run-results-artifact';
import type { RunTrigger } from './transform-run';
import { coveredArrivals } from '../freshness-lag/covered-arrivals';
import { freshnessLagLines, stateMachineOf } from '../freshness-lag/emf-lines';
import { freshnessLagKey, type FreshnessLagDocument } from '../freshness-lag/history-document';
import { runFreshnessLag } from '../freshness-lag/run-lag';
import { isObjectMissing } from '../aws/s3-errors';

export interface RunHistoryStore {
  /** Writes the manifest (when absent), then run_results.json, then the index entry (so an entry never points at nothing). */
  write(record: RunHistoryRecord): Promise<void>;
  /** The newest `limit` runs, newest first. */
  list(limit?: number): Promise<RunHistoryEntry[]>;
  readRunResults(executionName: string): Promise<RunResultsArtifact>;
}

export class S3RunHistoryStore implements RunHistoryStore {
  constructor(
    private readonly client: S3Client,
    private readonly bucketName: string | (() => string),
  ) {}

  get bucket(): string {
    return typeof this.bucketName === 'function' ? this.bucketName() : this.bucketName;
  }

  async write(record: RunHistoryRecord): Promise<void> {
    const Bucket = this.bucket;
    if (record.manifest && !(await this.exists(record.manifest.key))) {
      await this.client.send(new PutObjectCommand({ Bucket, Key: record.manifest.key, Body: gzipSync(record.manifest.json()), ContentType: 'application/json', ContentEncoding: 'gzip' }));
    }
    if (record.freshnessLag) {
      await this.client.send(new PutObjectCommand({ Bucket, Key: record.freshnessLag.key, Body: JSON.stringify(record.freshnessLag.document), ContentType: 'application/json' }));
    }
    await this.client.send(new PutObjectCommand({ Bucket, Key: record.entry.runResultsKey, Body: JSON.stringify(record.runResults), ContentType: 'application/json' }));
    await this.client.send(new PutObjectCommand({ Bucket, Key: record.indexKey, Body: JSON.stringify(record.entry), ContentType: 'application/json' }));
  }

  async list(limit = 50): Promise<RunHistoryEntry[]> {
    const listed = await this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: INDEX_PREFIX, MaxKeys: Math.min(1000, limit) }));
    const keys = (listed.Contents ?? []).map((o) => o.Key!).filter(Boolean);
    return Promise.all(keys.map(async (Key) => JSON.parse(await this.readText(Key)) as RunHistoryEntry));
  }

  async readRunResults(executionName: string): Promise<RunResultsArtifact> {
    return JSON.parse(await this.readText(runResultsKey(executionName))) as RunResultsArtifact;
  }

  /** The run's freshness lag document (null when the run covered no arrival). */
  async readFreshnessLag(executionName: string): Promise<FreshnessLagDocument | null> {
    try {
      return JSON.parse(await this.readText(freshnessLagKey(runResultsKey(executionName)))) as FreshnessLagDocument;
    } catch (error) {
      if (isObjectMissing(error)) return null;
      throw error;
    }
  }

  private async readText(Key: string): Promise<string> {
    const object = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key }));
    return object.Body!.transformToString('utf8');
  }

  private async exists(Key: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key }));
      return true;
    } catch (error) {
      if (isObjectMissing(error)) return false;
      throw error;
    }
  }
}

/** The run's trigger as the history shows it: an arrival, a schedule, or the console (a manual start or replay). */
export function historyTriggerOf(trigger: RunTrigger): RunHistoryTrigger {
  const extra = trigger as unknown as { kind: string; schedule?: string };
  if (trigger.arrivals?.length) {
    // A coalesced window: a build request carrying the arrivals it covers.
    return {
      kind: 'arrival',
      description: trigger.description,
      arrivals: trigger.arrivals.map((a) => ({ id: a.id, loader: a.loader, source: a.connector ?? '', arrivedAt: a.landedAt })),
    };
  }
  if (trigger.kind === 'arrival') {
    return {
      kind: 'arrival',
      description: trigger.description,
      arrivals: [{ id: trigger.arrivalId ?? '', loader: trigger.loader, source: trigger.connector ?? '', arrivedAt: trigger.arrivedAt, routedSources: trigger.routedSources }],
    };
  }
  if (extra.kind === 'schedule' || extra.schedule !== undefined) return { kind: 'schedule', description: trigger.description, ...(extra.schedule ? { schedule: extra.schedule } : {}) };
  return { kind: 'console', description: trigger.description };
}

/** Record a run that ended (done, or crashed with `crashed`) in the history, when the deployment has one. */
export async function recordRunHistory(
  history: RunHistoryStore | undefined,
  input: { manifest: Manifest; run: RunState; execution: { arn: string; name: string }; trigger: RunTrigger; crashed?: { error: string } },
): Promise<void> {
  if (!history) return;
  const record = runHistoryRecord({ ...input, trigger: historyTriggerOf(input.trigger) });
  const lag = runFreshnessLag(input.manifest, input.run, input.execution.name, coveredArrivals(input.trigger, input.manifest));
  if (lag) {
    const key = freshnessLagKey(record.entry.runResultsKey);
    record.freshnessLag = { key, document: lag };
    record.entry.freshnessLag = { key, arrivals: lag.arrivals.length, overall: lag.aggregate.overall };
    // The summary the docs site's run page shows (src/docs-site/run-records.ts); the arrivals stay in freshness_lag.json.
    const { overall, queued, bySource, byModel } = lag.aggregate;
    (record.runResults.args.landfall as Record<string, unknown>).freshness_lag = { key, overall, queued, bySource, byModel };
  }
  await history.write(record);
  // CloudWatch metrics as EMF log lines (src/freshness-lag/emf-lines.ts); only a Lambda's stdout becomes metrics.
  if (lag && process.env.AWS_LAMBDA_FUNCTION_NAME) {
    for (const line of freshnessLagLines(lag.arrivals, stateMachineOf(input.execution.arn), Date.parse(record.entry.endedAt))) process.stdout.write(`${line}\n`);
  }
}
