/**
 * The one place production adapters are built from configuration (environment variables), once per
 * Lambda container. Locally the CLI sets the same variables (endpoints pointing at the local stack)
 * before the first handler runs, so nothing here knows whether it runs in AWS.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { dialects, type DialectName } from '../engine';
import { readConnectionTarget } from '../warehouse/connection-config';
import { RedshiftDataWarehouse } from '../warehouse/redshift-data-warehouse';
import { loadCompiledManifest } from './compiled-project';
import { runLocksFromEnvironment } from './run-locks-aws';
import { S3LoadSteps } from '../ingest/load-steps';
import { objectStoreFromEnvironment } from '../ingest/s3-object-store';
import type { AlertBudget } from './publish-alert';
import { S3RunStateStore } from './run-state-store';
import type { RunDependencies } from './transform-run';

type AwsDependencies = RunDependencies & AlertBudget & { sns: SNSClient; topicArn: string; region: string };

let cached: AwsDependencies | undefined;

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}

function positiveInteger(name: string): number {
  const value = Number(process.env[name]);
  if (!Number.isInteger(value) || value < 1) throw new Error(`environment variable ${name} must be a positive integer, got '${process.env[name]}'`);
  return value;
}

export function awsDependencies(): AwsDependencies {
  if (cached) return cached;
  const dialectName = (process.env.LANDFALL_DIALECT ?? 'redshift') as DialectName;
  const dialect = dialects[dialectName];
  if (!dialect) throw new Error(`LANDFALL_DIALECT must be one of ${Object.keys(dialects).join(', ')}, got '${dialectName}'`);
  const manifest = loadCompiledManifest();
  cached = {
    manifest,
    dialect,
    warehouse: new RedshiftDataWarehouse({ target: readConnectionTarget() }),
    sns: new SNSClient({}),
    topicArn: process.env.LANDFALL_ALERT_TOPIC_ARN ?? '',
    region: process.env.AWS_REGION ?? 'us-east-1',
    settleMs: Number(process.env.LANDFALL_SETTLE_SECONDS ?? '5') * 1000,
    sampleBudgetMs: Number(process.env.LANDFALL_ALERT_SAMPLE_BUDGET_SECONDS ?? '20') * 1000,
    concurrency: process.env.LANDFALL_RUN_CONCURRENCY ? positiveInteger('LANDFALL_RUN_CONCURRENCY') : undefined,
    locks: runLocksFromEnvironment(),
    // COPYs of landed objects (load nodes); `default` is the workgroup's or cluster's default IAM role.
    loads: new S3LoadSteps({ manifest, objectStore: objectStoreFromEnvironment(), iamRole: process.env.LANDFALL_COPY_IAM_ROLE ?? 'default' }),
    // Path-style addressing only against a local endpoint (`http://127.0.0.1:<port>/<bucket>/<key>`).
    runStates: new S3RunStateStore(
      new S3Client({ forcePathStyle: process.env.LANDFALL_S3_FORCE_PATH_STYLE === 'true' }),
      () => required('LANDFALL_RUN_STATE_BUCKET'),
      process.env.LANDFALL_RUN_STATE_PREFIX ?? 'runs/',
    ),
  };
  return cached;
}

/** Forget built adapters (the local runtime calls this after changing the environment). */
export function resetAwsDependencies(): void {
  cached = undefined;
}

export { required };
