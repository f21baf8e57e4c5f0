/**
 * `landfall grants [--stage S] [--region R]`: prints the SQL a Redshift admin runs once before the first run
 * of a deployed stage — the database user the functions connect as (IAM auth: `IAMR:<role name>`, the role
 * name read from serverless.yml), CREATE on the database, USAGE/SELECT on the sources' schemas, INSERT on
 * the tables S3 routes load, ownership of the target schemas. `--user NAME` prints the same grants for the
 * user of a Secrets Manager secret instead.
 */
import path from 'node:path';
import type { Target } from '../engine';
import { compileManifest, readProjectFiles } from '../engine/compile';
import { commonOptions } from './command-context';
import { databaseGrants, grantsScript } from './grants/database-grants';
import { DeploymentFilesError, functionsRoleName, readServerlessConfig } from './grants/functions-role';
import { parseFlags, parseVars, UsageError } from './options';

/** The repository (serverless.yml): two folders above src/cli/, as above dist/cli/ where the CLI bundle runs. */
export const REPO_ROOT = path.resolve(__dirname, '..', '..');

export interface StageFlags {
  stage: string;
  region: string;
}

/** `--stage` (default `dev`, as serverless.yml) and `--region` (default AWS_REGION, else serverless.yml's `us-east-1`). */
export function stageFlags(values: Record<string, unknown>): StageFlags {
  const stage = String(values.stage ?? 'dev');
  const region = String(values.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1');
  if (!/^[a-zA-Z0-9-]+$/.test(stage)) throw new UsageError(`--stage must be letters, digits and hyphens, got ${stage}`);
  if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(region)) throw new UsageError(`--region must be an AWS region such as eu-west-1, got ${region}`);
  return { stage, region };
}

/**
 * @example
 * await grantsCommand(['--stage', 'prod', '--region', 'eu-west-1']) // prints the script, returns 0
 */
export async function grantsCommand(args: string[]): Promise<number> {
  const { values } = parseFlags(args, {
    stage: { type: 'string' },
    region: { type: 'string' },
    database: { type: 'string' },
    user: { type: 'string' },
    'loader-user': { type: 'string', multiple: true },
    dialect: { type: 'string' },
    vars: { type: 'string' },
    'repo-root': { type: 'string' },
  });
  const options = commonOptions(values);
  const { stage, region } = stageFlags(values);
  const dialect = String(values.dialect ?? 'redshift');
  if (dialect !== 'redshift' && dialect !== 'postgres') throw new UsageError(`--dialect must be redshift or postgres, got ${dialect}`);
  const repoRoot = path.resolve(String(values['repo-root'] ?? REPO_ROOT));
  const config = deploymentFiles(() => readServerlessConfig(repoRoot));
  const database = String(values.database ?? process.env.LANDFALL_REDSHIFT_DATABASE ?? (config.params.redshiftDatabase || 'dev'));
  const schema = String(values['target-schema'] ?? process.env.LANDFALL_TARGET_SCHEMA ?? (config.params.targetSchema || 'analytics'));

  const role = values.user === undefined ? deploymentFiles(() => functionsRoleName(repoRoot, { stage, region })) : undefined;
  const user = role ? `IAMR:${role.roleName}` : String(values.user);
  const target: Target = { name: stage, type: 'redshift', schema, database };
  const manifest = compileManifest(readProjectFiles(options.projectDir), { target, cliVars: parseVars(values.vars as string | undefined) });
  const grants = databaseGrants({ manifest, database, user, auth: role ? 'iam' : 'secret', dialect, loaderUsers: values['loader-user'] as string[] | undefined });

  if (options.json) {
    process.stdout.write(`${JSON.stringify({ stage, region, database, user, role: role ?? null, ...grants, statements: grants.statements.map((s) => s.sql) }, null, 2)}\n`);
    return 0;
  }
  const header = [
    `landfall grants for stage ${stage} in ${region}: run once as a superuser (or the namespace admin) on database ${database}.`,
    role
      ? `Functions' IAM role: ${role.roleName} (${role.source})${role.pinned ? '' : ' -- NOT PINNED: the name changes with stage and region'}.`
      : `Database user ${user} (--user): the user of the Secrets Manager secret the functions use (LANDFALL_REDSHIFT_SECRET_ARN).`,
    `Target schema ${schema}; builds in: ${grants.targetSchemas.join(', ') || '(none)'}; reads sources in: ${grants.sourceSchemas.join(', ') || '(none)'}.`,
    role
      ? 'With Secrets Manager auth instead: `landfall grants --user <the secret\'s username>`; the secret needs the tag the IAM policy requires.'
      : 'With IAM auth instead: run without --user.',
    'Then check with `landfall doctor --stage ' + stage + '`.',
  ];
  process.stdout.write(grantsScript(grants, header));
  return 0;
}

/** Problems in serverless.yml are the user's to fix: reported like a usage error (exit 2), with the file. */
export function deploymentFiles<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof DeploymentFilesError) throw new UsageError(error.message);
    throw error;
  }
}
