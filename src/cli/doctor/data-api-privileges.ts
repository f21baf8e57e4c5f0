/**
 * The Data API answers, and the functions' database user holds the privileges `landfall grants` gives:
 * CREATE on the database, USAGE on every source schema and SELECT on every source table, INSERT on the tables
 * S3 routes COPY into, and CREATE/USAGE on the target schemas that already exist. Read-only: catalog queries
 * and the `has_*_privilege` functions (Redshift: docs.aws.amazon.com/redshift/latest/dg/r_HAS_SCHEMA_PRIVILEGE.html,
 * r_HAS_TABLE_PRIVILEGE.html, r_HAS_DATABASE_PRIVILEGE.html), every name passed as a Data API parameter.
 */
import { runQuery } from '../../engine/warehouse/run-query';
import type { Warehouse } from '../../engine/warehouse/warehouse';
import { type CheckResult, describeError, fail, pass, skip } from './check-result';

export interface PrivilegeExpectations {
  /** The functions' database user (`IAMR:<role>`); undefined means the user the Data API connects this session as. */
  dbUser?: string;
  database: string;
  targetSchemas: string[];
  sourceTables: { schema: string; identifier: string }[];
  loadTables: { schema: string; identifier: string }[];
  /** The command that prints the grants, for the fix line. */
  grantsCommand: string;
}

interface Probe {
  what: string;
  sql: string;
  parameters: Record<string, string>;
}

/**
 * @example
 * await checkDataApiPrivileges(warehouse, { dbUser: 'IAMR:landfall-prod-data-api', database: 'dev', targetSchemas: ['analytics'], … })
 */
export async function checkDataApiPrivileges(warehouse: Warehouse, expected: PrivilegeExpectations): Promise<CheckResult[]> {
  let user: string;
  let database: string;
  try {
    const who = await runQuery(warehouse, 'select current_user, current_database()');
    user = expected.dbUser ?? String(who.rows[0]?.[0]);
    // The database the Data API connected to (the local engine's own name may differ from the request's `dev`).
    database = String(who.rows[0]?.[1] ?? expected.database);
  } catch (error) {
    return [fail('Data API', `cannot run a statement (${describeError(error)})`,
      'check LANDFALL_REDSHIFT_WORKGROUP/LANDFALL_REDSHIFT_CLUSTER and LANDFALL_REDSHIFT_DATABASE, and that your credentials allow redshift-data:ExecuteStatement and redshift-serverless:GetCredentials (or redshift:GetClusterCredentialsWithIAM)')];
  }
  const results: CheckResult[] = [pass('Data API', `statements run on database ${database}`)];
  try {
    return [...results, ...(await checkPrivileges(warehouse, expected, user, database))];
  } catch (error) {
    return [...results, fail(`privileges of ${user}`, `a catalog query failed (${describeError(error)})`, 'run the grants below as an admin, and check the Data API user can read pg_namespace, pg_tables and pg_user')];
  }
}

