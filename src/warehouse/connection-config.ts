/**
 * Which Redshift the Data API talks to, read from the environment:
 *
 * | Variable | Meaning |
 * |---|---|
 * | `LANDFALL_REDSHIFT_CLUSTER` | provisioned cluster identifier (or…) |
 * | `LANDFALL_REDSHIFT_WORKGROUP` | …Serverless workgroup name; exactly one of the two |
 * | `LANDFALL_REDSHIFT_DATABASE` | database name (required) |
 * | `LANDFALL_REDSHIFT_SECRET_ARN` | auth by a Secrets Manager secret (or…) |
 * | `LANDFALL_REDSHIFT_DB_USER` | …by temporary credentials for a DB user (provisioned only); neither = the caller's IAM identity |
 *
 * Empty values count as unset. The endpoint itself is the SDK's business: it honours
 * `AWS_ENDPOINT_URL_REDSHIFT_DATA` and `AWS_ENDPOINT_URL` on its own (used locally).
 */
// zod/mini with English messages: the same checks and texts as classic zod, which every warehouse function would
// otherwise carry whole (~70 KiB minified).
import * as z from 'zod/mini';
import { en } from 'zod/locales';
import { WarehouseError } from './warehouse';

z.config(en());

export type ComputeTarget = { kind: 'provisioned'; clusterIdentifier: string } | { kind: 'serverless'; workgroupName: string };

export type AuthMethod = { kind: 'secret'; secretArn: string } | { kind: 'db-user'; dbUser: string } | { kind: 'iam' };

export interface ConnectionTarget {
  compute: ComputeTarget;
  database: string;
  auth: AuthMethod;
}

/** The connection members of ExecuteStatement/BatchExecuteStatement requests. */
export interface DataApiTargetFields {
  ClusterIdentifier?: string;
  WorkgroupName?: string;
  Database: string;
  SecretArn?: string;
  DbUser?: string;
}

/** The environment does not describe a valid connection target. The message lists every problem. */
export class ConnectionConfigError extends WarehouseError {
  constructor(readonly problems: string[]) {
    super(`Invalid Redshift connection configuration:\n- ${problems.join('\n- ')}`);
    this.name = 'ConnectionConfigError';
  }
}

/** Environment values are trimmed, and an empty value counts as unset. */
const fromEnv = <Schema extends z.ZodMiniType<string | undefined, string | undefined>>(schema: Schema) =>
  z.pipe(z.transform((value: unknown): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined)), schema);

const environmentSchema = z
  .object({
    LANDFALL_REDSHIFT_CLUSTER: fromEnv(
      z.optional(z.string().check(z.regex(/^[a-z][a-z0-9-]{0,62}$/, 'must be a cluster identifier: lowercase letters, digits and hyphens, starting with a letter'))),
    ),
    LANDFALL_REDSHIFT_WORKGROUP: fromEnv(
      z.optional(z.string().check(z.regex(/^[a-z0-9-]{3,64}$/, 'must be a workgroup name: 3–64 lowercase letters, digits and hyphens'))),
    ),
    // Required, but checked in superRefine so that its absence is reported together with the other problems.
    LANDFALL_REDSHIFT_DATABASE: fromEnv(z.optional(z.string().check(z.maxLength(127, 'must be at most 127 characters')))),
    LANDFALL_REDSHIFT_SECRET_ARN: fromEnv(
      z.optional(z.string().check(z.regex(/^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+$/, 'must be a Secrets Manager secret ARN'))),
    ),
    LANDFALL_REDSHIFT_DB_USER: fromEnv(z.optional(z.string().check(z.maxLength(128, 'must be at most 128 characters')))),
  })
  .check(
    z.superRefine((env, context) => {
      if (env.LANDFALL_REDSHIFT_DATABASE === undefined) {
        context.addIssue({ code: 'custom', path: ['LANDFALL_REDSHIFT_DATABASE'], message: 'is required (the database to run SQL in)' });
      }
      const hasCluster = env.LANDFALL_REDSHIFT_CLUSTER !== undefined;
      const hasWorkgroup = env.LANDFALL_REDSHIFT_WORKGROUP !== undefined;
      if (hasCluster === hasWorkgroup) {
        context.addIssue({
          code: 'custom',
          message: hasCluster
            ? 'set LANDFALL_REDSHIFT_CLUSTER or LANDFALL_REDSHIFT_WORKGROUP, not both'
            : 'set LANDFALL_REDSHIFT_CLUSTER (provisioned) or LANDFALL_REDSHIFT_WORKGROUP (Serverless)',
        });
      }
      if (env.LANDFALL_REDSHIFT_SECRET_ARN !== undefined && env.LANDFALL_REDSHIFT_DB_USER !== undefined) {
        context.addIssue({
          code: 'custom',
          message: 'set LANDFALL_REDSHIFT_SECRET_ARN or LANDFALL_REDSHIFT_DB_USER, not both (neither = IAM identity)',
        });
      }
      if (hasWorkgroup && env.LANDFALL_REDSHIFT_DB_USER !== undefined) {
        context.addIssue({
          code: 'custom',
          message: 'LANDFALL_REDSHIFT_DB_USER works only with a provisioned cluster; use a secret or IAM with a workgroup',
        });
      }
    }),
  );

/**
 * Reads and validates the connection target.
 *
 * @throws ConnectionConfigError listing every problem found.
 * @example
 * const target = readConnectionTarget({ LANDFALL_REDSHIFT_WORKGROUP: 'analytics', LANDFALL_REDSHIFT_DATABASE: 'dev' });
 * // { compute: { kind: 'serverless', workgroupName: 'analytics' }, database: 'dev', auth: { kind: 'iam' } }
 */
export function readConnectionTarget(env: NodeJS.ProcessEnv = process.env): ConnectionTarget {
  const parsed = environmentSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConnectionConfigError(
      parsed.error.issues.map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')} ${issue.message}` : issue.message)),
    );
  }
  const values = parsed.data;
  const compute: ComputeTarget = values.LANDFALL_REDSHIFT_CLUSTER
    ? { kind: 'provisioned', clusterIdentifier: values.LANDFALL_REDSHIFT_CLUSTER }
    : { kind: 'serverless', workgroupName: values.LANDFALL_REDSHIFT_WORKGROUP! };
  const auth: AuthMethod = values.LANDFALL_REDSHIFT_SECRET_ARN
    ? { kind: 'secret', secretArn: values.LANDFALL_REDSHIFT_SECRET_ARN }
    : values.LANDFALL_REDSHIFT_DB_USER
      ? { kind: 'db-user', dbUser: values.LANDFALL_REDSHIFT_DB_USER }
      : { kind: 'iam' };
  return { compute, database: values.LANDFALL_REDSHIFT_DATABASE!, auth };
}

/**
 * The request members that name the target, for ExecuteStatement and BatchExecuteStatement.
 *
 * @example
 * toDataApiTargetFields(target); // { WorkgroupName: 'analytics', Database: 'dev' }
 */
export function toDataApiTargetFields(target: ConnectionTarget): DataApiTargetFields {
  return {
    ...(target.compute.kind === 'provisioned'
      ? { ClusterIdentifier: target.compute.clusterIdentifier }
      : { WorkgroupName: target.compute.workgroupName }),
    Database: target.database,
    ...(target.auth.kind === 'secret' ? { SecretArn: target.auth.secretArn } : {}),
    ...(target.auth.kind === 'db-user' ? { DbUser: target.auth.dbUser } : {}),
  };
}
