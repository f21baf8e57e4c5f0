/**
 * S3 routes from the compiled project. A source table declares the prefix Firehose (or anything
 * else) writes its files under, and how they are written:
 *
 *   meta:
 *     landfall:
 *       s3: { bucket: landfall-landing, prefix: firehose/product_events/, format: json, compression: gzip }
 *
 * `format` is `json` (default; `'auto'` column mapping) or `csv` (with optional `delimiter`, `ignore_header`);
 * `compression` is `none` (default) or `gzip`. The COPY target is the source table's relation.
 */
// zod/mini with English messages: the same checks and texts as classic zod, which the functions on the run path
// (AdvanceRun's load nodes) would otherwise carry whole (~70 KiB minified).
import * as z from 'zod/mini';
import { en } from 'zod/locales';
import type { Manifest } from '../engine';
import { InvalidS3RouteError } from './errors';

z.config(en());

const S3RouteMetaSchema = z.object({
  bucket: z.string().check(z.minLength(1)),
  prefix: z.string().check(z.minLength(1)),
  format: z._default(z.enum(['json', 'csv']), 'json'),
  compression: z._default(z.enum(['none', 'gzip']), 'none'),
  delimiter: z.optional(z.string().check(z.length(1))),
  ignore_header: z._default(z.int().check(z.minimum(0)), 0),
});

export interface S3Route {
  sourceId: string;
  /** `source:<source>.<table>+`: what a load into this table makes stale. */
  selector: string;
  bucket: string;
  prefix: string;
  format: 'json' | 'csv';
  gzip: boolean;
  delimiter?: string;
  ignoreHeader: number;
  /** The raw table COPY loads into (identifiers from the compiled project). */
  relation: { schema: string; identifier: string };
}

/**
 * Every S3 route the project declares.
 *
 * @throws InvalidS3RouteError for a source whose `meta.landfall.s3` is malformed.
 * @example
 * s3RoutesOf(manifest);
 * // [{ sourceId: 'source.landfall_demo.events.product_events', bucket: 'landfall-landing', prefix: 'firehose/product_events/', format: 'json', … }]
 */
export function s3RoutesOf(manifest: Manifest): S3Route[] {
  const routes: S3Route[] = [];
  for (const source of Object.values(manifest.sources)) {
    const landfall = source.meta.landfall as { s3?: unknown } | undefined;
    if (!landfall || typeof landfall !== 'object' || landfall.s3 === undefined) continue;
    const parsed = S3RouteMetaSchema.safeParse(landfall.s3);
    if (!parsed.success) throw new InvalidS3RouteError(source.uniqueId, parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
    const meta = parsed.data;
    routes.push({
      sourceId: source.uniqueId,
      selector: `source:${source.sourceName}.${source.name}+`,
      bucket: meta.bucket,
      prefix: meta.prefix,
      format: meta.format,
      gzip: meta.compression === 'gzip',
      ...(meta.delimiter !== undefined && { delimiter: meta.delimiter }),
      ignoreHeader: meta.ignore_header,
      relation: { schema: source.relation.schema, identifier: source.relation.identifier },
    });
  }
  return routes;
}

/**
 * The route an object belongs to (the longest matching prefix wins), or undefined.
 *
 * @example
 * s3RouteForObject(routes, 'landfall-landing', 'firehose/product_events/2026/11/27/02/x'); // the product_events route
 */
export function s3RouteForObject(routes: readonly S3Route[], bucket: string, key: string): S3Route | undefined {
  return routes
    .filter((route) => route.bucket === bucket && key.startsWith(route.prefix))
    .sort((a, b) => b.prefix.length - a.prefix.length)[0];
}
