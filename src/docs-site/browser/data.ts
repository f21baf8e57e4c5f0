/**
 * The site's data in the browser: the inlined overview at once, the index in the background, node shards on
 * demand (one fetch per 200 nodes, cached), run files fresh on every visit (a run updates them). In single-file
 * mode everything is inlined in `<script type="application/json" id="lf-files">` and nothing is fetched.
 */
import { SHARD_SIZE, sitePaths, type NodeDetail, type RunRecord, type RunSummary, type SiteIndex, type SiteOverview, type TestHistory } from '../site-data';
import { loadedIndexOf, type LoadedIndex } from './loaded-index';

export type { LoadedIndex };

function inlineJson<T>(id: string): T | undefined {
  const el = document.getElementById(id);
  return el?.textContent ? (JSON.parse(el.textContent) as T) : undefined;
}

const inlineFiles = inlineJson<Record<string, string>>('lf-files');
export const overview = inlineJson<SiteOverview>('lf-overview')!;

async function fetchJson<T>(path: string, fresh = false): Promise<T> {
  if (inlineFiles) {
    const text = inlineFiles[path];
    if (text === undefined) throw new Error(`${path} is not in this single-file site`);
    return JSON.parse(text) as T;
  }
  const response = await fetch(path, fresh ? { cache: 'no-store' } : undefined);
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  return (await response.json()) as T;
}

let indexPromise: Promise<LoadedIndex> | undefined;
export function loadIndex(): Promise<LoadedIndex> {
  indexPromise ??= fetchJson<SiteIndex>(sitePaths.index).then(loadedIndexOf);
  return indexPromise;
}

const shards = new Map<number, Promise<NodeDetail[]>>();
export async function loadNode(i: number): Promise<NodeDetail> {
  const s = Math.floor(i / SHARD_SIZE);
  let shard = shards.get(s);
  if (!shard) { shard = fetchJson<NodeDetail[]>(sitePaths.shard(s)); shards.set(s, shard); }
  return (await shard)[i % SHARD_SIZE]!;
}

export const loadRuns = () => fetchJson<RunSummary[]>(sitePaths.runIndex, true).catch(() => [] as RunSummary[]);
/** `src`: a pre-signed URL of the run file (the alert email's link into a private bucket), fetched as is. */
export const loadRun = async (id: string, src?: string): Promise<RunRecord> => {
  if (!src) return fetchJson<RunRecord>(sitePaths.run(id), true);
  const response = await fetch(src, { cache: 'no-store' });
  if (!response.ok) throw new Error(`the run's data link answered HTTP ${response.status}: it may have expired (the email says until when)`);
  return (await response.json()) as RunRecord;
};
export const loadTestHistory = () => fetchJson<TestHistory>(sitePaths.testHistory, true).catch(() => ({ runs: [], tests: {} }) as TestHistory);
