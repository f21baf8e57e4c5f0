import { type PGliteTemplate, openPGliteEngine } from './pglite-engine';
import { openPostgresEngine } from './postgres-engine';
import { type SqlEngine, SqlEngineError } from './sql-engine';

export interface OpenSqlEngineOptions {
  /** A `postgres://` or `postgresql://` URL selects a PostgreSQL server; otherwise PGlite is used. */
  url?: string;
  /** PGlite data directory (default `.landfall/warehouse`). */
  dataDir?: string;
  /** PGlite only: seed a new data directory from this template. */
  template?: PGliteTemplate;
}

/**
 * Opens the local warehouse's engine: PostgreSQL when a URL is given, PGlite otherwise.
 * Rejects with a SqlEngineError for a URL of another scheme.
 *
 * @example
 * const engine = await openSqlEngine({ url: process.env.LANDFALL_POSTGRES_URL });
 */
export function openSqlEngine(options: OpenSqlEngineOptions = {}): Promise<SqlEngine> {
  if (options.url) {
    if (!/^postgres(ql)?:\/\//.test(options.url)) {
      return Promise.reject(new SqlEngineError(`Unsupported database URL "${options.url}": expected postgres://…`));
    }
    return openPostgresEngine(options.url);
  }
  return openPGliteEngine({ dataDir: options.dataDir, template: options.template });
}
