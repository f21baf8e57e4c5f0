import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PGlite, type Results, type Transaction } from '@electric-sql/pglite';
import { installRedshiftCompat } from './install-redshift-compat';
import { REDSHIFT_COMPAT_SHIMS_VERSION } from './redshift-shims';
import {
  LIST_TYPES_SQL,
  type SqlEngine,
  type SqlResult,
  type SqlSession,
  TypeNameCache,
  toSqlStatementError,
} from './sql-engine';

/** Where the local warehouse keeps its PGlite data directory unless told otherwise. */
export const DEFAULT_WAREHOUSE_DIR = path.join('.landfall', 'warehouse');

/**
 * The database PGlite opens: `dev`, the name of a new Redshift cluster's or workgroup's first database and the
 * local target's `database`, so dbt's three-part names (`"dev"."analytics"."orders"`) resolve as they do on
 * Redshift; PostgreSQL refuses a three-part name naming another database than the session's.
 */
export const PGLITE_DATABASE = 'dev';

/**
 * A prepared PGlite database (shims installed) to copy from: creating one costs ~4–7 s, a copy
 * ~0.3–0.7 s. Build it once with {@link prepareTemplate}.
 */
export interface PGliteTemplate {
  /** A closed PGlite data directory, copied to seed new data directories. */
  dataDir: string;
  /** The same database as an uncompressed tarball, loaded to seed in-memory instances. */
  dumpFile: string;
}

export interface PGliteEngineOptions {
  /** Data directory; created on first use. Default {@link DEFAULT_WAREHOUSE_DIR}. Ignored when `inMemory`. */
  dataDir?: string;
  /** Keep the database in memory only (gone on close). */
  inMemory?: boolean;
  /** Seeds a new data directory or an in-memory database from this template instead of running initdb. */
  template?: PGliteTemplate;
}

const TEMPLATE_MARKER = 'template.json';

/**
 * A template folder shared by every process of this machine (tests, the local runtime):
 * `LANDFALL_PGLITE_TEMPLATE_DIR` when set, else a folder in the OS temp dir named after the PGlite
 * version (a template is only valid for the PGlite that wrote it) and the shims' version (so a template
 * never needs its shims reinstalled on every open).
 *
 * @example
 * const template = await prepareTemplate(sharedTemplateDir());
 */
export function sharedTemplateDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.LANDFALL_PGLITE_TEMPLATE_DIR) return env.LANDFALL_PGLITE_TEMPLATE_DIR;
  const packageJson = path.join(path.dirname(require.resolve('@electric-sql/pglite')), '..', 'package.json');
  const { version } = JSON.parse(fs.readFileSync(packageJson, 'utf8')) as { version: string };
  return path.join(os.tmpdir(), `landfall-pglite-template-${version}-${REDSHIFT_COMPAT_SHIMS_VERSION}-${PGLITE_DATABASE}`);
}

/**
 * Builds (once) a PGlite template in `dir`: a data directory and a dump, with the Redshift shims
 * installed. Returns at once when `dir` already holds a finished template. Safe when several
 * processes race: each builds in a private folder and only the first rename wins.
 *
 * @example
 * const template = await prepareTemplate(path.join(os.tmpdir(), 'landfall-pglite-template'));
 * const engine = await openPGliteEngine({ inMemory: true, template }); // ~0.7 s instead of ~5 s
 */
export async function prepareTemplate(dir: string): Promise<PGliteTemplate> {
  const template = { dataDir: path.join(dir, 'data'), dumpFile: path.join(dir, 'dump.tar') };
  if (fs.existsSync(path.join(dir, TEMPLATE_MARKER))) return template;

  const buildDir = `${dir}.building-${process.pid}-${randomUUID()}`;
  fs.mkdirSync(buildDir, { recursive: true });
  try {
    await createDatabase(path.join(buildDir, 'data'));
    const db = await PGlite.create({ dataDir: path.join(buildDir, 'data'), database: PGLITE_DATABASE });
    try {
      await installRedshiftCompat(await pgliteSession(db));
      const dump = await db.dumpDataDir('none');
      fs.writeFileSync(path.join(buildDir, 'dump.tar'), Buffer.from(await dump.arrayBuffer()));
    } finally {
      await db.close();
    }
    fs.writeFileSync(path.join(buildDir, TEMPLATE_MARKER), JSON.stringify({ createdAt: new Date().toISOString() }));
    fs.mkdirSync(path.dirname(dir), { recursive: true });
    try {
      fs.renameSync(buildDir, dir);
    } catch (error) {
      if (!fs.existsSync(path.join(dir, TEMPLATE_MARKER))) throw error; // not a lost race
    }
  } finally {
    fs.rmSync(buildDir, { recursive: true, force: true });
  }
  return template;
}

