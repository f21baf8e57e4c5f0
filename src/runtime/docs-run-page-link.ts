/**
 * The link an alert email gives to a run's page on the docs site (for PublishAlert): the CloudFront URL when the
 * deployment sets `LANDFALL_DOCS_SITE_URL`, else pre-signed S3 URLs with the time they stop working
 * (src/docs-site/publish/run-page-link.ts). Undefined when the deployment has no docs bucket. Its own file, so only
 * the function that signs links bundles the presigner.
 */
import { addRunFailures } from '../docs-site/publish/publish-run-page';
import { runPageLink, type RunPageLink } from '../docs-site/publish/run-page-link';
import { failureOf } from '../docs-site/run-records';
import type { FailedNode } from '../alerts/run-failure-report';
import { awsDocsSite } from './aws-docs-site';

/**
 * @example
 * const link = await docsRunPageLink(payload.execution.name, report.failures);
 * // link?.url → 'https://…/site/index.html?X-Amz-…#/run/<execution>?src=…', link?.expiresAt → 2026-12-05T14:02:11Z
 */
export async function docsRunPageLink(executionName: string, failures: FailedNode[] = []): Promise<RunPageLink | undefined> {
  const site = awsDocsSite();
  if (!site) return undefined;
  // The run page was written when the run ended (run history); add the failing rows and SQL this task gathered.
  if (failures.length) await addRunFailures(site, executionName, failures.map(failureOf)).catch(() => undefined);
  return runPageLink(site, executionName, { siteUrl: process.env.LANDFALL_DOCS_SITE_URL || undefined });
}
