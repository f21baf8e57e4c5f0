/**
 * Redshift `COPY … FROM 's3://…'` on the local warehouse, where "S3" is a folder
 * (`<s3Dir>/<bucket>/<key>`). {@link withCopyFromS3} wraps an engine so that a statement that is
 * exactly one such COPY is executed here, by reading the manifest (or the key prefix) and the files
 * from the folder and inserting their rows with bound parameters; every other statement goes to the
 * engine unchanged. Supported: an optional column list, `FORMAT [AS] JSON 'auto' | 'auto ignorecase'`,
 * `FORMAT [AS] CSV` (with `DELIMITER`, `IGNOREHEADER`, `IGNOREBLANKLINES`), `GZIP`, `MANIFEST`; `IAM_ROLE`, `CREDENTIALS`,
 * `REGION`, `TIMEFORMAT`, `DATEFORMAT`, `COMPUPDATE`, `STATUPDATE` are accepted and ignored.
 */
import fs from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { readCsvRecords } from '../../engine/csv-records';
import { type SqlEngine, type SqlResult, type SqlSession, SqlStatementError } from './sql-engine';
import { isTrivia, keywordOf, type SqlToken, tokenizeSql } from './sql-tokenizer';

export interface CopyFromS3Statement {
  /** The target relation exactly as written in the statement (e.g. `"raw"."product_events"`). */
  relationSql: string;
  /** Column names from the column list (unquoted), or undefined for all columns. */
  columns?: string[];
  from: { bucket: string; key: string };
  format: 'json' | 'csv';
  jsonIgnoreCase: boolean;
  gzip: boolean;
  manifest: boolean;
  delimiter: string;
  ignoreHeaderLines: number;
  /** IGNOREBLANKLINES: blank lines are skipped; without it a blank line is a record (engine/csv-records.ts). */
  ignoreBlankLines: boolean;
}

export interface CopyFromS3Options {
  /** The folder standing in for S3: bucket `b`, key `k` is the file `<s3Dir>/b/k`. */
  s3Dir: string;
}

/** Options taking one literal value that the local copy does not need. */
const IGNORED_VALUE_OPTIONS = new Set(['iam_role', 'credentials', 'region', 'timeformat', 'dateformat', 'compupdate', 'statupdate', 'maxerror']);
const INSERT_CHUNK_ROWS = 2000;

function unquoteString(token: SqlToken): string {
  return token.text.slice(1, -1).replace(/''/g, "'");
}

function unquoteIdentifier(token: SqlToken): string {
  return token.kind === 'quoted-identifier' ? token.text.slice(1, -1).replace(/""/g, '"') : token.text.toLowerCase();
}

/** Splits `s3://bucket/key` into its parts. */
export function parseS3Url(url: string): { bucket: string; key: string } {
  const match = /^s3:\/\/([^/]+)\/(.*)$/.exec(url);
  if (!match) throw new SqlStatementError(`ERROR: invalid S3 URL '${url}'`, '22023');
  return { bucket: match[1], key: match[2] };
}

/**
 * Recognizes a Redshift COPY from S3; anything else (including PostgreSQL's own COPY) gives undefined.
 *
 * @example
 * parseCopyFromS3(`copy raw.events from 's3://landing/m.json' iam_role 'arn:…' format as json 'auto' gzip manifest`);
 * // { relationSql: 'raw.events', from: { bucket: 'landing', key: 'm.json' }, format: 'json', gzip: true, manifest: true, … }
 */
