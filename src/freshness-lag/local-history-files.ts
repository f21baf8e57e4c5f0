/**
 * Adapter: the freshness lag documents of the local stack's run history, read from the folder standing in for S3
 * (`<state dir>/s3/<run state bucket>/history/runs/<execution>/freshness_lag.json`).
 */
import fs from 'node:fs';
import path from 'node:path';
import { FRESHNESS_LAG_FILE, type FreshnessLagDocument } from './history-document';

/** The documents of these executions that have one (runs that covered arrivals), in the given order. */
export function readLocalFreshnessLag(stateDir: string, bucket: string, executionNames: readonly string[]): FreshnessLagDocument[] {
  const runsDir = path.join(stateDir, 's3', bucket, 'history', 'runs');
  const documents: FreshnessLagDocument[] = [];
  for (const name of executionNames) {
    if (!/^[^/\\]{1,80}$/.test(name) || name === '.' || name === '..') continue;
    const file = path.join(runsDir, name, FRESHNESS_LAG_FILE);
    if (!fs.existsSync(file)) continue;
    try {
      documents.push(JSON.parse(fs.readFileSync(file, 'utf8')) as FreshnessLagDocument);
    } catch (error) {
      throw new Error(`${file}: not a freshness lag document (${(error as Error).message})`);
    }
  }
  return documents;
}
