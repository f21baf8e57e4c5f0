/**
 * The SQL a database admin runs once so the functions' database user can do what a run does: create the
 * target schemas' relations (and swap and drop them, which needs ownership), read every source the models
 * select from, COPY into the tables S3/Firehose routes load, and keep the load ledger. Pure: from the compiled
 * project and a few names to text.
 *
 * Redshift forms: `CREATE USER name PASSWORD DISABLE` (a user that logs on only with IAM temporary credentials;
 * docs.aws.amazon.com/redshift/latest/dg/r_CREATE_USER.html), `GRANT … ON ALL TABLES IN SCHEMA` and
 * `ALTER DEFAULT PRIVILEGES [FOR USER …] IN SCHEMA` (r_GRANT.html, r_ALTER_DEFAULT_PRIVILEGES.html),
 * `CREATE SCHEMA IF NOT EXISTS … AUTHORIZATION` and `ALTER SCHEMA … OWNER TO` (r_CREATE_SCHEMA.html, r_ALTER_SCHEMA.html),
 * `GRANT SELECT ON svv_table_info` for the docs catalog's row counts and sizes (r_SVV_TABLE_INFO.html).
 */
import type { Manifest } from '../../engine';
import { LEDGER_SCHEMA } from '../../ingest/copy-statements';
import { s3RoutesOf } from '../../ingest/s3-routes';

export interface GrantsRequest {
  manifest: Manifest;
  database: string;
  /** The database user the functions connect as, e.g. `IAMR:landfall-prod-data-api`. */
  user: string;
  /** How the user exists: IAM (`IAMR:`, created password-less) or a password user behind a Secrets Manager secret. */
  auth: 'iam' | 'secret';
  /** `redshift` for the real thing; `postgres` for the same grants on the local engine (roles instead of users). */
  dialect: 'redshift' | 'postgres';
  /** Database users the loaders (Fivetran, DMS) create source tables as: default privileges for their future tables. */
  loaderUsers?: string[];
}

export interface DatabaseGrants {
  /** Schemas models, seeds and stored test failures are built in: owned by the user. */
  targetSchemas: string[];
  /** Schemas of the sources the models read: usage and select. */
  sourceSchemas: string[];
  /** Tables the S3 routes COPY into: insert. */
  loadTables: { schema: string; identifier: string }[];
  /** One statement per entry, with comment lines before it. */
  statements: { comment?: string; sql: string }[];
}

/** Redshift's table summary view (in pg_catalog) the docs catalog reads row counts and sizes from. */
export const SVV_TABLE_INFO = 'svv_table_info';

/** A double-quoted identifier (Redshift and PostgreSQL agree: `"` doubled inside). */
export function quoteIdentifier(name: string): string {
  if (name.length === 0) throw new Error('an identifier cannot be empty');
  return `"${name.replace(/"/g, '""')}"`;
}

function sortedUnique(values: Iterable<string>): string[] {
  return [...new Set(values)].sort();
}

/**
 * @example
 * databaseGrants({ manifest, database: 'dev', user: 'IAMR:landfall-prod-data-api', auth: 'iam', dialect: 'redshift' }).statements
 * // create user "IAMR:landfall-prod-data-api" password disable; grant create on database "dev" to …; …
 */