/**
 * Opens PGlite as a {@link SqlEngine}, with the Redshift shims installed and on the search path.
 * A missing data directory is created (copied from `template` when given).
 *
 * @example
 * const engine = await openPGliteEngine({ dataDir: '.landfall/warehouse' });
 * const { rows } = await engine.query('select getdate()');
 * await engine.close();
 */
export async function openPGliteEngine(options: PGliteEngineOptions = {}): Promise<SqlEngine> {
  let db: PGlite;
  if (options.inMemory) {
    db = options.template
      ? await PGlite.create({ loadDataDir: new Blob([fs.readFileSync(options.template.dumpFile)]), database: PGLITE_DATABASE })
      : await freshInMemory();
  } else {
    const dataDir = path.resolve(options.dataDir ?? DEFAULT_WAREHOUSE_DIR);
    if (options.template && !fs.existsSync(path.join(dataDir, 'PG_VERSION'))) {
      fs.mkdirSync(path.dirname(dataDir), { recursive: true });
      fs.cpSync(options.template.dataDir, dataDir, { recursive: true });
    }
    fs.mkdirSync(dataDir, { recursive: true });
    if (!fs.existsSync(path.join(dataDir, PGLITE_DATABASE_MARKER))) await createDatabase(dataDir);
    db = await PGlite.create({ dataDir, database: PGLITE_DATABASE });
  }
  try {
    const session = await pgliteSession(db);
    await db.transaction((tx) => installRedshiftCompat(sessionOf(tx, session)));
    return {
      kind: 'pglite',
      query: (sql, params) => session.query(sql, params),
      transaction: (work) => db.transaction((tx) => work(sessionOf(tx, session))),
      close: () => db.close(),
    };
  } catch (error) {
    await db.close();
    throw error;
  }
}

/** Written into a data directory once it holds {@link PGLITE_DATABASE}. */
const PGLITE_DATABASE_MARKER = 'landfall-database-dev';

/**
 * Creates {@link PGLITE_DATABASE} in a data directory (new, or written before the local warehouse used it, whose
 * tables are in `postgres`): a copy of `postgres`, made from `template1` since a database cannot be copied while
 * connected to it. Nothing happens when it exists already.
 */
async function createDatabase(dataDir: string): Promise<void> {
  const db = await PGlite.create({ dataDir, database: 'template1' });
  try {
    const exists = await db.query('select 1 from pg_database where datname = $1', [PGLITE_DATABASE]);
    if (exists.rows.length === 0) await db.exec(`create database ${PGLITE_DATABASE} template postgres`);
  } finally {
    await db.close();
  }
  fs.writeFileSync(path.join(dataDir, PGLITE_DATABASE_MARKER), `${PGLITE_DATABASE}\n`);
}

/** A new in-memory instance opened on {@link PGLITE_DATABASE} (initdb makes only `postgres`, so it is created first). */
async function freshInMemory(): Promise<PGlite> {
  const fresh = await PGlite.create();
  try {
    await fresh.exec(`create database ${PGLITE_DATABASE}`);
    return await PGlite.create({ loadDataDir: await fresh.dumpDataDir('none'), database: PGLITE_DATABASE });
  } finally {
    await fresh.close();
  }
}

interface PGliteSession extends SqlSession {
  readonly run: (target: PGlite | Transaction, sql: string, params?: readonly string[]) => Promise<SqlResult>;
}

/** A session on the database itself, whose `run` also serves transactions. */
async function pgliteSession(db: PGlite): Promise<PGliteSession> {
  const typeNames = new TypeNameCache(async () => (await db.query<{ oid: number; typname: string }>(LIST_TYPES_SQL)).rows);
  await typeNames.namesOf([0]);
  // Keep every value as PostgreSQL's text output: an identity parser for every type known at open.
  // Types created later have no built-in parser, so they arrive as text anyway.
  const asText = Object.fromEntries(typeNames.knownOids().map((oid) => [oid, (value: string) => value]));

  const run = async (target: PGlite | Transaction, sql: string, params?: readonly string[]): Promise<SqlResult> => {
    let results: Results<unknown[]>[];
    try {
      results =
        params && params.length > 0
          ? [await target.query<unknown[]>(sql, [...params], { rowMode: 'array', parsers: asText })]
          : ((await target.exec(sql, { rowMode: 'array', parsers: asText })) as Results<unknown[]>[]);
    } catch (error) {
      throw toSqlStatementError(error);
    }
    const last = results[results.length - 1];
    if (!last) return { command: '', columns: [], rows: [], rowCount: null };
    const types = await typeNames.namesOf(last.fields.map((field) => field.dataTypeID));
    return {
      command: last.command ?? '',
      columns: last.fields.map((field, index) => ({ name: field.name, typeName: types[index] })),
      rows: last.rows as (string | null)[][],
      rowCount: last.rowCount ?? null,
    };
  };
  return { run, query: (sql, params) => run(db, sql, params) };
}

function sessionOf(tx: Transaction, session: PGliteSession): SqlSession {
  return { query: (sql, params) => session.run(tx, sql, params) };
}
