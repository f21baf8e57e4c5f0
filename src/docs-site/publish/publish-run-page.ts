/**
 * After every run, in AWS: the run's page data written to the docs-site bucket, beside the static site uploaded at
 * deploy time (`landfall docs publish`) — `data/runs/<id>.json`, and the run index and test history rewritten with
 * the run added. Only data files: the Lambda that calls this carries no site builder.
 *
 * The index and history are read-modified-written: two runs ending in the same second could drop one's entry from
 * them (its run page is still written). Runs of one project are serialized by the arrival lease in practice.
 */
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { runStatusOf, sitePaths, withRun, withTestOutcomes, type RunFailure, type RunRecord, type RunSummary, type TestHistory } from '../site-data';

export interface DocsSiteBucket {
  client: S3Client;
  bucket: string;
  /** Key prefix of the site in the bucket, e.g. `site/`. */
  prefix: string;
}

async function readJson<T>(site: DocsSiteBucket, path: string, fallback: T): Promise<T> {
  try {
    const object = await site.client.send(new GetObjectCommand({ Bucket: site.bucket, Key: `${site.prefix}${path}` }));
    return JSON.parse(await object.Body!.transformToString('utf8')) as T;
  } catch (error) {
    const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
    if (e.name === 'NoSuchKey' || e.$metadata?.httpStatusCode === 404) return fallback;
    throw error;
  }
}

async function writeJson(site: DocsSiteBucket, path: string, value: unknown): Promise<void> {
  await site.client.send(new PutObjectCommand({
    Bucket: site.bucket, Key: `${site.prefix}${path}`, Body: JSON.stringify(value), ContentType: 'application/json',
    // Run files change after every run: browsers and CloudFront revalidate them.
    CacheControl: 'no-cache',
  }));
}

export async function publishRunPage(site: DocsSiteBucket, run: RunRecord): Promise<void> {
  await writeJson(site, sitePaths.run(run.id), run);
  const [index, history] = await Promise.all([
    readJson<RunSummary[]>(site, sitePaths.runIndex, []),
    readJson<TestHistory>(site, sitePaths.testHistory, { runs: [], tests: {} }),
  ]);
  await Promise.all([writeJson(site, sitePaths.runIndex, withRun(index, run)), writeJson(site, sitePaths.testHistory, withTestOutcomes(history, run))]);
}

/** Adds the failing rows and SQL PublishAlert gathered to a run page already written (no-op when it is not there). */
export async function addRunFailures(site: DocsSiteBucket, runId: string, failures: RunFailure[]): Promise<void> {
  const run = await readJson<RunRecord | undefined>(site, sitePaths.run(runId), undefined);
  if (!run) return;
  const byId = new Map(failures.map((f) => [f.nodeId, f]));
  const merged = [...run.failures.map((f) => ({ ...f, ...byId.get(f.nodeId) })), ...failures.filter((f) => !run.failures.some((g) => g.nodeId === f.nodeId))];
  await writeJson(site, sitePaths.run(runId), { ...run, failures: merged, status: runStatusOf(run.nodes) });
}
