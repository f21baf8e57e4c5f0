/**
 * What every CLI command shares: the common options (project, state folder, database, target schema), the
 * target rule (a profiles.yml output, or Redshift when the environment names a cluster or workgroup, else the local warehouse), the
 * in-memory compile with the partial-parse cache, and the warehouse a command runs SQL on. Command files
 * import these from here, never from main.ts (main.ts imports the commands).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Manifest, Target } from '../engine';
import { compileManifest, PARTIAL_PARSE_FILE, PartialParseCache, readProjectFiles } from '../engine/compile';
import type { ProjectFiles } from '../engine/project/project-files';
import { localTarget } from '../local/local-target';
import type { Warehouse } from '../engine/warehouse/warehouse';
import { UsageError } from './options';
import { readProfileTarget, type ProfileConnection, type ProfileTarget } from './profile';

export interface CommonOptions {
  projectDir: string;
  stateDir: string;
  databaseUrl?: string;
  targetSchema?: string;
  json: boolean;
  /** Local warehouse only: go through the AWS SDK client and a local Data API endpoint instead of in-process. */
  viaDataApi?: boolean;
  /** Reuse the parse results of files unchanged since the last command (`--no-partial-parse` turns it off, as in dbt). */
  partialParse: boolean;
  /** The project's dbt profile output, when there is one: templates read it as `target` (name, database, user, threads, …). */
  profile?: ProfileTarget;
  /** The output was chosen with `--target/-t` (it then wins over the LANDFALL_REDSHIFT_* variables). */
  explicitTarget?: boolean;
}

/**
 * The project a command works on: `--project-dir`, else the nearest folder from here upwards holding a
 * dbt_project.yml (as dbt finds it when run inside a project), else `./dbt` (this repository's sample project).
 */
export function findProjectDir(explicit: unknown, from = process.cwd()): string {
  if (explicit !== undefined) {
    const dir = path.resolve(String(explicit));
    if (!fs.existsSync(path.join(dir, 'dbt_project.yml'))) throw new UsageError(`--project-dir ${dir} holds no dbt_project.yml`);
    return dir;
  }
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'dbt_project.yml'))) return dir;
    if (path.dirname(dir) === dir) break;
  }
  const fallback = path.resolve(from, 'dbt');
  if (fs.existsSync(path.join(fallback, 'dbt_project.yml'))) return fallback;
  throw new UsageError(`no dbt project here: no dbt_project.yml in ${path.resolve(from)} or the folders above it, and no ./dbt; run inside a dbt project or pass --project-dir DIR`);
}

export function commonOptions(values: Record<string, unknown>): CommonOptions {
  const projectDir = findProjectDir(values['project-dir']);
  // Run inside a project (or below it), the state folder sits in the project, as dbt's target/ does.
  const insideProject = values['project-dir'] === undefined && (process.cwd() + path.sep).startsWith(projectDir + path.sep);
  const databaseUrl = (values['database-url'] as string | undefined) ?? process.env.LANDFALL_DATABASE_URL;
  const explicitTarget = values.target as string | undefined;
  const profile = readProfileTarget(projectDir, { target: explicitTarget, profilesDir: values['profiles-dir'] as string | undefined });
  return {
    projectDir,
    stateDir: path.resolve(String(values['state-dir'] ?? (insideProject ? path.join(projectDir, '.landfall') : '.landfall'))),
    databaseUrl,
    // --target-schema, else LANDFALL_TARGET_SCHEMA, else the schema of the project's dbt profile, else `analytics`.
    targetSchema: (values['target-schema'] as string | undefined) || process.env.LANDFALL_TARGET_SCHEMA || profile?.schema,
    profile,
    explicitTarget: explicitTarget !== undefined,
    json: Boolean(values.json),
    viaDataApi: Boolean(values['via-data-api']),
    partialParse: !values['no-partial-parse'],
  };
}

/** The environment names a Redshift cluster or workgroup (the functions' own configuration; README). */
function environmentNamesRedshift(): boolean {
  return Boolean(process.env.LANDFALL_REDSHIFT_CLUSTER || process.env.LANDFALL_REDSHIFT_WORKGROUP) && process.env.LANDFALL_DIALECT !== 'postgres';
}

/**
 * Where SQL runs. An explicit `--target` output wins; else the LANDFALL_REDSHIFT_* variables when set (as the
 * functions read them); else the profile's default output; else the embedded warehouse.
 */
export function connectionFor(options?: CommonOptions): ProfileConnection | { kind: 'environment' } {
  const fromProfile = options?.profile?.connection;
  if (options?.explicitTarget && fromProfile && fromProfile.kind !== 'none') return fromProfile;
  if (environmentNamesRedshift()) return { kind: 'environment' };
  return fromProfile ?? { kind: 'none' };
}

/** Redshift (through the Data API) rather than the local warehouse. */
export function usesRedshift(options?: CommonOptions): boolean {
  const connection = connectionFor(options);
  return connection.kind === 'environment' || connection.kind === 'redshift';
}

