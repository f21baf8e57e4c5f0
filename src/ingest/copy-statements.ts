/**
 * The SQL of an S3 batch load. Identifiers come only from the compiled project (quoted); the only
 * literals are S3 URLs landfall builds itself and the IAM role from configuration, and both are
 * checked against a strict character set. Object keys never appear in SQL: they are in the manifest
 * and ledger files the statements read.
 */
import { UnsafeLiteralError } from './errors';
import type { S3Route } from './s3-routes';

export const LEDGER_SCHEMA = 'landfall';
export const LEDGER_TABLE = 'load_ledger';
const LEDGER = `${LEDGER_SCHEMA}.${LEDGER_TABLE}`;

/** Columns the ledger file provides (`loaded_at` takes its default). */
export const LEDGER_COLUMNS = ['bucket', 'object_key', 'object_version', 'size_bytes', 'batch_id', 'target_relation'] as const;

export const CANDIDATES_TABLE = 'load_candidates';
const CANDIDATES = `${LEDGER_SCHEMA}.${CANDIDATES_TABLE}`;

/** The ledger's quarantine: objects whose own COPY failed, with the error, line and column (`landfall loads ls`). */
export const QUARANTINE_TABLE = 'load_quarantine';
const QUARANTINE = `${LEDGER_SCHEMA}.${QUARANTINE_TABLE}`;
/** Columns a quarantine file provides (`quarantined_at` takes its default). */
export const QUARANTINE_COLUMNS = [...LEDGER_COLUMNS, 'error_message', 'line_number', 'column_number'] as const;
/** Staging table of one quarantine step (a temp table: the Data API runs a batch in one session). */
const QUARANTINE_NEW = 'landfall_quarantine_new';

/** The DDL of LEDGER_COLUMNS, shared by the ledger and its quarantine. */
const LEDGER_COLUMNS_DDL = `  bucket varchar(255) NOT NULL,
  object_key varchar(1024) NOT NULL,
  object_version varchar(1024) NOT NULL,
  size_bytes bigint,
  batch_id char(64) NOT NULL,
  target_relation varchar(512) NOT NULL,`;

/** Create the ledger if needed (idempotent; run before reading it). */
export const ENSURE_LEDGER_SQL = [
  `CREATE SCHEMA IF NOT EXISTS ${LEDGER_SCHEMA}`,
  `CREATE TABLE IF NOT EXISTS ${LEDGER} (
${LEDGER_COLUMNS_DDL}
  loaded_at timestamp DEFAULT getdate()
)`,
  `CREATE TABLE IF NOT EXISTS ${QUARANTINE} (
${LEDGER_COLUMNS_DDL}
  error_message varchar(4096) NOT NULL,
  line_number integer,
  column_number integer,
  quarantined_at timestamp DEFAULT getdate()
)`,
];

const SAFE_LITERAL = /^[A-Za-z0-9._\-/:=@]+$/;

/** A single-quoted SQL literal of a value from a strict character set. */
export function safeLiteral(value: string): string {
  if (!SAFE_LITERAL.test(value)) throw new UnsafeLiteralError(value);
  return `'${value}'`;
}

/** `"schema"."table"` from the compiled project. */
export function quotedRelation(relation: { schema: string; identifier: string }): string {
  const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;
  return `${quote(relation.schema)}.${quote(relation.identifier)}`;
}

/** Which of a bucket's keys the ledger already holds (keys bound as `:k0…:kN`). */
export function ledgerLookupSql(keyCount: number): string {
  const placeholders = Array.from({ length: keyCount }, (_, i) => `:k${i}`).join(', ');
  return `SELECT object_key, object_version FROM ${LEDGER} WHERE bucket = :bucket AND object_key IN (${placeholders})`;
}

function formatClause(route: S3Route): string {
  if (route.format === 'json') return "FORMAT AS JSON 'auto'";
  const parts = ['FORMAT AS CSV'];
  if (route.delimiter !== undefined) parts.push(`DELIMITER ${route.delimiter === "'" ? "''''" : `'${route.delimiter}'`}`);
  if (route.ignoreHeader > 0) parts.push(`IGNOREHEADER ${route.ignoreHeader}`);
  return parts.join(' ');
}

/**
 * The one transaction of a batch: lock the ledger, record the batch's objects (COPY from the ledger
 * file), load their rows (COPY from the manifest). Both or neither.
 *
 * @example
 * batchLoadSqls(route, { manifestUrl: 's3://landing/landfall/load-batches/ab12…/manifest.json',
 *   ledgerUrl: 's3://landing/landfall/load-batches/ab12…/ledger.json', iamRole: 'arn:aws:iam::1:role/copy' });
 */
