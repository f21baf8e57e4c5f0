/**
 * `landfall doctor [--stage S] [--region R]`: checks a deployed stage from a laptop, read-only, with your AWS
 * credentials, and prints one PASS/FAIL/SKIP line per check with the fix under each failure. Exit code 1 when
 * any check fails. `--local` checks the stack `landfall serve` runs (its endpoints from
 * `<state-dir>/endpoints.json`) the same way.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Manifest, Target } from '../../engine';
import { compileManifest, readProjectFiles } from '../../engine/compile';
import { s3RoutesOf } from '../../ingest/s3-routes';
import { LOCAL_STACK_NAME } from '../../local/aws/local-deployment';
import { LOCAL_CONNECTION, localTarget } from '../../local/local-warehouse';
import type { Warehouse } from '../../engine/warehouse/warehouse';
import { commonOptions } from '../command-context';
import { databaseGrants } from '../grants/database-grants';
import { functionsRoleName, readServerlessConfig } from '../grants/functions-role';
import { deploymentFiles, REPO_ROOT, stageFlags } from '../grants-command';
import { parseFlags, parseVars, UsageError } from '../options';
import { formatCheckResult } from './check-result';
import { fivetranCredentialsFromEnv } from './fivetran-webhook';
import { type DoctorClients, type DoctorPlan, runDoctor } from './run-doctor';

/**
 * @example
 * await doctorCommand(['--stage', 'prod', '--region', 'eu-west-1']) // 0 when every check passes, 1 otherwise
 */
export async function doctorCommand(args: string[]): Promise<number> {
  const { values } = parseFlags(args, {
    stage: { type: 'string' },
    region: { type: 'string' },
    local: { type: 'boolean' },
    'fivetran-secret': { type: 'string' },
    vars: { type: 'string' },
    'repo-root': { type: 'string' },
  });
  const options = commonOptions(values);
  const repoRoot = path.resolve(String(values['repo-root'] ?? REPO_ROOT));
  const config = deploymentFiles(() => readServerlessConfig(repoRoot));
  const local = Boolean(values.local);
  if (local) useLocalStack(options.stateDir);
  const { stage, region } = local ? { stage: 'local', region: 'us-east-1' } : stageFlags(values);
  const stackName = local ? LOCAL_STACK_NAME : `${config.service}-${stage}`;
  const database = process.env.LANDFALL_REDSHIFT_DATABASE || config.params.redshiftDatabase || 'dev';
  const schema = String(values['target-schema'] ?? process.env.LANDFALL_TARGET_SCHEMA ?? (local ? options.targetSchema ?? 'analytics' : config.params.targetSchema || 'analytics'));
  const target: Target = local ? localTarget({ schema }) : { name: stage, type: 'redshift', schema, database };
  const manifest = compileManifest(readProjectFiles(options.projectDir), { target, cliVars: parseVars(values.vars as string | undefined) });

  const secretArn = process.env.LANDFALL_REDSHIFT_SECRET_ARN || undefined;
  // With a secret, this session connects as the secret's user, the functions' user; with IAM auth, as you: then the
  // functions' user is IAMR:<their role>. Locally the Data API has one user for everyone.
  const dbUser = local || secretArn ? undefined : `IAMR:${deploymentFiles(() => functionsRoleName(repoRoot, { stage, region })).roleName}`;
  const plan = doctorPlan(manifest, {
    stackName,
    region,
    database,
    dbUser,
    deployCommand: local ? 'npx landfall serve' : `npx osls deploy --stage ${stage} --region ${region} --param=…`,
    grantsCommand: local ? 'the local engine grants everything to its one user' : `npx landfall grants --stage ${stage} --region ${region}`,
    fivetranSecret: (values['fivetran-secret'] as string | undefined) ?? (config.params.fivetranSecretName || undefined),
    secretArn,
  });
  const clients = createClients(region, plan, local);

  const write = (line: string) => process.stdout.write(`${line}\n`);
  if (!options.json) write(`landfall doctor: stack ${stackName} in ${region}${local ? ` (local stack, ${path.relative(process.cwd(), options.stateDir) || '.'}/endpoints.json)` : ''}`);
  const results = await runDoctor(clients, plan, options.json ? undefined : (result) => write(formatCheckResult(result)));
  const count = (status: string) => results.filter((r) => r.status === status).length;
  if (options.json) write(JSON.stringify({ stack: stackName, region, ok: count('fail') === 0, results }, null, 2));
  else write(`\n${count('pass')} passed, ${count('fail')} failed, ${count('skip')} skipped`);
  return count('fail') === 0 ? 0 : 1;
}

export interface PlanSettings {
  stackName: string;
  region: string;
  database: string;
  dbUser?: string;
  deployCommand: string;
  grantsCommand: string;
  fivetranSecret?: string;
  secretArn?: string;
}