export function databaseGrants(request: GrantsRequest): DatabaseGrants {
  const { manifest } = request;
  const user = quoteIdentifier(request.user);
  const targetSchemas = sortedUnique([
    ...Object.values(manifest.models).filter((m) => m.config.materialized !== 'ephemeral' && m.config.enabled !== false).map((m) => m.relation.schema),
    ...Object.values(manifest.seeds).map((s) => s.relation.schema),
    ...Object.values(manifest.tests).flatMap((t) => (t.storeFailuresIn ? [t.storeFailuresIn.schema] : [])),
  ]);
  const routes = s3RoutesOf(manifest);
  const sourceSchemas = sortedUnique(Object.values(manifest.sources).filter((s) => !s.relation.database || s.relation.database === request.database).map((s) => s.relation.schema)).filter((s) => !targetSchemas.includes(s));
  const loadTables = routes.map((r) => r.relation).sort((a, b) => `${a.schema}.${a.identifier}`.localeCompare(`${b.schema}.${b.identifier}`));
  const owned = sortedUnique([...targetSchemas, ...(routes.length > 0 ? [LEDGER_SCHEMA] : [])]);

  const statements: DatabaseGrants['statements'] = [];
  if (request.dialect === 'redshift') {
    statements.push(
      request.auth === 'iam'
        ? {
            comment:
              'The functions connect through the Data API with IAM auth, as the database user IAMR:<role name>\n' +
              '(docs.aws.amazon.com/redshift/latest/mgmt/data-api-iam.html: "IAM role sample_role maps to IAMR:sample_role").\n' +
              'Redshift creates that user at the first connection, with no privileges; creating it now lets the grants name it.\n' +
              'Skip this line if `select usename from pg_user where usename = ...` already finds it.',
            sql: `create user ${user} password disable`,
          }
        : {
            comment: 'Secrets Manager auth: the functions connect as the user in the secret (SecretString {"username": …, "password": …}).\nSkip this line if the user exists; otherwise choose a password and store the same one in the secret.',
            sql: `create user ${user} password '<choose a password: 8-64 chars, upper, lower and a digit>'`,
          },
    );
  } else {
    statements.push({ comment: 'The local engine (PostgreSQL): a login role stands in for the Redshift user.', sql: `create role ${user} login` });
    statements.push({ comment: 'The postgres dialect installs its swap helpers (landfall_swap_relation, …) in public; Redshift needs none.', sql: `grant create on schema public to ${user}` });
  }
  statements.push({ comment: 'Create schemas in the database.', sql: `grant create on database ${quoteIdentifier(request.database)} to ${user}` });
  if (request.dialect === 'redshift') {
    statements.push({
      comment: '`landfall docs generate` reads row counts and sizes for the docs catalog from SVV_TABLE_INFO, which "is visible only to\n' +
        'superusers ... To permit a user to query the view, grant SELECT permission on SVV_TABLE_INFO to the user"\n' +
        '(docs.aws.amazon.com/redshift/latest/dg/r_SVV_TABLE_INFO.html). Without it the catalog has columns and types only.',
      sql: `grant select on ${SVV_TABLE_INFO} to ${user}`,
    });
  }
  sourceSchemas.forEach((schema, i) => {
    const q = quoteIdentifier(schema);
    const loaders = request.loaderUsers ?? [];
    statements.push({ comment: i === 0 ? 'Source schemas: the models read them.' : undefined, sql: `grant usage on schema ${q} to ${user}` });
    statements.push({ sql: `grant select on all tables in schema ${q} to ${user}` });
    if (loaders.length === 0) {
      statements.push({
        comment: i === 0 ? 'Tables created later by the user running this script; for the tables a loader creates, run\n`landfall grants --loader-user <its database user>` (default privileges are per creating user).' : undefined,
        sql: `alter default privileges in schema ${q} grant select on tables to ${user}`,
      });
    }
    for (const loader of loaders) {
      statements.push({ comment: `Tables ${loader} creates in ${schema} later are readable too.`, sql: `alter default privileges for user ${quoteIdentifier(loader)} in schema ${q} grant select on tables to ${user}` });
    }
  });
  loadTables.forEach((table, i) => {
    statements.push({
      comment: i === 0 ? 'S3 routes: landfall COPYs delivered files into these tables (create them first).' : undefined,
      sql: `grant insert on table ${quoteIdentifier(table.schema)}.${quoteIdentifier(table.identifier)} to ${user}`,
    });
  });
  owned.forEach((schema, i) => {
    const q = quoteIdentifier(schema);
    statements.push({
      comment: i === 0
        ? `Schemas landfall builds in (and \`${LEDGER_SCHEMA}\`, the S3 load ledger): it creates, swaps and drops relations there, which needs\nownership. Relations already there that another user owns need \`alter table … owner to\` too.`
        : undefined,
      sql: `create schema if not exists ${q} authorization ${user}`,
    });
    statements.push({ sql: `alter schema ${q} owner to ${user}` });
  });
  return { targetSchemas, sourceSchemas, loadTables, statements };
}

/** The statements as a script: comments as `--` lines, one statement per line ending in `;`. */
export function grantsScript(grants: DatabaseGrants, header: string[]): string {
  const lines = header.map((line) => `-- ${line}`);
  for (const statement of grants.statements) {
    if (statement.comment) lines.push('', ...statement.comment.split('\n').map((line) => `-- ${line}`));
    lines.push(`${statement.sql};`);
  }
  return `${lines.join('\n')}\n`;
}
