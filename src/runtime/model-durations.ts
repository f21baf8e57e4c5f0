/**
 * What each model's (and seed's) first statement took the last time a run built it, kept for the next run that builds
 * it: PlanRun reads it into `RunNode.priorMs`, so the poll schedule polls a model near its own expected end and the
 * scheduler submits the longest remaining path first (engine/run/poll-schedule.ts, critical-path-order.ts) from the
 * first step, instead of learning per materialization within a run of a few models (issue 18,
 * bench/RESULTS-freshness-lag.md). RecordRun merges each done run's figures in.
 *
 * One JSON object in the run-state bucket (`history/model-durations.json`, ~50 bytes per model), changed by
 * compare-and-swap with S3 conditional writes (If-Match / If-None-Match: *, 412 or 409 on a race, then read and merge
 * again: https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html; the local S3 endpoint
 * enforces the same headers). The figures are a hint: a run without them polls and orders by its priors, so
 * PlanRun and RecordRun warn and go on when the object cannot be read or written.
 */
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { isConditionalWriteConflict, isObjectMissing } from '../aws/s3-errors';
import type { RunState } from '../engine/run/run-state';

export const MODEL_DURATIONS_KEY = 'history/model-durations.json';
const MAX_ATTEMPTS = 5;

export interface ModelDurationStore {
  /** Milliseconds by node unique id; empty when nothing was recorded yet. */
  read(): Promise<Record<string, number>>;
  /** Merges these figures in (newer wins per node). */
  merge(durations: Readonly<Record<string, number>>): Promise<void>;
}

/** The figures a done run measured: its models and seeds that succeeded, with their first statement's time. */
export function durationsOfRun(run: Pick<RunState, 'nodes'>): Record<string, number> {
  const durations: Record<string, number> = {};
  for (const node of run.nodes) {
    if ((node.kind === 'model' || node.kind === 'seed') && node.status === 'success' && node.priorMs !== undefined) durations[node.id] = node.priorMs;
  }
  return durations;
}

/** Only positive finite numbers survive a read: the object is data, and a bad entry must not reach the schedule. */
export function parseModelDurations(text: string, where: string): Record<string, number> {
  const parsed = JSON.parse(text) as { byNode?: unknown };
  if (typeof parsed !== 'object' || parsed === null || typeof parsed.byNode !== 'object' || parsed.byNode === null) {
    throw new Error(`${where}: expected {"byNode": {"<unique id>": <ms>, …}}`);
  }
  const byNode: Record<string, number> = {};
  for (const [id, ms] of Object.entries(parsed.byNode as Record<string, unknown>)) if (typeof ms === 'number' && Number.isFinite(ms) && ms > 0) byNode[id] = ms;
  return byNode;
}

/**
 * @example
 * const store = new S3ModelDurationStore(new S3Client({}), 'landfall-prod-run-state');
 * await store.merge(durationsOfRun(run));
 */
export class S3ModelDurationStore implements ModelDurationStore {
  constructor(private readonly client: S3Client, private readonly bucketName: string | (() => string), private readonly key = MODEL_DURATIONS_KEY) {}

  private get bucket(): string {
    return typeof this.bucketName === 'function' ? this.bucketName() : this.bucketName;
  }

  async read(): Promise<Record<string, number>> {
    return (await this.readVersioned()).byNode;
  }

  async merge(durations: Readonly<Record<string, number>>): Promise<void> {
    if (Object.keys(durations).length === 0) return;
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const { byNode, version } = await this.readVersioned();
      try {
        await this.client.send(new PutObjectCommand({
          Bucket: this.bucket, Key: this.key, ContentType: 'application/json',
          Body: JSON.stringify({ byNode: { ...byNode, ...durations } }),
          ...(version === null ? { IfNoneMatch: '*' } : { IfMatch: version }),
        }));
        return;
      } catch (error) {
        if (!isConditionalWriteConflict(error)) throw error;
      }
    }
    throw new Error(`s3://${this.bucket}/${this.key}: another writer changed it ${MAX_ATTEMPTS} times in a row; figures of this run not kept`);
  }

  private async readVersioned(): Promise<{ byNode: Record<string, number>; version: string | null }> {
    try {
      const object = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.key }));
      return { byNode: parseModelDurations(await object.Body!.transformToString('utf8'), `s3://${this.bucket}/${this.key}`), version: object.ETag ?? null };
    } catch (error) {
      if (isObjectMissing(error)) return { byNode: {}, version: null };
      throw error;
    }
  }
}

/** In memory (tests, and a caller without a bucket). */
export class MemoryModelDurationStore implements ModelDurationStore {
  byNode: Record<string, number> = {};
  async read(): Promise<Record<string, number>> {
    return { ...this.byNode };
  }
  async merge(durations: Readonly<Record<string, number>>): Promise<void> {
    this.byNode = { ...this.byNode, ...durations };
  }
}
