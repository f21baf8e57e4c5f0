/**
 * After every run, in AWS: the run's page data written to the docs-site bucket, beside the static site uploaded at
 * deploy time (`landfall docs publish`) — `data/runs/<id>.json`, and the run index and test history rewritten with
 * the run added. Only data files: the Lambda that calls this carries no site builder.
 *
 * The index and history are shared by every run, so each is updated with S3's conditional writes: read it with
 * its ETag, write it back with `If-Match: <that ETag>` (or `If-None-Match: *` when it did not exist), and on
 * 412 PreconditionFailed / 409 ConditionalRequestConflict (another run wrote in between) or 404 (it was deleted)
 * read again and retry, so two runs ending together both land in them.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html — the local S3 endpoint
 * (src/local/aws/s3.ts) enforces the same headers.
 */
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { isConditionalWriteConflict, isObjectMissing } from '../../aws/s3-errors';
import { runStatusOf, sitePaths, withRun, withTestOutcomes, type RunFailure, type RunRecord, type RunSummary, type TestHistory } from '../site-data';

/** Attempts of a conditional read-modify-write before giving up (each conflict means another run's write landed). */
export const MAX_UPDATE_ATTEMPTS = 12;

export interface DocsSiteBucket {
  client: S3Client;
  bucket: string;
  /** Key prefix of the site in the bucket, e.g. `site/`. */
  prefix: string;
}

async function readWithEtag<T>(site: DocsSiteBucket, path: string): Promise<{ value: T; etag: string } | undefined> {
  try {
    const object = await site.client.send(new GetObjectCommand({ Bucket: site.bucket, Key: `${site.prefix}${path}` }));
    return { value: JSON.parse(await object.Body!.transformToString('utf8')) as T, etag: object.ETag! };
  } catch (error) {
    if (isObjectMissing(error)) return undefined;
    throw error;
  }
}

async function readJson<T>(site: DocsSiteBucket, path: string, fallback: T): Promise<T> {
  return (await readWithEtag<T>(site, path))?.value ?? fallback;
}

async function writeJson(site: DocsSiteBucket, path: string, value: unknown, condition: { IfMatch?: string; IfNoneMatch?: string } = {}): Promise<void> {
  await site.client.send(new PutObjectCommand({
    Bucket: site.bucket, Key: `${site.prefix}${path}`, Body: JSON.stringify(value), ContentType: 'application/json',
    // Run files change after every run: browsers and CloudFront revalidate them.
    CacheControl: 'no-cache',
    ...condition,
  }));
}

/**
 * `path` replaced by `change(current)` only if nobody wrote it since it was read; read again and retried otherwise.
 *
 * @example
 * await updateJson(site, sitePaths.runIndex, [] as RunSummary[], (index) => withRun(index, run));
 */
export async function updateJson<T>(site: DocsSiteBucket, path: string, empty: T, change: (current: T) => T): Promise<number> {
  for (let attempt = 1; attempt <= MAX_UPDATE_ATTEMPTS; attempt++) {
    const current = await readWithEtag<T>(site, path);
    try {
      await writeJson(site, path, change(current?.value ?? empty), current ? { IfMatch: current.etag } : { IfNoneMatch: '*' });
      return attempt;
    } catch (error) {
      if (!isConditionalWriteConflict(error) && !(current && isObjectMissing(error))) throw error;
      // Another writer won: back off a little (jittered) so a crowd of run ends does not retry in lockstep.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt));
    }
  }
  throw new Error(`${site.prefix}${path}: still changed by other writers after ${MAX_UPDATE_ATTEMPTS} conditional writes`);
}

export async function publishRunPage(site: DocsSiteBucket, run: RunRecord): Promise<void> {
  await writeJson(site, sitePaths.run(run.id), run);
  await Promise.all([
    updateJson<RunSummary[]>(site, sitePaths.runIndex, [], (index) => withRun(index, run)),
    updateJson<TestHistory>(site, sitePaths.testHistory, { runs: [], tests: {} }, (history) => withTestOutcomes(history, run)),
  ]);
}

/** Adds the failing rows and SQL PublishAlert gathered to a run page already written (no-op when it is not there). */
export async function addRunFailures(site: DocsSiteBucket, runId: string, failures: RunFailure[]): Promise<void> {
  const run = await readJson<RunRecord | undefined>(site, sitePaths.run(runId), undefined);
  if (!run) return;
  const byId = new Map(failures.map((f) => [f.nodeId, f]));
  const merged = [...run.failures.map((f) => ({ ...f, ...byId.get(f.nodeId) })), ...failures.filter((f) => !run.failures.some((g) => g.nodeId === f.nodeId))];
  await writeJson(site, sitePaths.run(runId), { ...run, failures: merged, status: runStatusOf(run.nodes) });
}
