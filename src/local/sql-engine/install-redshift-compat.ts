import { COMPAT_SCHEMA, REDSHIFT_COMPAT_SHIMS_SQL, REDSHIFT_COMPAT_SHIMS_VERSION } from './redshift-shims';
import type { SqlSession } from './sql-engine';

/** Puts the shims' schema on the session's search path, after the default schemas. */
export const COMPAT_SEARCH_PATH_SQL = `SET search_path TO "$user", public, ${COMPAT_SCHEMA}`;

/**
 * Installs the Redshift shim functions unless this exact version is already installed (a marker
 * table records it), then sets the search path. Safe to call on every open.
 *
 * @example
 * await installRedshiftCompat(engine); // engine.query("select getdate()") now works
 */
export async function installRedshiftCompat(session: SqlSession): Promise<void> {
  const marker = await session.query(
    `SELECT to_regclass('${COMPAT_SCHEMA}.installed_version') IS NOT NULL AS present`,
  );
  let installedVersion: string | null = null;
  if (marker.rows[0]?.[0] === 't') {
    installedVersion = (await session.query(`SELECT version FROM ${COMPAT_SCHEMA}.installed_version`)).rows[0]?.[0] ?? null;
  }
  if (installedVersion !== REDSHIFT_COMPAT_SHIMS_VERSION) {
    await session.query(REDSHIFT_COMPAT_SHIMS_SQL);
    await session.query(
      `CREATE TABLE IF NOT EXISTS ${COMPAT_SCHEMA}.installed_version (version text NOT NULL);` +
        `DELETE FROM ${COMPAT_SCHEMA}.installed_version;` +
        `INSERT INTO ${COMPAT_SCHEMA}.installed_version VALUES ('${REDSHIFT_COMPAT_SHIMS_VERSION}')`,
    );
  }
  await session.query(COMPAT_SEARCH_PATH_SQL);
}
