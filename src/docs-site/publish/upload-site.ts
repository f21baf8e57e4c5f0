/**
 * Deploy time: the static site (index.html, the index and node shards) uploaded to the docs bucket. The run files
 * (`data/runs/*`, `data/test-history.json`) are left alone: the pipeline writes them after every run.
 */
import fs from 'node:fs';
import path from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { sitePaths } from '../site-data';
import type { DocsSiteBucket } from './publish-run-page';

const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.json': 'application/json' };

function filesUnder(dir: string, relative = ''): string[] {
  return fs.readdirSync(path.join(dir, relative), { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? filesUnder(dir, path.posix.join(relative, e.name)) : [path.posix.join(relative, e.name)]));
}

/** True for the files a run rewrites (never uploaded by a deploy, which would erase the run history shown). */
export function isRunFile(file: string): boolean {
  return file.startsWith('data/runs/') || file === sitePaths.testHistory;
}

export async function uploadSite(site: DocsSiteBucket, dir: string): Promise<string[]> {
  const files = filesUnder(dir).filter((f) => !isRunFile(f) && (f === 'index.html' || f.startsWith('data/')));
  for (let i = 0; i < files.length; i += 8) {
    await Promise.all(files.slice(i, i + 8).map((file) => site.client.send(new PutObjectCommand({
      Bucket: site.bucket, Key: `${site.prefix}${file}`, Body: fs.readFileSync(path.join(dir, file)),
      ContentType: TYPES[path.extname(file)] ?? 'application/octet-stream', CacheControl: 'no-cache',
    }))));
  }
  return files;
}
