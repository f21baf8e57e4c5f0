/**
 * The docs site's bucket for the functions (`LANDFALL_DOCS_BUCKET`, key prefix `LANDFALL_DOCS_PREFIX`, default
 * `site/`; serverless/docs-site.resources.yml), and the run history store that also publishes each ended run's page
 * (src/docs-site/publish). Without the variable nothing is published. A failed site write is logged, never fails
 * the run: the site is a view of the history, which is written first.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { once } from './environment';
import type { RunHistoryStore } from './run-history-store';
import { publishRunPage, type DocsSiteBucket } from '../docs-site/publish/publish-run-page';
import { runRecordFromRunResults, type RunResultsV6 } from '../docs-site/run-records';

export const awsDocsSite = /* @__PURE__ */ once((): DocsSiteBucket | undefined => {
  const bucket = process.env.LANDFALL_DOCS_BUCKET;
  if (!bucket) return undefined;
  return {
    client: new S3Client({ forcePathStyle: process.env.LANDFALL_S3_FORCE_PATH_STYLE === 'true' }),
    bucket,
    prefix: process.env.LANDFALL_DOCS_PREFIX ?? 'site/',
  };
});

/** `history`, writing each recorded run's page to the docs site after the history itself. */
export function publishingToDocsSite(history: RunHistoryStore, site: DocsSiteBucket | undefined, warn: (message: string) => void = (m) => console.warn(m)): RunHistoryStore {
  if (!site) return history;
  return {
    list: (limit) => history.list(limit),
    readRunResults: (name) => history.readRunResults(name),
    async write(record) {
      await history.write(record);
      try {
        await publishRunPage(site, runRecordFromRunResults(record.runResults as unknown as RunResultsV6));
      } catch (error) {
        warn(`docs site: run page of ${record.entry.execution.name} not published: ${(error as Error).message}`);
      }
    },
  };
}
