/**
 * Partial parsing, landfall's equivalent of dbt's `target/partial_parse.msgpack`: the parse result of each
 * file, kept by path and content hash, so a re-compile parses again only the files that changed and then
 * links the whole graph afresh (configs, refs, tests).
 *
 * What a cached result depends on decides when it is reused:
 * - a YAML properties file's parsed and validated content depends on its text only;
 * - a model's or singular test's `ref`/`source`/`config` calls read by the static parser depend on its text only;
 * - calls recorded by rendering the file depend also on the *render context*: dbt_project.yml, vars, macros,
 *   the target, every YAML file, and the environment variables the render read through `env_var()`. Such an entry
 *   keeps the context's hash and the values of those variables, and is reused only under the same ones.
 *
 * A file's text itself is reused without reading the file when its size and modification time are those
 * seen when it was last read, and it had not been modified shortly before that read (git's "racily clean"
 * rule: an edit in the same timestamp tick as the read would keep the modification time).
 *
 * The cache lives in memory (a long-lived `landfall serve`/watch process keeps one instance) and persists as
 * JSON under the state folder (`.landfall/partial-parse.json`) for the next process. A compile that changed a few
 * entries writes only those, beside it (`partial-parse.delta.json`, stamped with the size and time of the full file it
 * extends); the full file is written again once the delta holds more than {@link DELTA_LIMIT} entries. JSON, not
 * `v8.serialize`: measured on the 2,000-model cache (6.6 MB), v8's was 4 % smaller, no faster to write (27–52 ms vs
 * 28–41 ms) and slower to read (25–120 ms vs 24–31 ms) — bench/RESULTS-issue-16.md, "Recompile".
 */