export function targetFor(options: CommonOptions): Target {
  const connection = connectionFor(options);
  const target = connection.kind === 'environment' || connection.kind === 'redshift'
    ? { name: 'prod', type: 'redshift' as const, schema: options.targetSchema ?? process.env.LANDFALL_TARGET_SCHEMA ?? 'analytics', database: (connection.kind === 'redshift' ? connection.target.database : process.env.LANDFALL_REDSHIFT_DATABASE) ?? profileDatabase(options.profile) ?? 'dev' }
    : localTarget({ schema: options.targetSchema, database: localDatabase(options.databaseUrl) });
  return withProfile(target, options.profile);
}

/**
 * The database the local warehouse really is, whatever the profile names (dbt prints relations as
 * `"database"."schema"."table"`, and PostgreSQL refuses a three-part name of another database): the URL's
 * database on a PostgreSQL server, else PGlite's (`dev`, src/local/sql-engine/pglite-engine.ts).
 */
function localDatabase(databaseUrl: string | undefined): string {
  if (!databaseUrl || !/^postgres(ql)?:\/\//.test(databaseUrl)) return 'dev';
  const url = new URL(databaseUrl);
  // libpq's default database is the user's name.
  return decodeURIComponent(url.pathname.slice(1)) || decodeURIComponent(url.username) || 'postgres';
}

function profileDatabase(profile: ProfileTarget | undefined): string | undefined {
  const value = profile?.fields.dbname ?? profile?.fields.database;
  return value === undefined ? undefined : String(value);
}

/** dbt's `target` reads the profile output: its name, user, threads and other fields (never secrets). */
function withProfile(target: Target, profile: ProfileTarget | undefined): Target {
  if (!profile) return target;
  const { fields } = profile;
  const threads = Number(fields.threads);
  return {
    ...target,
    name: profile.targetName,
    profileName: profile.profileName,
    ...(fields.user !== undefined ? { user: String(fields.user) } : {}),
    ...(Number.isInteger(threads) && threads > 0 ? { threads } : {}),
    extra: Object.fromEntries(Object.entries(fields).filter(([key]) => !['type', 'schema', 'dbname', 'database', 'user', 'threads'].includes(key))),
  };
}

/** The parse cache of the state folder (dbt's partial parsing), unless `--no-partial-parse`. */
export function parseCacheFor(options: CommonOptions): PartialParseCache | undefined {
  return options.partialParse ? PartialParseCache.open(path.join(options.stateDir, PARTIAL_PARSE_FILE)) : undefined;
}

/** Compile the project in memory for `ls`/`build`/`run`/…, reparsing only files changed since the last command. */
export function compileFrom(options: CommonOptions, vars: Record<string, unknown> = {}): Manifest {
  return compileWithFiles(options, vars).manifest;
}

/** compileFrom, with the project files it read (`docs generate` reads descriptions from them instead of reparsing). */
export function compileWithFiles(options: CommonOptions, vars: Record<string, unknown> = {}): { manifest: Manifest; files: ProjectFiles } {
  const parseCache = parseCacheFor(options);
  parseCache?.startCompile();
  const files = readProjectFiles(options.projectDir, { parseCache });
  const manifest = compileManifest(files, { target: targetFor(options), cliVars: vars, parseCache });
  parseCache?.finishCompile();
  return { manifest, files };
}

/**
 * A warehouse for CLI commands: the Data API client against Redshift; locally, the in-process adapter on the
 * local engine (`connections` PostgreSQL sessions, one per thread), or with `--via-data-api` the Data API
 * client against a local endpoint.
 */
export async function openCliWarehouse(options: CommonOptions, connections = 1): Promise<{ warehouse: Warehouse; close: () => Promise<void> }> {
  const connection = connectionFor(options);
  if (connection.kind === 'environment' || connection.kind === 'redshift') {
    const { RedshiftDataWarehouse } = require('../warehouse/redshift-data-warehouse') as typeof import('../warehouse/redshift-data-warehouse');
    const { RedshiftDataClient } = require('@aws-sdk/client-redshift-data') as typeof import('@aws-sdk/client-redshift-data');
    if (connection.kind === 'redshift') {
      const client = new RedshiftDataClient({ ...(connection.region ? { region: connection.region } : {}), ...(connection.awsProfile ? { profile: connection.awsProfile } : {}) });
      return { warehouse: new RedshiftDataWarehouse({ client, target: connection.target }), close: async () => client.destroy() };
    }
    const { readConnectionTarget } = require('../warehouse/connection-config') as typeof import('../warehouse/connection-config');
    return { warehouse: new RedshiftDataWarehouse({ target: readConnectionTarget() }), close: async () => undefined };
  }
  // Required here, not imported: `landfall compile` and the other commands that never query do not load the local engine.
  const { openLocalWarehouse } = require('../local/local-warehouse') as typeof import('../local/local-warehouse');
  return openLocalWarehouse({ stateDir: options.stateDir, databaseUrl: options.databaseUrl, connections, viaDataApi: options.viaDataApi });
}
