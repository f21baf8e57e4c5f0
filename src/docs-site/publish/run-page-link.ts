/**
 * The link an alert email gives to a run's page. With CloudFront in front of the bucket (docs/deploying.md,
 * `LANDFALL_DOCS_SITE_URL`) it is the page's URL. Otherwise two pre-signed GetObject URLs: the site shell, with
 * the run's data file as a pre-signed `src` in the fragment (a fragment is never sent to S3, so it is not part of
 * the signature; the app fetches the run file from it, since the page's own relative fetches carry no signature).
 *
 * Expiry, as S3 documents it (https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-presigned-url.html):
 * at most 7 days with Signature Version 4, and a URL signed with temporary credentials — a Lambda role's — stops
 * working when those credentials expire, whatever expiry it was given. The link states the earlier of the two.
 */
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { sitePaths } from '../site-data';
import type { DocsSiteBucket } from './publish-run-page';

export const MAX_PRESIGNED_SECONDS = 7 * 24 * 3600;

export interface RunPageLink {
  url: string;
  /** When the link stops working; undefined for a CloudFront URL (no expiry). */
  expiresAt?: Date;
}

export interface RunPageLinkOptions {
  /** The site's own URL (CloudFront), when there is one. */
  siteUrl?: string;
  expiresInSeconds?: number;
  now?: Date;
}

async function credentialsExpiry(client: S3Client): Promise<Date | undefined> {
  const provider = client.config.credentials;
  const credentials = typeof provider === 'function' ? await provider() : provider;
  return (credentials as { expiration?: Date } | undefined)?.expiration;
}

export async function runPageLink(site: DocsSiteBucket, runId: string, options: RunPageLinkOptions = {}): Promise<RunPageLink> {
  const route = `#/run/${encodeURIComponent(runId)}`;
  if (options.siteUrl) return { url: `${options.siteUrl.replace(/\/?$/, '/')}${route}` };
  const expiresIn = Math.min(options.expiresInSeconds ?? MAX_PRESIGNED_SECONDS, MAX_PRESIGNED_SECONDS);
  const sign = (path: string) => getSignedUrl(site.client, new GetObjectCommand({ Bucket: site.bucket, Key: `${site.prefix}${path}` }), { expiresIn });
  const [shell, data] = await Promise.all([sign('index.html'), sign(sitePaths.run(runId))]);
  const now = options.now ?? new Date();
  const signedUntil = new Date(now.getTime() + expiresIn * 1000);
  const credentialsUntil = await credentialsExpiry(site.client);
  const expiresAt = credentialsUntil && credentialsUntil < signedUntil ? credentialsUntil : signedUntil;
  return { url: `${shell}${route}?src=${encodeURIComponent(data)}`, expiresAt };
}
