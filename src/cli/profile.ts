/**
 * The dbt profile, found as dbt finds it: `profiles.yml` in `--profiles-dir`, `DBT_PROFILES_DIR`, the project
 * folder, or `~/.dbt`; the profile named in `dbt_project.yml`; its `target` (or `--target/-t`); `{{ env_var(...) }}`
 * rendered in every field. The chosen output gives templates `target` (schema, database, user, threads, …) and,
 * for two types, the connection:
 *
 * - `type: redshift` — the Redshift Data API: `workgroup_name` (Serverless) or `cluster_id` (provisioned; also
 *   read from a dbt-redshift `host` such as `mycluster.abc123.eu-west-1.redshift.amazonaws.com`), `dbname`, `schema`,
 *   and `secret_arn` (Secrets Manager), or `user` with `method: iam` on a cluster (temporary credentials), or
 *   neither (the caller's IAM identity); `region` and `iam_profile` for the AWS client.
 * - `type: landfall` — the embedded warehouse in the state folder.
 *
 * Other types (`postgres`, …) give the schema and database only; SQL then runs on the embedded warehouse (or
 * `--database-url`).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as yaml from 'js-yaml';
import { renderTemplate } from '../engine/jinja/environment';
import { ConnectionConfigError, readConnectionTarget, type ConnectionTarget } from '../warehouse/connection-config';
import { UsageError } from './options';
import { didYouMean } from './suggest';

export type ProfileConnection =
  | { kind: 'redshift'; target: ConnectionTarget; region?: string; awsProfile?: string }
  | { kind: 'embedded' }
  | { kind: 'none' };

export interface ProfileTarget {
  file: string;
  targetName: string;
  /** The output's `type` (redshift, landfall, postgres, …). */
  type: string;
  schema: string;
  /** The profile's name in dbt_project.yml (`target.profile_name`). */
  profileName: string;
  /** The output's other fields, rendered (`dbname`/`database`, `user`, `threads`, `host`, …), secrets left out. */
  fields: Record<string, string | number | boolean>;
  /** What SQL runs on when this output is chosen (see the file's header). */
  connection: ProfileConnection;
  /** The names of all the profile's outputs (for `debug` and did-you-mean). */
  outputs: string[];
}

export interface ProfileChoice {
  /** `--target/-t`: an output of the profile (an error when it has none of that name). */
  target?: string;
  /** `--profiles-dir`. */
  profilesDir?: string;
}

/** Output fields that hold credentials: never handed to templates. */
const SECRET_FIELD = /pass|secret|token|private|key/i;

/** Where profiles.yml is looked for, in dbt's order. */
export function profileCandidates(projectDir: string, profilesDir?: string): string[] {
  const dirs = profilesDir !== undefined ? [profilesDir] : [process.env.DBT_PROFILES_DIR, projectDir, path.join(os.homedir(), '.dbt')];
  return dirs.filter((d): d is string => Boolean(d)).map((d) => path.join(path.resolve(d), 'profiles.yml'));
}

type ProfilesFile = Record<string, { target?: string; outputs?: Record<string, Record<string, unknown>> } | undefined>;

