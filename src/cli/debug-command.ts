/**
 * `landfall debug`, as dbt's: the project, the profile and the chosen output, a round trip to the warehouse
 * (the Redshift Data API, or the embedded warehouse), and the privileges the runs need — CREATE on the target
 * schema (or the database when it does not exist yet), USAGE and SELECT on the sources. Every problem comes with
 * its fix. Exit code 1 when anything failed.
 */
import path from 'node:path';
import { runQuery } from '../engine/warehouse/run-query';
import type { Warehouse } from '../engine/warehouse/warehouse';
import { commonOptions, compileFrom, connectionFor, openCliWarehouse, targetFor, type CommonOptions } from './command-context';
import { profileCandidates } from './profile';
import { parseFlags } from './options';
import { paint } from './colour';

type Check = { ok: boolean | 'skip'; what: string; fix?: string };

/** A SQL string literal of a schema or table name read from the project (never from an event). */
function literal(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

function describeConnection(options: CommonOptions): string {
  const connection = connectionFor(options);
  if (connection.kind === 'environment') return 'Redshift Data API, from the LANDFALL_REDSHIFT_* variables';
  if (connection.kind === 'redshift') {
    const c = connection.target;
    const compute = c.compute.kind === 'serverless' ? `workgroup ${c.compute.workgroupName}` : `cluster ${c.compute.clusterIdentifier}`;
    const auth = c.auth.kind === 'secret' ? `secret ${c.auth.secretArn}` : c.auth.kind === 'db-user' ? `IAM temporary credentials for ${c.auth.dbUser}` : 'your IAM identity';
    return `Redshift Data API: ${compute}, database ${c.database}, as ${auth}${connection.region ? `, region ${connection.region}` : ''}`;
  }
  return options.databaseUrl ? `PostgreSQL at ${options.databaseUrl.replace(/:[^:@/]*@/, ':***@')}` : `the embedded warehouse in ${path.relative(process.cwd(), options.stateDir) || '.'}`;
}

function connectionFix(message: string, redshift: boolean): string {
  if (!redshift) return 'remove the state folder\'s warehouse/ if it is corrupt, or check --database-url';
  if (/AccessDenied|not authorized/i.test(message)) return 'your AWS identity needs redshift-data:ExecuteStatement/DescribeStatement/GetStatementResult, and redshift-serverless:GetCredentials (workgroup) or redshift:GetClusterCredentialsWithIAM (cluster), or secretsmanager:GetSecretValue on secret_arn';
  if (/credential|token/i.test(message)) return 'no AWS credentials: set AWS_PROFILE (or iam_profile in the output) or run `aws sso login`';
  if (/not found|does not exist|ResourceNotFound/i.test(message)) return 'check workgroup_name / cluster_id and region in the output (or LANDFALL_REDSHIFT_* and AWS_REGION)';
  return 'check the output\'s fields against `landfall help debug` and docs/troubleshooting.md';
}

async function probe(warehouse: Warehouse, sql: string): Promise<unknown[][]> {
  return (await runQuery(warehouse, sql, undefined, { timeoutMs: 60_000 })).rows as unknown[][];
}

export async function debugCommand(args: string[]): Promise<number> {
  const { values } = parseFlags(args, {});
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const checks: Check[] = [];
  const report = (check: Check) => {
    checks.push(check);
    const label = check.ok === 'skip' ? paint('SKIP', 'SKIP') : check.ok ? paint('OK', 'PASS') : paint('ERROR', 'ERROR');
    out(`  ${check.what} ${'.'.repeat(Math.max(3, 60 - check.what.length))} [${label}]`);
    if (!check.ok && check.fix) out(`    fix: ${check.fix}`);
  };

  let options: CommonOptions;
  try {
    options = commonOptions(values);
  } catch (error) {
    out('Configuration:');
    report({ ok: false, what: 'project and profile', fix: (error as Error).message });
    return 1;
  }
  out(`landfall debug — project ${options.projectDir}`);
  out('Configuration:');
  const profile = options.profile;
  if (profile) {
    out(`  profiles.yml: ${profile.file}`);
    out(`  profile ${profile.profileName}, target ${profile.targetName} (type ${profile.type || '?'}; outputs: ${profile.outputs.join(', ')})`);
  } else {
    out(`  profiles.yml: none for this project (looked in ${profileCandidates(options.projectDir, values['profiles-dir'] as string | undefined).join(', ')})`);
  }
  const target = targetFor(options);
  out(`  runs on: ${describeConnection(options)}; dialect ${target.type}; schema ${target.schema}`);

  let manifest;
  try {
    manifest = compileFrom(options);
    report({ ok: true, what: `project parses (${Object.keys(manifest.models).length} models, ${Object.keys(manifest.sources).length} sources)` });
  } catch (error) {
    report({ ok: false, what: 'project parses', fix: (error as Error).message });
  }

  out('Connection:');
  const redshift = connectionFor(options).kind === 'environment' || connectionFor(options).kind === 'redshift';
  let opened: Awaited<ReturnType<typeof openCliWarehouse>> | undefined;
  try {
    opened = await openCliWarehouse(options);
    const started = Date.now();
    const [[user, database] = []] = await probe(opened.warehouse, 'select current_user, current_database()');
    report({ ok: true, what: `round trip as ${String(user)} on ${String(database)} in ${Date.now() - started} ms` });

    out('Privileges:');
    const schemas = [...new Set([target.schema, ...Object.values(manifest?.models ?? {}).map((m) => m.relation.schema)])].sort();
    for (const schema of schemas) {
      const [[exists, create] = []] = await probe(opened.warehouse,
        `select count(*) > 0, case when count(*) > 0 then has_schema_privilege(max(nspname), 'CREATE') else has_database_privilege(current_database(), 'CREATE') end from pg_namespace where nspname = ${literal(schema)}`);
      report(exists
        ? { ok: Boolean(create), what: `CREATE on schema ${schema}`, fix: `grant create on schema ${schema} to ${String(user)};  (or \`landfall grants\` for a deployed stage)` }
        : { ok: Boolean(create), what: `CREATE on database (schema ${schema} does not exist yet)`, fix: `grant create on database ${String(database)} to ${String(user)};` });
    }
    for (const source of Object.values(manifest?.sources ?? {})) {
      const { schema, identifier } = source.relation;
      const [[found, select] = []] = await probe(opened.warehouse,
        `select count(*) > 0, bool_and(has_table_privilege(c.oid, 'SELECT')) from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = ${literal(schema)} and c.relname = ${literal(identifier)}`);
      report(found
        ? { ok: Boolean(select), what: `SELECT on source ${schema}.${identifier}`, fix: `grant usage on schema ${schema} to ${String(user)}; grant select on ${schema}.${identifier} to ${String(user)};` }
        : { ok: 'skip', what: `source ${schema}.${identifier} not loaded yet` });
    }
  } catch (error) {
    const message = (error as Error).message;
    report({ ok: false, what: 'connection', fix: `${message.split('\n')[0]} — ${connectionFix(message, redshift)}` });
  } finally {
    await opened?.close();
  }
  const failed = checks.filter((c) => c.ok === false).length;
  out(failed === 0 ? paint('All checks passed!', 'PASS') : paint(`${failed} check${failed === 1 ? '' : 's'} failed: see the fixes above.`, 'ERROR'));
  return failed === 0 ? 0 : 1;
}
