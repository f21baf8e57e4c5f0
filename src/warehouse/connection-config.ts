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
import { WarehouseError } from '../engine/warehouse/warehouse';

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

type Variable = 'LANDFALL_REDSHIFT_CLUSTER' | 'LANDFALL_REDSHIFT_WORKGROUP' | 'LANDFALL_REDSHIFT_DATABASE' | 'LANDFALL_REDSHIFT_SECRET_ARN' | 'LANDFALL_REDSHIFT_DB_USER';

/**
 * Each variable's check and the problem it reports, in the order problems are listed. Plain code, not a schema
 * library: five values do not need one, and every function that talks to the warehouse loads this (zod/mini was
 * ~19 KiB of each bundle). The messages are the ones the zod schema had (tests/runtime/run-path-schema-messages.test.ts).
 */
const VARIABLE_CHECKS: readonly [Variable, (value: string) => boolean, string][] = [
  ['LANDFALL_REDSHIFT_CLUSTER', (v) => /^[a-z][a-z0-9-]{0,62}$/.test(v), 'must be a cluster identifier: lowercase letters, digits and hyphens, starting with a letter'],
  ['LANDFALL_REDSHIFT_WORKGROUP', (v) => /^[a-z0-9-]{3,64}$/.test(v), 'must be a workgroup name: 3–64 lowercase letters, digits and hyphens'],
  // Required, but its absence is reported below, together with the other problems of the combination.
  ['LANDFALL_REDSHIFT_DATABASE', (v) => v.length <= 127, 'must be at most 127 characters'],
  ['LANDFALL_REDSHIFT_SECRET_ARN', (v) => /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+$/.test(v), 'must be a Secrets Manager secret ARN'],
  ['LANDFALL_REDSHIFT_DB_USER', (v) => v.length <= 128, 'must be at most 128 characters'],
];

/** Environment values are trimmed, and an empty value counts as unset. */
function fromEnv(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/** Problems of the combination: what is required, and what may not be set together. */
function combinationProblems(env: Partial<Record<Variable, string>>): string[] {
  const problems: string[] = [];
  if (env.LANDFALL_REDSHIFT_DATABASE === undefined) problems.push('LANDFALL_REDSHIFT_DATABASE is required (the database to run SQL in)');
  const hasCluster = env.LANDFALL_REDSHIFT_CLUSTER !== undefined;
  const hasWorkgroup = env.LANDFALL_REDSHIFT_WORKGROUP !== undefined;
  if (hasCluster === hasWorkgroup) {
    problems.push(hasCluster
      ? 'set LANDFALL_REDSHIFT_CLUSTER or LANDFALL_REDSHIFT_WORKGROUP, not both'
      : 'set LANDFALL_REDSHIFT_CLUSTER (provisioned) or LANDFALL_REDSHIFT_WORKGROUP (Serverless)');
  }
  if (env.LANDFALL_REDSHIFT_SECRET_ARN !== undefined && env.LANDFALL_REDSHIFT_DB_USER !== undefined) {
    problems.push('set LANDFALL_REDSHIFT_SECRET_ARN or LANDFALL_REDSHIFT_DB_USER, not both (neither = IAM identity)');
  }
  if (hasWorkgroup && env.LANDFALL_REDSHIFT_DB_USER !== undefined) {
    problems.push('LANDFALL_REDSHIFT_DB_USER works only with a provisioned cluster; use a secret or IAM with a workgroup');
  }
  return problems;
}

/**
 * Reads and validates the connection target.
 *
 * @throws ConnectionConfigError listing every problem found.
 * @example
 * const target = readConnectionTarget({ LANDFALL_REDSHIFT_WORKGROUP: 'analytics', LANDFALL_REDSHIFT_DATABASE: 'dev' });
 * // { compute: { kind: 'serverless', workgroupName: 'analytics' }, database: 'dev', auth: { kind: 'iam' } }
 */
export function readConnectionTarget(env: NodeJS.ProcessEnv = process.env): ConnectionTarget {
  const values: Partial<Record<Variable, string>> = {};
  const problems: string[] = [];
  for (const [name, valid, message] of VARIABLE_CHECKS) {
    const value = fromEnv(env[name]);
    values[name] = value;
    if (value !== undefined && !valid(value)) problems.push(`${name} ${message}`);
  }
  problems.push(...combinationProblems(values));
  if (problems.length > 0) throw new ConnectionConfigError(problems);
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
