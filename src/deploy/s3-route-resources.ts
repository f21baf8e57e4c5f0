/**
 * What the deployment needs from the project's S3 routes (`meta.landfall.s3` on sources), generated at packaging
 * time like the DMS schedules, because CloudFormation cannot read the compiled manifest:
 *
 * - the S3 rule's event pattern (`events/rules/s3-object-created.json`): only the routed buckets and prefixes, so
 *   objects of unrelated EventBridge-enabled buckets never invoke a function;
 * - an IAM policy letting the Data API functions' role write load manifests under `landfall/load-batches/` in
 *   exactly those buckets (`serverless/s3-routes.resources.yml`).
 *
 * Written by `scripts/generate-s3-routes.ts`; the local bus reads the same pattern file.
 */
import { dump } from 'js-yaml';
import { LOAD_BATCH_PREFIX } from '../ingest';
import type { S3Route } from '../ingest/s3-routes';

/** The bucket name in the pattern when the project routes nothing: not a valid S3 bucket name, so nothing matches. */
export const NO_ROUTES_BUCKET = 'no S3 routes in the dbt project';

export class S3RouteDeploymentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'S3RouteDeploymentError';
  }
}

/** Routes grouped by bucket, prefixes sorted and deduplicated; refuses prefixes that would route landfall's own files. */
export function routedPrefixesByBucket(routes: readonly S3Route[]): Map<string, string[]> {
  const byBucket = new Map<string, Set<string>>();
  for (const route of routes) {
    if (route.prefix.startsWith(LOAD_BATCH_PREFIX) || LOAD_BATCH_PREFIX.startsWith(route.prefix)) {
      throw new S3RouteDeploymentError(
        `${route.sourceId}: the S3 route prefix '${route.prefix}' overlaps '${LOAD_BATCH_PREFIX}', where landfall writes its load manifests; each manifest would arrive as a new object (an event loop). Route a prefix outside it.`,
      );
    }
    byBucket.set(route.bucket, (byBucket.get(route.bucket) ?? new Set()).add(route.prefix));
  }
  return new Map([...byBucket.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([bucket, prefixes]) => [bucket, [...prefixes].sort()]));
}

/**
 * The EventBridge pattern of the S3 rule (default bus): Object Created in a routed bucket under one of that bucket's
 * prefixes. One `$or` branch per bucket, so a prefix of one bucket never matches another.
 *
 * @example
 * s3ObjectCreatedPattern([{ bucket: 'landing', prefix: 'firehose/events/', … }]);
 * // { source: ['aws.s3'], 'detail-type': ['Object Created'],
 * //   detail: { bucket: { name: ['landing'] }, object: { key: [{ prefix: 'firehose/events/' }] } } }
 */
export function s3ObjectCreatedPattern(routes: readonly S3Route[]): Record<string, unknown> {
  const branches = [...routedPrefixesByBucket(routes)].map(([bucket, prefixes]) => ({
    bucket: { name: [bucket] },
    object: { key: prefixes.map((prefix) => ({ prefix })) },
  }));
  const base = { source: ['aws.s3'], 'detail-type': ['Object Created'] };
  if (branches.length === 0) return { ...base, detail: { bucket: { name: [NO_ROUTES_BUCKET] } } };
  if (branches.length === 1) return { ...base, detail: branches[0] };
  return { ...base, $or: branches.map((detail) => ({ detail })) };
}

/**
 * `serverless/s3-routes.resources.yml`: PutObject on `<bucket>/landfall/load-batches/*` of each routed bucket, for the
 * Data API functions' role (AdvanceRun's load nodes write a COPY manifest there before loading a batch), GetObject on
 * the routed prefixes (a quarantined object is read back to place its bad line) and ListBucket on the routed buckets
 * (the reconciler, which runs as the same role), and only in buckets of this account. Empty `Resources` when nothing is routed.
 */
export function s3RouteResources(routes: readonly S3Route[]): { Resources: Record<string, unknown> } {
  const buckets = [...routedPrefixesByBucket(routes).keys()];
  if (buckets.length === 0) return { Resources: {} };
  return {
    Resources: {
      LoadBatchManifestsPolicy: {
        Type: 'AWS::IAM::Policy',
        Properties: {
          PolicyName: 'load-batch-manifests',
          Roles: [{ Ref: 'DataApiFunctionsRole' }],
          PolicyDocument: {
            Version: '2012-10-17',
            Statement: [{
              Effect: 'Allow',
              Action: 's3:PutObject',
              Resource: buckets.map((bucket) => ({ 'Fn::Sub': `arn:\${AWS::Partition}:s3:::${bucket}/${LOAD_BATCH_PREFIX}*` })),
              Condition: { StringEquals: { 'aws:ResourceAccount': { Ref: 'AWS::AccountId' } } },
            }, {
              // A quarantined object is read back (ranged GetObject) to place its bad line (src/ingest/quarantine-steps.ts).
              Effect: 'Allow',
              Action: 's3:GetObject',
              Resource: [...routedPrefixesByBucket(routes)].flatMap(([bucket, prefixes]) => prefixes.map((prefix) => ({ 'Fn::Sub': `arn:\${AWS::Partition}:s3:::${bucket}/${prefix}*` }))),
              Condition: { StringEquals: { 'aws:ResourceAccount': { Ref: 'AWS::AccountId' } } },
            }, {
              // The reconciler lists the routed prefixes for objects whose event never came (src/reconcile/).
              Effect: 'Allow',
              Action: 's3:ListBucket',
              Resource: buckets.map((bucket) => ({ 'Fn::Sub': `arn:\${AWS::Partition}:s3:::${bucket}` })),
              Condition: { StringEquals: { 'aws:ResourceAccount': { Ref: 'AWS::AccountId' } } },
            }],
          },
        },
      },
    },
  };
}

export function s3RouteResourcesYaml(routes: readonly S3Route[]): string {
  return `# Generated by scripts/generate-s3-routes.ts from the S3 routes (meta.landfall.s3). Do not edit.\n${dump(s3RouteResources(routes), { lineWidth: 200, noRefs: true })}`;
}

export function s3ObjectCreatedPatternJson(routes: readonly S3Route[]): string {
  return `${JSON.stringify(s3ObjectCreatedPattern(routes), null, 2)}\n`;
}