export function parseCopyFromS3(sql: string): CopyFromS3Statement | undefined {
  const tokens = tokenizeSql(sql).filter((t) => !isTrivia(t));
  while (tokens.length > 0 && tokens[tokens.length - 1].text === ';') tokens.pop();
  if (keywordOf(tokens[0]) !== 'copy') return undefined;
  let i = 1;
  let relationSql = '';
  while (i < tokens.length && (tokens[i].kind === 'word' || tokens[i].kind === 'quoted-identifier' || tokens[i].text === '.')) {
    if (keywordOf(tokens[i]) === 'from') break;
    relationSql += tokens[i++].text;
  }
  let columns: string[] | undefined;
  if (tokens[i]?.text === '(') {
    columns = [];
    for (i++; i < tokens.length && tokens[i].text !== ')'; i++) if (tokens[i].text !== ',') columns.push(unquoteIdentifier(tokens[i]));
    i++;
  }
  if (keywordOf(tokens[i]) !== 'from' || tokens[i + 1]?.kind !== 'string') return undefined;
  const url = unquoteString(tokens[i + 1]);
  if (!url.startsWith('s3://') || relationSql === '') return undefined;
  const statement: CopyFromS3Statement = {
    relationSql, columns, from: parseS3Url(url), format: 'csv', jsonIgnoreCase: false, gzip: false, manifest: false, delimiter: '|', ignoreHeaderLines: 0, ignoreBlankLines: false,
  };
  let formatSeen = false;
  const stringAt = (at: number, option: string): string => {
    const token = tokens[at];
    if (token?.kind !== 'string' && token?.kind !== 'number') throw new SqlStatementError(`ERROR: COPY option ${option.toUpperCase()} needs a value`, '42601');
    return token.kind === 'string' ? unquoteString(token) : token.text;
  };
  for (i += 2; i < tokens.length; ) {
    const word = keywordOf(tokens[i]);
    if (word === 'as') { i++; continue; }
    if (word === 'format') { formatSeen = true; i++; continue; }
    if (word === 'json') {
      const option = tokens[i + (keywordOf(tokens[i + 1]) === 'as' ? 2 : 1)];
      const value = option?.kind === 'string' ? unquoteString(option) : 'auto';
      if (value !== 'auto' && value !== 'auto ignorecase') throw new SqlStatementError(`ERROR: local COPY supports JSON 'auto' only, not '${value}'`, '0A000');
      statement.format = 'json';
      statement.jsonIgnoreCase = value === 'auto ignorecase';
      i += option?.kind === 'string' ? (keywordOf(tokens[i + 1]) === 'as' ? 3 : 2) : 1;
    } else if (word === 'csv') {
      statement.format = 'csv';
      if (!formatSeen || statement.delimiter === '|') statement.delimiter = ',';
      i++;
    } else if (word === 'gzip') { statement.gzip = true; i++; }
    else if (word === 'manifest') { statement.manifest = true; i++; }
    else if (word === 'ignoreblanklines') { statement.ignoreBlankLines = true; i++; }
    else if (word === 'delimiter') {
      const at = keywordOf(tokens[i + 1]) === 'as' ? i + 2 : i + 1;
      statement.delimiter = stringAt(at, 'delimiter');
      i = at + 1;
    } else if (word === 'ignoreheader') {
      const at = keywordOf(tokens[i + 1]) === 'as' ? i + 2 : i + 1;
      statement.ignoreHeaderLines = Number(stringAt(at, 'ignoreheader'));
      i = at + 1;
    } else if (word !== undefined && IGNORED_VALUE_OPTIONS.has(word)) {
      i += tokens[i + 1]?.kind === 'string' || tokens[i + 1]?.kind === 'number' || keywordOf(tokens[i + 1]) !== undefined ? 2 : 1;
    } else {
      throw new SqlStatementError(`ERROR: local COPY does not support the option near '${tokens[i].text}'`, '0A000');
    }
  }
  return statement;
}

/**
 * The file standing in for `s3://bucket/key`, refusing keys that would leave the bucket's own folder: in S3 `a/../b`
 * is just a key of its bucket, so a `..` that reaches another bucket (or out of the store) is refused, stricter than S3.
 */
function localPathOf(s3Dir: string, bucket: string, key: string): string {
  const root = path.resolve(s3Dir);
  const bucketDir = path.resolve(root, bucket);
  const file = path.resolve(bucketDir, key);
  const inside = key === '' ? file === bucketDir : file.startsWith(bucketDir + path.sep);
  if (!inside || !bucketDir.startsWith(root + path.sep) || bucket.includes('/') || bucket === '..' || bucket === '.') {
    throw new SqlStatementError(`ERROR: S3 location s3://${bucket}/${key} is outside the local bucket folder`, '22023');
  }
  return file;
}

/** All keys under `prefix` in the local bucket folder (what COPY without MANIFEST loads). */
function keysWithPrefix(s3Dir: string, bucket: string, prefix: string): string[] {
  const bucketDir = localPathOf(s3Dir, bucket, '');
  if (!fs.existsSync(bucketDir)) return [];
  const keys: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else {
        const key = path.relative(bucketDir, full).split(path.sep).join('/');
        if (key.startsWith(prefix)) keys.push(key);
      }
    }
  };
  walk(bucketDir);
  return keys.sort();
}

function filesToLoad(statement: CopyFromS3Statement, s3Dir: string): { url: string; file: string }[] {
  const { bucket, key } = statement.from;
  if (!statement.manifest) {
    const keys = keysWithPrefix(s3Dir, bucket, key);
    if (keys.length === 0) throw new SqlStatementError(`ERROR: The specified S3 prefix '${key}' does not exist`, 'XX000');
    return keys.map((k) => ({ url: `s3://${bucket}/${k}`, file: localPathOf(s3Dir, bucket, k) }));
  }
  const manifestFile = localPathOf(s3Dir, bucket, key);
  if (!fs.existsSync(manifestFile)) throw new SqlStatementError(`ERROR: Manifest file s3://${bucket}/${key} does not exist`, 'XX000');
  const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as { entries?: { url: string; mandatory?: boolean }[] };
  const files: { url: string; file: string }[] = [];
  for (const entry of manifest.entries ?? []) {
    const location = parseS3Url(entry.url);
    const file = localPathOf(s3Dir, location.bucket, location.key);
    if (fs.existsSync(file)) files.push({ url: entry.url, file });
    else if (entry.mandatory) throw new SqlStatementError(`ERROR: Manifest entry ${entry.url} is mandatory and does not exist`, 'XX000');
  }
  return files;
}

