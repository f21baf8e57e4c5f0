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
// Checked by every compile that writes the manifest the functions run (deploy/compile-checks.ts: `landfall compile`,
// which packaging runs, and the local stack and its watcher), then again by each function that reads the routes from
// the manifest it was given, a manifest landfall may not have written. The check is plain code
// giving zod/mini's English messages for every JSON value (the manifest is JSON, so no NaN, Infinity or class
// instances reach it; tests/ingest/s3-route-meta.test.ts compares the two): zod/mini was the only zod on AdvanceRun's
// path (its load nodes), ~21 KiB of that bundle (bench/RESULTS-lambda-bundles.md).
import type { Manifest } from '../engine';
import { InvalidS3RouteError } from './errors';

/** `meta.landfall.s3` as declared, defaults applied. */
interface S3RouteMeta {
  bucket: string;
  prefix: string;
  format: 'json' | 'csv';
  compression: 'none' | 'gzip';
  delimiter?: string;
  ignore_header: number;
}

/** What a JSON value is, in zod's words (`received …`). */
const typeName = (value: unknown) => (value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value);
const wrongType = (expected: string, value: unknown) => `Invalid input: expected ${expected}, received ${typeName(value)}`;

/** Each field's problem with its value, or false. */
const FIELD_PROBLEMS: Record<keyof S3RouteMeta, (value: unknown) => string | false> = {
  bucket: (v) => (typeof v !== 'string' ? wrongType('string', v) : v === '' && 'Too small: expected string to have >=1 characters'),
  prefix: (v) => FIELD_PROBLEMS.bucket(v),
  format: (v) => v !== undefined && v !== 'json' && v !== 'csv' && 'Invalid option: expected one of "json"|"csv"',
  compression: (v) => v !== undefined && v !== 'none' && v !== 'gzip' && 'Invalid option: expected one of "none"|"gzip"',
  delimiter: (v) => v !== undefined && (typeof v !== 'string' ? wrongType('string', v)
    : v.length !== 1 && `Too ${v.length > 1 ? 'big' : 'small'}: expected string to have exactly 1 characters`),
  ignore_header: (v) => v !== undefined && (typeof v !== 'number' ? wrongType('number', v)
    : !Number.isInteger(v) ? 'Invalid input: expected int, received number'
    : v > Number.MAX_SAFE_INTEGER ? `Too big: expected int to be <=${Number.MAX_SAFE_INTEGER}`
    : v < 0 && 'Too small: expected number to be >=0'),
};

/** `meta.landfall.s3` checked field by field (unknown keys ignored), or the problems found, in field order. */
export function parseS3RouteMeta(value: unknown): { meta: S3RouteMeta } | { problems: string[] } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { problems: [`: ${wrongType('object', value)}`] };
  const raw = value as Partial<S3RouteMeta>;
  const problems = Object.entries(FIELD_PROBLEMS).flatMap(([field, problemOf]) => {
    const problem = problemOf(raw[field as keyof S3RouteMeta]);
    return problem ? [`${field}: ${problem}`] : [];
  });
  if (problems.length) return { problems };
  const { bucket, prefix, format = 'json', compression = 'none', delimiter, ignore_header = 0 } = raw as S3RouteMeta;
  return { meta: { bucket, prefix, format, compression, ...(delimiter !== undefined && { delimiter }), ignore_header } };
}

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
  let routes = routesByManifest.get(manifest);
  if (!routes) routesByManifest.set(manifest, (routes = readS3Routes(manifest)));
  return routes;
}

/**
 * Routes read once per manifest object: a warm Lambda keeps its manifest, and each S3 event and each load lookup
 * asks again (load-steps.ts looks a source's route up per object batch). Callers only read the array.
 */
const routesByManifest = new WeakMap<Manifest, S3Route[]>();

function readS3Routes(manifest: Manifest): S3Route[] {
  const routes: S3Route[] = [];
  for (const source of Object.values(manifest.sources)) {
    const landfall = source.meta.landfall as { s3?: unknown } | undefined;
    if (!landfall || typeof landfall !== 'object' || landfall.s3 === undefined) continue;
    const parsed = parseS3RouteMeta(landfall.s3);
    if ('problems' in parsed) throw new InvalidS3RouteError(source.uniqueId, parsed.problems);
    const meta = parsed.meta;
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
