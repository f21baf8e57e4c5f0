/**
 * What the partial-parse cache (partial-parse.ts) keeps and saves: the entry and file shapes, their validation when a
 * saved file is read back, and plain-data copies.
 */
import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../write-file-atomic';

/** A file's text as last read, with what `stat` said then. */
export interface FileText {
  size: number;
  mtimeMs: number;
  /** When the file was read (`Date.now()`). */
  readAt: number;
  /** {@link contentHash} of `text`. */
  hash: string;
  text: string;
}

/** A file's parse result. */
export interface ParseResult {
  kind: 'properties' | 'sql';
  /** {@link contentHash} of the text it was parsed from. */
  hash: string;
  /** For a rendered SQL file: the hash of the render context it was rendered in. */
  renderContext?: string;
  /** For a rendered SQL file: the environment variables it read and their values (null: unset). */
  env?: Record<string, string | null>;
  /** The result, plain data: each reuse gets a copy of it. */
  result: unknown;
}

/**
 * A model's compiled SQL (render/compiled-sql.ts), kept with what it was rendered from: reused while the
 * fingerprint (the node, the macros, vars, target) matches and each recorded ref/source still prints the same.
 */
export interface CompiledSqlEntry {
  fingerprint: string;
  /** `[call, args, printed]` of each `ref()`/`source()` the render made. */
  resolved: [string, string[], string][];
  env: Record<string, string | null>;
  sql: string;
}

/** The saved cache. Entries are `[file, value]` pairs: cheaper to write and read than objects keyed by path. */
export interface CacheFile {
  version: number;
  texts: [string, FileText][];
  results: [string, ParseResult][];
  compiled?: [string, CompiledSqlEntry][];
}

/** The entries changed since the full file was written: each entry, or null where it was removed. */
export interface DeltaFile {
  version: number;
  /** The size and modification time of the full file this delta extends. */
  base: { size: number; mtimeMs: number };
  texts: [string, FileText | null][];
  results: [string, ParseResult | null][];
  compiled: [string, CompiledSqlEntry | null][];
}

/** True when every environment variable a render read still has the value it read (null: unset). */
export function sameEnvironment(read: Record<string, string | null> | undefined): boolean {
  if (!read) return true;
  for (const [name, value] of Object.entries(read)) if ((process.env[name] ?? null) !== value) return false;
  return true;
}

export function isFileText(value: unknown): value is FileText {
  const known = value as Partial<FileText> | null;
  return typeof known?.text === 'string' && typeof known.hash === 'string' &&
    typeof known.size === 'number' && typeof known.mtimeMs === 'number' && typeof known.readAt === 'number';
}

export function isCompiledSqlEntry(value: unknown): value is CompiledSqlEntry {
  const entry = value as Partial<CompiledSqlEntry> | null;
  return typeof entry?.sql === 'string' && typeof entry.fingerprint === 'string' && Array.isArray(entry.resolved) && typeof entry.env === 'object' && entry.env !== null;
}

/** Write a file then rename it into place, so a process reading it never sees half a file. */
export function writeReplacing(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  writeFileAtomic(file, text);
}

export function isParseResult(value: unknown): value is ParseResult {
  const cached = value as Partial<ParseResult> | null;
  return typeof cached?.hash === 'string' && typeof cached.result === 'object' && cached.result !== null && (cached.kind === 'properties' || cached.kind === 'sql');
}

/** A deep copy of plain data (see {@link isPlainData}). */
export function copyPlainData<T>(value: T): T {
  if (Array.isArray(value)) return value.map(copyPlainData) as T;
  if (value === null || typeof value !== 'object') return value;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) copy[key] = copyPlainData(item);
  return copy as T;
}

/** True when JSON keeps the value as it is: strings, finite numbers, booleans, null, arrays and plain objects of them. */
export function isPlainData(value: unknown): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every(isPlainData);
  if (typeof value !== 'object' || Object.getPrototypeOf(value) !== Object.prototype) return false;
  return Object.values(value).every((v) => v === undefined || isPlainData(v));
}
