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
// Checked in plain code with zod's English messages (tests/ingest/s3-route-meta.test.ts compares the two): zod/mini was
// the only zod on AdvanceRun's path (its load nodes), ~21 KiB of that bundle (bench/RESULTS-lambda-bundles.md).
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

/** What a value is, in zod's words (`received …`). */
function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  if (typeof value === 'object') {
    const name = (value as object).constructor?.name;
    return name && name !== 'Object' ? name : 'object';
  }
  return typeof value;
}

function nonEmptyString(value: unknown, field: string, problems: string[]): string {
  if (typeof value !== 'string') problems.push(`${field}: Invalid input: expected string, received ${typeName(value)}`);
  else if (value.length < 1) problems.push(`${field}: Too small: expected string to have >=1 characters`);
  return value as string;
}

function oneOf<T extends string>(value: unknown, options: readonly T[], fallback: T, field: string, problems: string[]): T {
  if (value === undefined) return fallback;
  if (!options.includes(value as T)) problems.push(`${field}: Invalid option: expected one of ${options.map((o) => JSON.stringify(o)).join('|')}`);
  return value as T;
}

function nonNegativeInt(value: unknown, field: string, problems: string[]): number {
  if (value === undefined) return 0;
  if (typeof value !== 'number' || !Number.isFinite(value)) problems.push(`${field}: Invalid input: expected number, received ${typeName(value)}`);
  else if (!Number.isInteger(value)) problems.push(`${field}: Invalid input: expected int, received number`);
  else if (value > Number.MAX_SAFE_INTEGER) problems.push(`${field}: Too big: expected int to be <=${Number.MAX_SAFE_INTEGER}`);
  else if (value < 0) problems.push(`${field}: Too small: expected ${value < Number.MIN_SAFE_INTEGER ? 'int' : 'number'} to be >=${value < Number.MIN_SAFE_INTEGER ? Number.MIN_SAFE_INTEGER : 0}`);
  return value as number;
}

/** `meta.landfall.s3` checked field by field (unknown keys ignored), or the problems found, in field order. */
export function parseS3RouteMeta(value: unknown): { meta: S3RouteMeta } | { problems: string[] } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { problems: [`: Invalid input: expected object, received ${typeName(value)}`] };
  const raw = value as Record<string, unknown>;
  const problems: string[] = [];
  const meta: S3RouteMeta = {
    bucket: nonEmptyString(raw.bucket, 'bucket', problems),
    prefix: nonEmptyString(raw.prefix, 'prefix', problems),
    format: oneOf(raw.format, ['json', 'csv'] as const, 'json', 'format', problems),
    compression: oneOf(raw.compression, ['none', 'gzip'] as const, 'none', 'compression', problems),
    ignore_header: 0,
  };
  if (raw.delimiter !== undefined) {
    if (typeof raw.delimiter !== 'string') problems.push(`delimiter: Invalid input: expected string, received ${typeName(raw.delimiter)}`);
    else if (raw.delimiter.length !== 1) problems.push(`delimiter: Too ${raw.delimiter.length > 1 ? 'big' : 'small'}: expected string to have exactly 1 characters`);
    else meta.delimiter = raw.delimiter;
  }
  meta.ignore_header = nonNegativeInt(raw.ignore_header, 'ignore_header', problems);
  return problems.length ? { problems } : { meta };
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
