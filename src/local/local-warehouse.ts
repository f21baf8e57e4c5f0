/**
 * The local warehouse as the CLI, benchmarks and tests reach it, so none of them assembles engine,
 * endpoint and client by hand:
 *
 * - {@link openLocalWarehouse}: the CLI's choice. By default the in-process adapter on the local SQL
 *   engine (a pool of `connections` sessions on PostgreSQL); with `viaDataApi`, the production adapter —
 *   the real `RedshiftDataClient` — against a local Data API endpoint on the same engine.
 * - {@link connectLocalWarehouse}: the production adapter against a local endpoint, on an engine you opened.
 *
 * Heavy modules (PGlite, the AWS SDK) are loaded only by the paths that use them (`require` at the point of use).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ConnectionTarget } from '../warehouse/connection-config';
import type { RedshiftDataWarehouse } from '../warehouse/redshift-data-warehouse';
import type { Warehouse } from '../engine/warehouse/warehouse';
import { connectInProcessWarehouse } from './in-process-warehouse';
import { type SqlEngine, SqlEngineError } from './sql-engine/sql-engine';

/** The local endpoint accepts any workgroup; `local` mirrors a Serverless workgroup with IAM auth. */
export const LOCAL_CONNECTION: ConnectionTarget = { compute: { kind: 'serverless', workgroupName: 'local' }, database: 'dev', auth: { kind: 'iam' } };

// Its own module, so that compiling never loads this one (the local SQL engine).
export { localTarget } from './local-target';

export interface LocalWarehouse {
  warehouse: RedshiftDataWarehouse;
  /** The Data API endpoint, e.g. `http://127.0.0.1:41234`. */
  url: string;
  /** Stops the client and the endpoint; the engine stays open (its owner closes it). */
  close(): Promise<void>;
}

/**
 * The production adapter (the AWS SDK's `RedshiftDataClient`) against a local Data API endpoint on
 * `engine` — one engine, or several sessions of one database that run statements at once.
 *
 * @example
 * const engine = await openPGliteEngine({ inMemory: true });
 * const { warehouse, close } = await connectLocalWarehouse(engine);
 */
export async function connectLocalWarehouse(engine: SqlEngine | readonly SqlEngine[]): Promise<LocalWarehouse> {
  const { RedshiftDataClient } = require('@aws-sdk/client-redshift-data') as typeof import('@aws-sdk/client-redshift-data');
  const { RedshiftDataWarehouse } = require('../warehouse/redshift-data-warehouse') as typeof import('../warehouse/redshift-data-warehouse');
  const { startLocalDataApi } = require('./data-api/local-data-api') as typeof import('./data-api/local-data-api');
  const api = await startLocalDataApi({ engine, port: 0 });
  const client = new RedshiftDataClient({ endpoint: api.url, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  return {
    warehouse: new RedshiftDataWarehouse({ client, target: LOCAL_CONNECTION }),
    url: api.url,
    close: async () => {
      client.destroy();
      await api.close();
    },
  };
}

export interface LocalSqlEnginesOptions {
  /** PGlite keeps its data in `<stateDir>/warehouse`. */
  stateDir: string;
  /** A `postgres://` URL selects a PostgreSQL server instead of PGlite. */
  databaseUrl?: string;
  /** PostgreSQL only: sessions (connections) to open, for that many statements at once. Default 1. PGlite is always one. */
  connections?: number;
}

/**
 * Opens the local warehouse's SQL engine: `connections` sessions on a PostgreSQL server, or the PGlite
 * database in the state directory (seeded from the shared template on first use).
 *
 * @example
 * const engines = await openLocalSqlEngines({ stateDir: '.landfall', databaseUrl: 'postgres://…', connections: 4 });
 */
export async function openLocalSqlEngines(options: LocalSqlEnginesOptions): Promise<SqlEngine[]> {
  const { first, more } = await openSessions(options);
  const others = await Promise.allSettled(more);
  const opened = [first, ...others.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []))];
  const failure = others.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failure) {
    await Promise.all(opened.map((engine) => engine.close()));
    throw failure.reason;
  }
  return opened;
}