/** Splits text holding JSON objects one after another (newline-separated or not, as Firehose writes them). */
export function splitJsonObjects(text: string): unknown[] {
  const records: unknown[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{') {
      if (depth++ === 0) start = i;
    } else if (c === '}') {
      if (--depth === 0) records.push(JSON.parse(text.slice(start, i + 1)));
    } else if (depth === 0 && !/\s/.test(c)) {
      throw new SqlStatementError(`ERROR: Invalid JSON: unexpected '${c}' between objects`, '22P02');
    }
  }
  if (depth !== 0) throw new SqlStatementError('ERROR: Invalid JSON: an object is not closed', '22P02');
  return records;
}

const quoteIdentifier = (name: string) => `"${name.replace(/"/g, '""')}"`;

function toCell(value: unknown): string | number | boolean | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'object') return JSON.stringify(value);
  return value as string | number | boolean;
}

/**
 * Executes a parsed COPY on `session`: every row of every file, inserted in chunks with the rows as
 * one bound JSON parameter (no value from a file ever becomes SQL text).
 */
export async function executeCopyFromS3(session: SqlSession, statement: CopyFromS3Statement, options: CopyFromS3Options): Promise<SqlResult> {
  const tableColumns = (
    await session.query(
      'SELECT attname FROM pg_catalog.pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum',
      [statement.relationSql],
    )
  ).rows.map((r) => r[0] as string);
  const columns = statement.columns ?? tableColumns;
  const unknown = columns.filter((c) => !tableColumns.includes(c));
  if (unknown.length > 0) throw new SqlStatementError(`ERROR: column "${unknown[0]}" of relation ${statement.relationSql} does not exist`, '42703');

  const rows: Record<string, unknown>[] = [];
  for (const { url, file } of filesToLoad(statement, options.s3Dir)) {
    const bytes = fs.readFileSync(file);
    let text: string;
    try {
      text = (statement.gzip ? gunzipSync(bytes) : bytes).toString('utf8');
    } catch (error) {
      throw new SqlStatementError(`ERROR: ${url} is not a gzip file`, 'XX000', { cause: error });
    }
    if (statement.format === 'json') {
      for (const record of splitJsonObjects(text)) {
        const entries = Object.entries(record as Record<string, unknown>).map(([k, v]) => [statement.jsonIgnoreCase ? k.toLowerCase() : k, v] as const);
        const byName = new Map(entries);
        rows.push(Object.fromEntries(columns.map((c) => [c, toCell(byName.get(c))])));
      }
    } else {
      const { records } = readCsvRecords(text, { delimiter: statement.delimiter, blankLines: statement.ignoreBlankLines ? 'skip' : 'record' });
      for (const { fields, line } of records.slice(statement.ignoreHeaderLines)) {
        if (fields.length !== columns.length) {
          throw new SqlStatementError(`ERROR: ${url} line ${line}: ${fields.length} fields for ${columns.length} columns`, '22P04');
        }
        rows.push(Object.fromEntries(columns.map((c, index) => [c, fields[index]])));
      }
    }
  }
  const columnList = columns.map(quoteIdentifier).join(', ');
  const insert = `INSERT INTO ${statement.relationSql} (${columnList}) SELECT ${columnList} FROM json_populate_recordset(NULL::${statement.relationSql}, $1::json)`;
  for (let at = 0; at < rows.length; at += INSERT_CHUNK_ROWS) {
    await session.query(insert, [JSON.stringify(rows.slice(at, at + INSERT_CHUNK_ROWS))]);
  }
  return { command: 'COPY', columns: [], rows: [], rowCount: rows.length };
}

function sessionWithCopy(session: SqlSession, options: CopyFromS3Options): SqlSession {
  return {
    query: (sql, params) => {
      const copy = params && params.length > 0 ? undefined : parseCopyFromS3(sql);
      return copy ? executeCopyFromS3(session, copy, options) : session.query(sql, params);
    },
  };
}

/**
 * The engine, with Redshift `COPY … FROM 's3://…'` served from a local folder (also inside transactions,
 * as a BatchExecuteStatement runs them).
 *
 * @example
 * const engine = withCopyFromS3(await openSqlEngine(), { s3Dir: '.landfall/s3' });
 * await engine.query(`copy raw.events from 's3://landing/batches/b1/manifest.json' iam_role default format as json 'auto' manifest`);
 */
export function withCopyFromS3(engine: SqlEngine, options: CopyFromS3Options): SqlEngine {
  const direct = sessionWithCopy(engine, options);
  return {
    kind: engine.kind,
    query: direct.query,
    transaction: (work) => engine.transaction((session) => work(sessionWithCopy(session, options))),
    close: () => engine.close(),
  };
}