/** What the checks expect of this project: its schemas, sources, routed buckets and secrets. */
export function doctorPlan(manifest: Manifest, settings: PlanSettings): DoctorPlan {
  const grants = databaseGrants({ manifest, database: settings.database, user: settings.dbUser ?? 'current_user', auth: 'iam', dialect: 'redshift' });
  const sourceTables = Object.values(manifest.sources)
    .filter((s) => !s.relation.database || s.relation.database === settings.database)
    .map((s) => ({ schema: s.relation.schema, identifier: s.relation.identifier }));
  return {
    stackName: settings.stackName,
    region: settings.region,
    deployCommand: settings.deployCommand,
    privileges: { dbUser: settings.dbUser, database: settings.database, targetSchemas: grants.targetSchemas, sourceTables, loadTables: grants.loadTables, grantsCommand: settings.grantsCommand },
    buckets: s3RoutesOf(manifest).map((r) => r.bucket),
    secrets: [
      ...(settings.fivetranSecret ? [{ secretId: settings.fivetranSecret, kind: 'fivetran-webhook' as const }] : []),
      ...(settings.secretArn ? [{ secretId: settings.secretArn, kind: 'redshift-credentials' as const }] : []),
    ],
    fivetran: fivetranCredentialsFromEnv(),
  };
}

/** Points the SDK at the running `landfall serve` (its endpoints.json), with the local stack's settings. */
function useLocalStack(stateDir: string): void {
  const file = path.join(stateDir, 'endpoints.json');
  if (!fs.existsSync(file)) throw new UsageError(`--local needs a running \`landfall serve\` (no ${file}; start it with the same --state-dir)`);
  const endpoints = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  for (const [key, value] of Object.entries(endpoints)) if (key.startsWith('AWS_ENDPOINT_URL_') && typeof value === 'string') process.env[key] = value;
  Object.assign(process.env, { AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local', LANDFALL_REDSHIFT_WORKGROUP: 'local', LANDFALL_REDSHIFT_DATABASE: 'dev' });
  delete process.env.AWS_PROFILE;
  delete process.env.LANDFALL_REDSHIFT_CLUSTER;
  delete process.env.LANDFALL_REDSHIFT_SECRET_ARN;
}

/** The AWS SDK clients (lazily required: `landfall build` never loads them). */
export function createClients(region: string, plan: DoctorPlan, local: boolean): DoctorClients {
  const { CloudFormationClient } = require('@aws-sdk/client-cloudformation') as typeof import('@aws-sdk/client-cloudformation');
  const { CloudWatchClient } = require('@aws-sdk/client-cloudwatch') as typeof import('@aws-sdk/client-cloudwatch');
  const { S3Client } = require('@aws-sdk/client-s3') as typeof import('@aws-sdk/client-s3');
  const { SecretsManagerClient } = require('@aws-sdk/client-secrets-manager') as typeof import('@aws-sdk/client-secrets-manager');
  const { SNSClient } = require('@aws-sdk/client-sns') as typeof import('@aws-sdk/client-sns');
  const { SQSClient } = require('@aws-sdk/client-sqs') as typeof import('@aws-sdk/client-sqs');
  const { STSClient } = require('@aws-sdk/client-sts') as typeof import('@aws-sdk/client-sts');
  const clients: DoctorClients = {
    sts: new STSClient({ region }),
    cloudFormation: new CloudFormationClient({ region }),
    sns: new SNSClient({ region }),
    // A local endpoint answers path-style (/<bucket>?notification), as most S3 stand-ins do.
    s3: new S3Client({ region, forcePathStyle: Boolean(process.env.AWS_ENDPOINT_URL_S3) }),
    sqs: new SQSClient({ region }),
    cloudWatch: new CloudWatchClient({ region }),
  };
  if (!local || process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER) clients.secretsManager = new SecretsManagerClient({ region });
  else plan.secretsSkippedBecause = 'the local stack has no Secrets Manager endpoint (its functions read FIVETRAN_WEBHOOK_SECRET)';
  try {
    clients.warehouse = dataApiWarehouse(local);
  } catch (error) {
    plan.warehouseMissingBecause = (error as Error).message.replace(/\n/g, ' ');
  }
  return clients;
}

function dataApiWarehouse(local: boolean): Warehouse {
  const { RedshiftDataWarehouse } = require('../../warehouse/redshift-data-warehouse') as typeof import('../../warehouse/redshift-data-warehouse');
  const { readConnectionTarget } = require('../../warehouse/connection-config') as typeof import('../../warehouse/connection-config');
  return new RedshiftDataWarehouse({ target: local ? LOCAL_CONNECTION : readConnectionTarget() });
}