/** The first session, open; and the sessions still opening (PostgreSQL connections beyond the first). */
async function openSessions(options: LocalSqlEnginesOptions): Promise<{ first: SqlEngine; more: Promise<SqlEngine>[] }> {
  if (!options.databaseUrl) {
    const { openPGliteEngine, prepareTemplate, sharedTemplateDir } = require('./sql-engine/pglite-engine') as typeof import('./sql-engine/pglite-engine');
    const dataDir = path.join(options.stateDir, 'warehouse');
    const template = fs.existsSync(path.join(dataDir, 'PG_VERSION')) ? undefined : await prepareTemplate(sharedTemplateDir());
    return { first: await openPGliteEngine({ dataDir, template }), more: [] };
  }
  const url = options.databaseUrl;
  if (!/^postgres(ql)?:\/\//.test(url)) throw new SqlEngineError(`Unsupported database URL "${url}": expected postgres://…`);
  const { openPostgresEngine } = withoutCloudflareProbe(() => require('./sql-engine/postgres-engine') as typeof import('./sql-engine/postgres-engine'));
  // The first session installs the Redshift shims when they are missing; the others then only find them.
  const first = await openPostgresEngine(url);
  return { first, more: Array.from({ length: Math.max(1, options.connections ?? 1) - 1 }, () => openPostgresEngine(url)) };
}

/**
 * Loads `pg` without its Cloudflare Workers probe: when `navigator` is missing (Node 20; Node 21+ defines it),
 * pg 8 constructs a fetch `Response` at load to find out, which loads undici — tens of ms of every CLI start.
 * A Node-like `navigator` stands in for the moment of loading only.
 */
function withoutCloudflareProbe<T>(load: () => T): T {
  if ('navigator' in globalThis) return load();
  Object.defineProperty(globalThis, 'navigator', { value: { userAgent: `Node.js/${process.versions.node}` }, configurable: true });
  try {
    return load();
  } finally {
    delete (globalThis as { navigator?: unknown }).navigator;
  }
}

export interface OpenLocalWarehouseOptions extends LocalSqlEnginesOptions {
  /** Go through the real AWS SDK client and a local Data API endpoint (HTTP) instead of the in-process adapter. */
  viaDataApi?: boolean;
}

/**
 * The local warehouse for one CLI command; `close()` waits for running statements and closes the engine.
 *
 * @example
 * const { warehouse, close } = await openLocalWarehouse({ stateDir: '.landfall', databaseUrl, connections: 4 });
 * try { await runQuery(warehouse, 'select 1'); } finally { await close(); }
 */
export async function openLocalWarehouse(options: OpenLocalWarehouseOptions): Promise<{ warehouse: Warehouse; close(): Promise<void> }> {
  if (options.viaDataApi) {
    const engines = await openLocalSqlEngines(options);
    const closeEngines = () => Promise.all(engines.map((engine) => engine.close())).then(() => undefined);
    const local = await connectLocalWarehouse(engines).catch(async (error) => {
      await closeEngines();
      throw error;
    });
    return {
      warehouse: local.warehouse,
      close: async () => {
        await local.close();
        await closeEngines();
      },
    };
  }
  // In-process, the run starts on the first session; the other connections join the pool as they open
  // (one that fails to open is left out: the run goes on, on fewer sessions).
  const { first, more } = await openSessions(options);
  const { warehouse, close } = connectInProcessWarehouse(first);
  const joined = more.map((opening) =>
    opening.then(
      (engine) => {
        warehouse.store.addSession(engine);
        return engine;
      },
      () => undefined,
    ));
  return {
    warehouse,
    close: async () => {
      const engines = [first, ...(await Promise.all(joined)).filter((engine) => engine !== undefined)];
      await close();
      await Promise.all(engines.map((engine) => engine.close()));
    },
  };
}