export function readProfileTarget(projectDir: string, choice: ProfileChoice = {}): ProfileTarget | undefined {
  const candidates = profileCandidates(projectDir, choice.profilesDir);
  const file = candidates.find((f) => fs.existsSync(f));
  if (!file) {
    if (choice.profilesDir !== undefined) throw new UsageError(`--profiles-dir ${choice.profilesDir} holds no profiles.yml`);
    if (choice.target !== undefined) throw new UsageError(`--target ${choice.target}: no profiles.yml found (looked in ${candidates.join(', ')})`);
    return undefined;
  }
  const project = yaml.load(fs.readFileSync(path.join(projectDir, 'dbt_project.yml'), 'utf8')) as { profile?: string } | undefined;
  let profiles: ProfilesFile | undefined;
  try {
    profiles = yaml.load(fs.readFileSync(file, 'utf8')) as ProfilesFile | undefined;
  } catch (error) {
    throw new UsageError(`${file} is not valid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  const profileName = project?.profile;
  const profile = profileName ? profiles?.[profileName] : undefined;
  if (!profile?.outputs) {
    if (choice.target === undefined && choice.profilesDir === undefined) return undefined;
    const names = Object.keys(profiles ?? {}).filter((k) => k !== 'config');
    throw new UsageError(`${file} has no profile '${profileName ?? '(dbt_project.yml names none)'}' with outputs${profileName ? didYouMean(profileName, names) : ''}; dbt_project.yml's \`profile:\` names the one to use`);
  }
  const render = (value: string, field: string) => {
    // Text with no Jinja renders to itself: no template to compile (the first compile of a process loads nunjucks' compiler).
    if (!/\{[{%#]/.test(value)) return value.trim();
    try {
      return renderTemplate(value, { env_var: envVar }, { file }).trim();
    } catch (error) {
      throw new UsageError(`${file}: ${profileName}.${field}: ${(error as Error).message}`);
    }
  };
  const outputs = Object.keys(profile.outputs);
  const name = choice.target ?? (profile.target ? render(profile.target, 'target') : outputs[0]!);
  const output = profile.outputs[name];
  if (!output) {
    throw new UsageError(`${file}: profile '${profileName}' has no output '${name}'${didYouMean(name, outputs)}; its outputs: ${outputs.join(', ')}`);
  }
  const fields: Record<string, string | number | boolean> = {};
  const secrets: Record<string, string> = {};
  for (const [key, value] of Object.entries(output)) {
    const text = typeof value === 'string' ? render(value, `outputs.${name}.${key}`) : value;
    if (SECRET_FIELD.test(key)) {
      if (typeof text === 'string') secrets[key] = text;
      continue;
    }
    if (typeof text === 'number' || typeof text === 'boolean') fields[key] = text;
    else if (typeof text === 'string') fields[key] = /^\d+$/.test(text) && (key === 'port' || key === 'threads') ? Number(text) : text;
  }
  const type = String(fields.type ?? '');
  const schema = fields.schema;
  if (typeof schema !== 'string' || schema === '') {
    throw new UsageError(`${file}: output '${name}' of profile '${profileName}' has no schema (the schema models land in)`);
  }
  const where = `${file}: output '${name}' of profile '${profileName}'`;
  return { file, targetName: name, type, schema, profileName: profileName!, fields, outputs, connection: connectionOf(type, fields, secrets, where) };
}

function envVar(name: string, fallback?: string): string {
  const value = process.env[name] ?? fallback;
  if (value === undefined) throw new Error(`Env var required but not provided: '${name}'`);
  return value;
}

/** dbt-redshift's host names the cluster (or Serverless workgroup) and the region. */
function fromHost(host: string): { cluster?: string; workgroup?: string; region?: string } {
  const serverless = /^([a-z0-9-]+)\.\d{12}\.([a-z0-9-]+)\.redshift-serverless\.amazonaws\.com$/.exec(host);
  if (serverless) return { workgroup: serverless[1], region: serverless[2] };
  const cluster = /^([a-z][a-z0-9-]*)\.[a-z0-9]+\.([a-z0-9-]+)\.redshift\.amazonaws\.com$/.exec(host);
  if (cluster) return { cluster: cluster[1], region: cluster[2] };
  return {};
}

function connectionOf(type: string, fields: Record<string, string | number | boolean>, secrets: Record<string, string>, where: string): ProfileConnection {
  if (type === 'landfall') return { kind: 'embedded' };
  if (type !== 'redshift') return { kind: 'none' };
  const text = (key: string) => (fields[key] === undefined ? undefined : String(fields[key]));
  const host = text('host') ? fromHost(text('host')!) : {};
  const method = text('method') ?? 'iam';
  if (method === 'database' && !secrets.secret_arn) {
    throw new UsageError(`${where}: method 'database' (user and password) needs a direct connection; landfall uses the Redshift Data API: set secret_arn (a Secrets Manager secret holding the user and password), or method: iam`);
  }
  const cluster = text('cluster_id') ?? text('cluster_identifier') ?? host.cluster;
  const workgroup = text('workgroup_name') ?? host.workgroup;
  const secretArn = secrets.secret_arn;
  const env = {
    LANDFALL_REDSHIFT_CLUSTER: workgroup ? undefined : cluster,
    LANDFALL_REDSHIFT_WORKGROUP: workgroup,
    LANDFALL_REDSHIFT_DATABASE: text('dbname') ?? text('database'),
    LANDFALL_REDSHIFT_SECRET_ARN: secretArn,
    // A cluster with IAM and a user: temporary credentials for that database user (GetClusterCredentials).
    LANDFALL_REDSHIFT_DB_USER: !secretArn && cluster && !workgroup ? text('user') : undefined,
  };
  try {
    const target = readConnectionTarget(env);
    const region = text('region') ?? host.region;
    return { kind: 'redshift', target, ...(region ? { region } : {}), ...(text('iam_profile') ? { awsProfile: text('iam_profile') } : {}) };
  } catch (error) {
    if (!(error instanceof ConnectionConfigError)) throw error;
    const problems = error.problems.map((p) => p
      .replace(/LANDFALL_REDSHIFT_CLUSTER/g, 'cluster_id (or a dbt-redshift host)').replace(/LANDFALL_REDSHIFT_WORKGROUP/g, 'workgroup_name')
      .replace(/LANDFALL_REDSHIFT_DATABASE/g, 'dbname').replace(/LANDFALL_REDSHIFT_SECRET_ARN/g, 'secret_arn').replace(/LANDFALL_REDSHIFT_DB_USER/g, 'user'));
    throw new UsageError(`${where} (type redshift):\n- ${problems.join('\n- ')}`);
  }
}
