/**
 * What every CLI command shares: the common options (project, state folder, database, target schema), the
 * target rule (Redshift when the environment names a cluster or workgroup, else the local warehouse), the
 * in-memory compile with the partial-parse cache, and the warehouse a command runs SQL on. Command files
 * import these from here, never from main.ts (main.ts imports the commands).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Manifest, Target } from '../engine';
import { compileManifest, PARTIAL_PARSE_FILE, PartialParseCache, readProjectFiles } from '../engine/compile';
import { localTarget, openLocalWarehouse } from '../local/local-warehouse';
import type { Warehouse } from '../warehouse/warehouse';
import { UsageError } from './options';
import { readProfileTarget, type ProfileTarget } from './profile';

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
}

export function commonOptions(values: Record<string, unknown>): CommonOptions {
  const projectDir = path.resolve(String(values['project-dir'] ?? 'dbt'));
  if (!fs.existsSync(path.join(projectDir, 'dbt_project.yml'))) {
    throw new UsageError(`--project-dir ${projectDir} holds no dbt_project.yml`);
  }
  const databaseUrl = (values['database-url'] as string | undefined) ?? process.env.LANDFALL_DATABASE_URL;
  const profile = readProfileTarget(projectDir);
  return {
    projectDir,
    stateDir: path.resolve(String(values['state-dir'] ?? '.landfall')),
    databaseUrl,
    // --target-schema, else LANDFALL_TARGET_SCHEMA, else the schema of the project's dbt profile, else `analytics`.
    targetSchema: (values['target-schema'] as string | undefined) ?? process.env.LANDFALL_TARGET_SCHEMA ?? profile?.schema,
    profile,
    json: Boolean(values.json),
    viaDataApi: Boolean(values['via-data-api']),
    partialParse: !values['no-partial-parse'],
  };
}

/** Redshift when the environment names a cluster or workgroup; otherwise the local warehouse. */
export function usesRedshift(): boolean {
  return Boolean(process.env.LANDFALL_REDSHIFT_CLUSTER || process.env.LANDFALL_REDSHIFT_WORKGROUP) && process.env.LANDFALL_DIALECT !== 'postgres';
}

export function targetFor(options: CommonOptions): Target {
  const target = usesRedshift()
    ? { name: 'prod', type: 'redshift' as const, schema: options.targetSchema ?? process.env.LANDFALL_TARGET_SCHEMA ?? 'analytics', database: process.env.LANDFALL_REDSHIFT_DATABASE ?? profileDatabase(options.profile) ?? 'dev' }
    : localTarget({ schema: options.targetSchema, database: profileDatabase(options.profile) });
  return withProfile(target, options.profile);
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
  const parseCache = parseCacheFor(options);
  parseCache?.startCompile();
  const manifest = compileManifest(readProjectFiles(options.projectDir, { parseCache }), { target: targetFor(options), cliVars: vars, parseCache });
  parseCache?.finishCompile();
  return manifest;
}

/**
 * A warehouse for CLI commands: the Data API client against Redshift; locally, the in-process adapter on the
 * local engine (`connections` PostgreSQL sessions, one per thread), or with `--via-data-api` the Data API
 * client against a local endpoint.
 */
export async function openCliWarehouse(options: CommonOptions, connections = 1): Promise<{ warehouse: Warehouse; close: () => Promise<void> }> {
  if (usesRedshift()) {
    const { RedshiftDataWarehouse } = require('../warehouse/redshift-data-warehouse') as typeof import('../warehouse/redshift-data-warehouse');
    const { readConnectionTarget } = require('../warehouse/connection-config') as typeof import('../warehouse/connection-config');
    return { warehouse: new RedshiftDataWarehouse({ target: readConnectionTarget() }), close: async () => undefined };
  }
  return openLocalWarehouse({ stateDir: options.stateDir, databaseUrl: options.databaseUrl, connections, viaDataApi: options.viaDataApi });
}