import { hash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { TemplateCodeStore } from '../jinja/environment';
import type { PropertiesFile } from './project-files';
import { templateCodeStoreIn } from './template-code-store';
import {
  copyPlainData, isCompiledSqlEntry, isFileText, isParseResult, isPlainData, sameEnvironment, writeReplacing,
  type CacheFile, type CompiledSqlEntry, type DeltaFile, type FileText, type ParseResult,
} from './partial-parse-data';

export type { CompiledSqlEntry } from './partial-parse-data';

/** The cache's file name under the state folder. */
export const PARTIAL_PARSE_FILE = 'partial-parse.json';

/** Entries changed since the full file was written, at most this many, are saved alone beside it. */
const DELTA_LIMIT = 400;

/** The file of the entries changed since `file` was written in full. */
function deltaFileOf(file: string): string {
  return file.replace(/(\.json)?$/, '.delta.json');
}

/**
 * Bump when what is cached, or how it is computed (the static parser, YAML validation, render hooks),
 * changes: a cache written under another version is ignored.
 */
export const PARTIAL_PARSE_VERSION = 2;

/**
 * A file modified less than this long before it was read is read again at the next compile: file systems
 * keep modification times in ticks (up to 2 s on FAT), so an edit right after the read could keep the time.
 */
const RACY_MARGIN_MS = 2000;

/** The parse-time calls of a model or singular test. */
export interface SqlFileCalls {
  /** Model or seed names passed to `ref()`, in call order. */
  refs: string[];
  sources: { sourceName: string; tableName: string }[];
  /** The file's own `config()` values, later calls over earlier ones. */
  config: Record<string, unknown>;
}

/** A parse result and whether it came from rendering the file (which makes it depend on the render context). */
export interface SqlFileParse {
  calls: SqlFileCalls;
  rendered: boolean;
  /** For a rendered file: each environment variable its `env_var()` calls read, and its value then (null: unset). */
  env?: Record<string, string | null>;
}


/** What the compile since the last `startCompile` did: files read from disk, parse results reused and made. */
export interface PartialParseStats {
  read: number;
  reused: number;
  parsed: number;
}

/**
 * Parse results by file, reused while a file's content (and, for rendered files, the render context) is unchanged.
 *
 * @example
 * const cache = PartialParseCache.open('.landfall/partial-parse.json');
 * compileProject('dbt', target, '.landfall/landfall-manifest.json', {}, cache); // parses every file, saves the cache
 * compileProject('dbt', target, '.landfall/landfall-manifest.json', {}, cache); // parses only what changed since
 */
export class PartialParseCache {
  private readonly texts = new Map<string, FileText>();
  private readonly results = new Map<string, ParseResult>();
  /** Compiled SQL by node id (render/compiled-sql.ts). */
  private readonly compiled = new Map<string, CompiledSqlEntry>();
  /** Files looked up since `startCompile`, to forget deleted ones. */
  private readonly seen = new Set<string>();
  /** Node ids whose compiled SQL was looked up since `startCompile`. */
  private readonly seenCompiled = new Set<string>();
  /** Node ids whose compiled SQL was found valid, stored or retained since `startCompile` (not a volatile render). */
  private readonly keptCompiled = new Set<string>();
  private changed = false;
  /** Keys of each map set or removed since the full file was last written or read (what a delta save writes). */
  private readonly dirty = { texts: new Set<string>(), results: new Set<string>(), compiled: new Set<string>() };
  /** The full file's size and time when it was last written or read, which a delta names; none: save in full. */
  private base?: { size: number; mtimeMs: number };
  /** Set by {@link saveWithCompiledSql}: `finishCompile` leaves the save to `finishCompiledSql`. */
  private saveAtCompiledSql = false;
  private counts: PartialParseStats = { read: 0, reused: 0, parsed: 0 };

  /** Where the cache was read from or last saved (also for one that `open` told not to save on finish). */
  private savedAt?: string;

  /** @param file where `finishCompile` saves the cache; none keeps it in memory only. */
  constructor(readonly file?: string) {}

  /**
   * The cache saved at `file`, or an empty one when there is none, it cannot be read, or another
   * {@link PARTIAL_PARSE_VERSION} wrote it.
   */
  static open(file: string, options: { saveOnFinish?: boolean } = {}): PartialParseCache {
    // saveOnFinish false: a long-lived process (serve's watcher) keeps it in memory and saves it with `save()`.
    const cache = new PartialParseCache(options.saveOnFinish === false ? undefined : file);
    cache.savedAt = file;
    let saved: Partial<CacheFile> | undefined;
    try {
      saved = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<CacheFile>;
    } catch {
      return cache; // missing or unreadable: start empty, the next save replaces it
    }
    if (saved?.version !== PARTIAL_PARSE_VERSION || !Array.isArray(saved.texts) || !Array.isArray(saved.results)) return cache;
    for (const entry of saved.texts) if (Array.isArray(entry) && typeof entry[0] === 'string' && isFileText(entry[1])) cache.texts.set(entry[0], entry[1]);
    for (const entry of saved.results) if (Array.isArray(entry) && typeof entry[0] === 'string' && isParseResult(entry[1])) cache.results.set(entry[0], entry[1]);
    for (const entry of Array.isArray(saved.compiled) ? saved.compiled : []) {
      if (Array.isArray(entry) && typeof entry[0] === 'string' && isCompiledSqlEntry(entry[1])) cache.compiled.set(entry[0], entry[1]);
    }
    cache.applyDelta(file);
    return cache;
  }

  /** Apply the delta saved beside `file`, when it extends the full file as it is on disk; else save in full next time. */
  private applyDelta(file: string): void {
    let base: { size: number; mtimeMs: number };
    try {
      const stat = fs.statSync(file);
      base = { size: stat.size, mtimeMs: stat.mtimeMs };
    } catch {
      return;
    }
    this.base = base;
    let delta: Partial<DeltaFile>;
    try {
      delta = JSON.parse(fs.readFileSync(deltaFileOf(file), 'utf8')) as Partial<DeltaFile>;
    } catch {
      return; // no delta: the full file is all there is
    }
    if (delta.version !== PARTIAL_PARSE_VERSION || delta.base?.size !== base.size || delta.base.mtimeMs !== base.mtimeMs) return;
    const apply = <T>(map: Map<string, T>, dirty: Set<string>, entries: unknown, valid: (value: unknown) => value is T) => {
      for (const entry of Array.isArray(entries) ? entries : []) {
        if (!Array.isArray(entry) || typeof entry[0] !== 'string') continue;
        if (entry[1] === null) map.delete(entry[0]);
        else if (valid(entry[1])) map.set(entry[0], entry[1]);
        else continue;
        dirty.add(entry[0]); // still not in the full file: the next delta carries it again
      }
    };
    apply(this.texts, this.dirty.texts, delta.texts, isFileText);
    apply(this.results, this.dirty.results, delta.results, isParseResult);
    apply(this.compiled, this.dirty.compiled, delta.compiled, isCompiledSqlEntry);
  }

  /** Counts of the compile since the last `startCompile`. */
  get stats(): PartialParseStats {
    return { ...this.counts };
  }

  /** Begin a compile: from here, files not looked up before `finishCompile` count as deleted. */
  startCompile(): void {
    this.seen.clear();
    this.seenCompiled.clear();
    this.keptCompiled.clear();
    this.counts = { read: 0, reused: 0, parsed: 0 };
  }

  /** End a compile: forget deleted files, and save the cache to its file when anything changed. */
  finishCompile(): void {
    for (const map of [this.texts, this.results]) {
      for (const name of [...map.keys()]) {
        if (this.seen.has(name)) continue;
        map.delete(name);
        (map === this.texts ? this.dirty.texts : this.dirty.results).add(name);
        this.changed = true;
      }
    }
    if (this.changed && this.file && !this.saveAtCompiledSql) this.saveChanges(this.file);
  }

  /**
   * The caller will call `finishCompiledSql` after this compile (`landfall compile`): the cache is then saved once,
   * there, instead of at `finishCompile` and again with the compiled SQL (each save writes the whole cache).
   */
  saveWithCompiledSql(): void {
    this.saveAtCompiledSql = true;
  }

  /**
   * After the compiled SQL of this compile was looked up (`landfall compile` writing target/): forget that of
   * nodes not looked up, and save the cache when anything changed. Without a call, compiled SQL is kept as it was.
   */
  finishCompiledSql(): void {
    for (const id of [...this.compiled.keys()]) {
      if (this.seenCompiled.has(id)) continue;
      this.compiled.delete(id);
      this.dirty.compiled.add(id);
      this.changed = true;
    }
    this.saveAtCompiledSql = false;
    if (this.changed && this.file) this.saveChanges(this.file);
  }

  /** The compiled SQL kept for node `id` under `fingerprint`, if `stillValid` accepts what it was rendered from. */
  compiledSql(id: string, fingerprint: string, stillValid: (entry: CompiledSqlEntry) => boolean): string | undefined {
    this.seenCompiled.add(id);
    const entry = this.compiled.get(id);
    if (!entry || entry.fingerprint !== fingerprint || !stillValid(entry)) return undefined;
    this.keptCompiled.add(id);
    return entry.sql;
  }

  storeCompiledSql(id: string, entry: CompiledSqlEntry): void {
    this.seenCompiled.add(id);
    this.keptCompiled.add(id);
    this.compiled.set(id, entry);
    this.dirty.compiled.add(id);
    this.changed = true;
  }

  /**
   * Whether node `id`'s compiled SQL was kept or stored since `startCompile`: its render read nothing that changes
   * between compiles (render/compiled-sql.ts stores only such renders), so the same inputs print the same SQL.
   */
  compiledSqlKept(id: string): boolean {
    return this.keptCompiled.has(id);
  }

  /**
   * Keep node `id`'s compiled SQL (if any) through `finishCompiledSql` without looking it up: the caller reused the
   * SQL from the last artifact, rendered from the same inputs (artifacts/compiled-code.ts).
   */
  retainCompiledSql(id: string): void {
    this.seenCompiled.add(id);
    if (this.compiled.has(id)) this.keptCompiled.add(id);
  }

  /**
   * Compiled template code kept beside the cache file (`template-code/<key>.js`; jinja/environment.ts uses it for
   * macro sources), or undefined for a cache kept in memory only. Old entries are removed when a new one is written.
   */
  templateCodeStore(): TemplateCodeStore | undefined {
    const file = this.file ?? this.savedAt;
    if (!file) return undefined;
    return templateCodeStoreIn(path.join(path.dirname(file), 'template-code'));
  }

  /** Write the whole cache as JSON (and drop the delta beside it). */
  save(file: string): void {
    const saved: CacheFile = { version: PARTIAL_PARSE_VERSION, texts: [...this.texts], results: [...this.results], compiled: [...this.compiled] };
    writeReplacing(file, JSON.stringify(saved));
    fs.rmSync(deltaFileOf(file), { force: true });
    const stat = fs.statSync(file);
    this.base = { size: stat.size, mtimeMs: stat.mtimeMs };
    for (const keys of Object.values(this.dirty)) keys.clear();
    this.changed = false;
  }

  /**
   * Save what changed: only the entries changed since the full file was written, beside it, while they are few
   * and that file is still the one they extend; otherwise the whole cache.
   */
  private saveChanges(file: string): void {
    const count = this.dirty.texts.size + this.dirty.results.size + this.dirty.compiled.size;
    let base: fs.Stats | undefined;
    try {
      base = fs.statSync(file);
    } catch {
      base = undefined;
    }
    if (!this.base || !base || base.size !== this.base.size || base.mtimeMs !== this.base.mtimeMs || count > DELTA_LIMIT) {
      this.save(file);
      return;
    }
    const changedIn = <T>(map: Map<string, T>, keys: Set<string>) => [...keys].map((key) => [key, map.get(key) ?? null] as [string, T | null]);
    const delta: DeltaFile = {
      version: PARTIAL_PARSE_VERSION,
      base: this.base,
      texts: changedIn(this.texts, this.dirty.texts),
      results: changedIn(this.results, this.dirty.results),
      compiled: changedIn(this.compiled, this.dirty.compiled),
    };
    writeReplacing(deltaFileOf(file), JSON.stringify(delta));
    this.changed = false;
  }

  /**
   * The text of the project file `file` (at `absolute`): as last read, when `stat` shows the same size and
   * modification time and the file had not been modified within {@link RACY_MARGIN_MS} before that read;
   * otherwise read now.
   */
  fileText(file: string, absolute: string): string {
    this.seen.add(file);
    const readAt = Date.now();
    const stat = fs.statSync(absolute);
    const known = this.texts.get(file);
    if (known && known.size === stat.size && known.mtimeMs === stat.mtimeMs && known.mtimeMs < known.readAt - RACY_MARGIN_MS) return known.text;
    // Stat before reading: an edit in between leaves a newer time on disk than the one kept, so the next compile reads again.
    const text = fs.readFileSync(absolute, 'utf8');
    this.counts.read++;
    this.texts.set(file, { size: stat.size, mtimeMs: stat.mtimeMs, readAt, hash: contentHash(text), text });
    this.dirty.texts.add(file);
    this.changed = true;
    return text;
  }

  /** The validated content of a YAML properties file: cached, or `parse()`d and cached. */
  properties(file: string, text: string, parse: () => PropertiesFile): PropertiesFile {
    this.seen.add(file);
    const textHash = this.hashOf(file, text);
    const cached = this.results.get(file);
    if (cached?.kind === 'properties' && cached.hash === textHash) {
      this.counts.reused++;
      return copyPlainData(cached.result as PropertiesFile);
    }
    const content = parse();
    this.store(file, { kind: 'properties', hash: textHash }, content);
    return content;
  }

  /**
   * The parse-time calls of a SQL file: cached, or `parse()`d and cached. `renderContext` (called only when
   * needed) is the hash of everything a render depends on besides the file; a rendered result is reused only under it.
   */
  sqlCalls(file: string, text: string, renderContext: () => string, parse: () => SqlFileParse): SqlFileCalls {
    this.seen.add(file);
    const textHash = this.hashOf(file, text);
    const cached = this.results.get(file);
    if (cached?.kind === 'sql' && cached.hash === textHash && (cached.renderContext === undefined || (cached.renderContext === renderContext() && sameEnvironment(cached.env)))) {
      this.counts.reused++;
      return copyPlainData(cached.result as SqlFileCalls);
    }
    const { calls, rendered, env } = parse();
    this.store(file, { kind: 'sql', hash: textHash, ...(rendered ? { renderContext: renderContext(), env: env ?? {} } : {}) }, calls);
    return calls;
  }

  /** The content hash of each file read since `startCompile`, by its key (model-edits.ts stamps an artifact with them). */
  fileHashes(): Record<string, string> {
    const hashes: Record<string, string> = {};
    for (const file of [...this.seen].sort()) {
      const text = this.texts.get(file);
      if (text) hashes[file] = text.hash;
    }
    return hashes;
  }

  /** Whether an environment variable a kept render read holds another value now (that file would render again). */
  renderedEnvironmentChanged(): boolean {
    for (const result of this.results.values()) if (result.env && !sameEnvironment(result.env)) return true;
    return false;
  }

  /**
   * A copy of the calls kept for SQL file `file` when they were parsed from the text whose hash is `textHash`
   * (model-edits.ts compares them with a new parse), if any.
   */
  cachedSqlCalls(file: string, textHash: string): SqlFileCalls | undefined {
    const cached = this.results.get(file);
    return cached?.kind === 'sql' && cached.hash === textHash ? copyPlainData(cached.result as SqlFileCalls) : undefined;
  }

  /** The hash of a file's text, known when the text came from {@link fileText}. */
  private hashOf(file: string, text: string): string {
    const known = this.texts.get(file);
    return known?.text === text ? known.hash : contentHash(text);
  }

  /**
   * Keep a copy of a fresh result, so that changes the caller makes to it do not reach the cache. A result
   * JSON cannot keep as it is (YAML's `.inf`, a macro's return value in `config()`) is not cached: its file is
   * parsed on every compile.
   */
  private store(file: string, key: Omit<ParseResult, 'result'>, result: unknown): void {
    this.counts.parsed++;
    this.changed = true;
    this.dirty.results.add(file);
    if (isPlainData(result)) this.results.set(file, { ...key, result: copyPlainData(result) });
    else this.results.delete(file);
  }
}

/**
 * The hash of a text, as the cache keys files by it.
 *
 * @example
 * contentHash('select 1') === contentHash('select 1') // true
 */
export function contentHash(text: string): string {
  return hash('sha1', text, 'base64');
}