export function batchLoadSqls(route: S3Route, files: { manifestUrl: string; ledgerUrl: string; iamRole: string }): string[] {
  const role = files.iamRole === 'default' ? 'default' : safeLiteral(files.iamRole);
  return [
    `LOCK ${LEDGER}`,
    `COPY ${LEDGER} (${LEDGER_COLUMNS.join(', ')}) FROM ${safeLiteral(files.ledgerUrl)} IAM_ROLE ${role} FORMAT AS JSON 'auto'`,
    `COPY ${quotedRelation(route.relation)} FROM ${safeLiteral(files.manifestUrl)} IAM_ROLE ${role} ${formatClause(route)}${route.gzip ? ' GZIP' : ''} MANIFEST`,
  ];
}

/** A batch id (sha256 hex) as a literal; nothing else may take its place in SQL text. */
function batchIdLiteral(batchId: string): string {
  if (!/^[0-9a-f]{64}$/.test(batchId)) throw new UnsafeLiteralError(batchId);
  return `'${batchId}'`;
}

/**
 * Step 0 of a load node, one transaction: make sure the ledger and the candidates table exist, put the batch's
 * objects in the candidates table (COPY from the candidates file: keys never appear in SQL text), and return
 * the ones the ledger already holds.
 *
 * @example
 * lookupStepSqls({ batchId, candidatesUrl: 's3://landing/landfall/load-batches/ab12…/candidates.json', iamRole: 'default' }).at(-1)
 * // "SELECT c.object_key, c.object_version FROM landfall.load_candidates c JOIN landfall.load_ledger l ON … WHERE c.batch_id = 'ab12…'"
 */
export function lookupStepSqls(files: { batchId: string; candidatesUrl: string; iamRole: string }): string[] {
  const role = files.iamRole === 'default' ? 'default' : safeLiteral(files.iamRole);
  const batch = batchIdLiteral(files.batchId);
  return [
    ...ENSURE_LEDGER_SQL,
    `CREATE TABLE IF NOT EXISTS ${CANDIDATES} (LIKE ${LEDGER})`,
    `DELETE FROM ${CANDIDATES} WHERE batch_id = ${batch}`,
    `COPY ${CANDIDATES} (${LEDGER_COLUMNS.join(', ')}) FROM ${safeLiteral(files.candidatesUrl)} IAM_ROLE ${role} FORMAT AS JSON 'auto'`,
    `SELECT c.object_key, c.object_version FROM ${CANDIDATES} c JOIN ${LEDGER} l ON l.bucket = c.bucket AND l.object_key = c.object_key AND l.object_version = c.object_version WHERE c.batch_id = ${batch}`,
  ];
}

/**
 * In a load transaction, after the ledger COPY: objects of the batch that are now in the ledger leave the quarantine
 * (a quarantined object retried with `landfall loads retry` that loads).
 */
export function leaveQuarantineSql(batchId: string): string {
  return `DELETE FROM ${QUARANTINE} USING ${LEDGER} l WHERE l.batch_id = ${batchIdLiteral(batchId)} AND ${QUARANTINE}.bucket = l.bucket AND ${QUARANTINE}.object_key = l.object_key AND ${QUARANTINE}.object_version = l.object_version`;
}

/**
 * One transaction setting an object aside: its row (from the quarantine file: keys and error text never appear in
 * SQL text) replaces any earlier quarantine row of the same object version.
 *
 * @example
 * quarantineSqls({ quarantineUrl: 's3://landing/landfall/load-batches/ab12…/objects/2/quarantine.json', iamRole: 'default' });
 */
export function quarantineSqls(files: { quarantineUrl: string; iamRole: string }): string[] {
  const role = files.iamRole === 'default' ? 'default' : safeLiteral(files.iamRole);
  return [
    `DROP TABLE IF EXISTS ${QUARANTINE_NEW}`,
    `CREATE TEMP TABLE ${QUARANTINE_NEW} (LIKE ${QUARANTINE})`,
    `COPY ${QUARANTINE_NEW} (${QUARANTINE_COLUMNS.join(', ')}) FROM ${safeLiteral(files.quarantineUrl)} IAM_ROLE ${role} FORMAT AS JSON 'auto'`,
    `DELETE FROM ${QUARANTINE} USING ${QUARANTINE_NEW} n WHERE ${QUARANTINE}.bucket = n.bucket AND ${QUARANTINE}.object_key = n.object_key AND ${QUARANTINE}.object_version = n.object_version`,
    `INSERT INTO ${QUARANTINE} SELECT * FROM ${QUARANTINE_NEW}`,
    `DROP TABLE ${QUARANTINE_NEW}`,
  ];
}

/** Step 1's last statement: the batch's candidates are no longer needed once its COPY committed. */
export function forgetCandidatesSql(batchId: string): string {
  return `DELETE FROM ${CANDIDATES} WHERE batch_id = ${batchIdLiteral(batchId)}`;
}