async function checkPrivileges(warehouse: Warehouse, expected: PrivilegeExpectations, user: string, database: string): Promise<CheckResult[]> {
  const results: CheckResult[] = [];

  const exists = await runQuery(warehouse, 'select count(*) from pg_user where usename = :user', { user });
  if (Number(exists.rows[0]?.[0]) === 0) {
    return [fail(`database user ${user}`, 'does not exist', `run the SQL \`${expected.grantsCommand}\` prints, as an admin (it creates the user and grants its privileges)`)];
  }

  const schemaRows = await runQuery(warehouse, 'select nspname from pg_namespace');
  const existingSchemas = new Set(schemaRows.rows.map((r) => String(r[0])));
  const tableRows = await runQuery(warehouse, "select schemaname, tablename from pg_tables union all select schemaname, viewname from pg_views");
  const existingTables = new Set(tableRows.rows.map((r) => `${String(r[0])}.${String(r[1])}`));

  const probes: Probe[] = [{ what: `create on database ${database}`, sql: "select has_database_privilege(:user, :database, 'create')", parameters: { user, database } }];
  const missingObjects: string[] = [];
  const sourceSchemas = [...new Set(expected.sourceTables.map((t) => t.schema))].sort();
  for (const schema of sourceSchemas) {
    if (!existingSchemas.has(schema)) missingObjects.push(`source schema ${schema}`);
    else probes.push({ what: `usage on schema ${schema}`, sql: "select has_schema_privilege(:user, :schema, 'usage')", parameters: { user, schema } });
  }
  for (const table of expected.sourceTables) {
    const name = `${table.schema}.${table.identifier}`;
    if (!existingTables.has(name)) missingObjects.push(`source table ${name}`);
    else probes.push({ what: `select on ${name}`, sql: "select has_table_privilege(:user, :table, 'select')", parameters: { user, table: quotedName(table) } });
  }
  for (const table of expected.loadTables) {
    const name = `${table.schema}.${table.identifier}`;
    if (existingTables.has(name)) probes.push({ what: `insert on ${name}`, sql: "select has_table_privilege(:user, :table, 'insert')", parameters: { user, table: quotedName(table) } });
  }
  for (const schema of expected.targetSchemas.filter((s) => existingSchemas.has(s))) {
    probes.push({ what: `create on schema ${schema}`, sql: "select has_schema_privilege(:user, :schema, 'create')", parameters: { user, schema } });
    probes.push({ what: `usage on schema ${schema}`, sql: "select has_schema_privilege(:user, :schema, 'usage')", parameters: { user, schema } });
  }

  const denied: string[] = [];
  for (const probe of probes) {
    const answer = await runQuery(warehouse, probe.sql, probe.parameters);
    if (!isTrue(answer.rows[0]?.[0])) denied.push(probe.what);
  }
  const counted = (prefix: string) => probes.filter((p) => p.what.startsWith(prefix)).length;
  results.push(denied.length === 0
    ? pass(`privileges of ${user}`, `${probes.length} held: create on the database, usage on ${counted('usage on schema') - counted('create on schema')} source schemas, select on ${counted('select on')} source tables, insert on ${counted('insert on')} loaded tables, create on ${counted('create on schema')} existing target schemas`)
    : fail(`privileges of ${user}`, `missing ${denied.join(', ')}`, `run the SQL \`${expected.grantsCommand}\` prints, as an admin`));
  results.push(await checkCatalogStats(warehouse, user, tableRows.rows.map((r) => [String(r[0]), String(r[1])]), expected.grantsCommand));
  if (missingObjects.length > 0) {
    results.push(fail('sources', `not in the database: ${missingObjects.join(', ')}`, 'let the loaders (Fivetran, DMS, Firehose) create them, or create the S3-routed tables before the first load; then run the grants again'));
  }
  return results;
}

/**
 * SELECT on SVV_TABLE_INFO, where `landfall docs generate` reads row counts and sizes: Redshift shows the view only to
 * superusers unless granted (docs.aws.amazon.com/redshift/latest/dg/r_SVV_TABLE_INFO.html). Skipped on a warehouse
 * that has no such view (PostgreSQL); the local Redshift engine's view (landfall_compat) is as private as Redshift's.
 */
async function checkCatalogStats(warehouse: Warehouse, user: string, relations: [string, string][], grantsCommand: string): Promise<CheckResult> {
  const check = 'docs catalog stats';
  const view = relations.find(([, name]) => name === 'svv_table_info');
  if (!view) return skip(check, 'this warehouse has no SVV_TABLE_INFO view (the catalog reads row estimates from pg_class)');
  const answer = await runQuery(warehouse, "select has_table_privilege(:user, :table, 'select')", { user, table: quotedName({ schema: view[0], identifier: view[1] }) });
  return isTrue(answer.rows[0]?.[0])
    ? pass(check, `${user} can read SVV_TABLE_INFO (row counts and sizes in catalog.json)`)
    : fail(check, `${user} cannot read SVV_TABLE_INFO: docs generate's catalog would have no row counts or sizes`, `as an admin: grant select on svv_table_info to "${user.replace(/"/g, '""')}"; (in the SQL \`${grantsCommand}\` prints)`);
}

function quotedName(table: { schema: string; identifier: string }): string {
  return `"${table.schema.replace(/"/g, '""')}"."${table.identifier.replace(/"/g, '""')}"`;
}

/** Booleans arrive as `true`/`false` (Data API booleanValue) or `t`/`f` text. */
function isTrue(value: unknown): boolean {
  return value === true || value === 't' || value === 'true' || value === 1;
}
