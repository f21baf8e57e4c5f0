/**
 * `landfall serve` keeps the compiled project current: it watches the project folder and, when a file is saved,
 * recompiles in-process with a partial-parse cache kept in memory (only the changed files are parsed again; the
 * rest of the graph is linked afresh), rewrites the compiled artifact the local stack's functions load, and makes
 * them read it again. One line per recompile.
 *
 * The functions of the local stack read the artifact through `loadCompiledManifest`, which reads a rewritten file
 * again (it keeps the file's modification time and size), so the next run builds the saved SQL.
 *
 * A saved model whose `ref`/`source`/`config` calls did not change is recompiled from the last manifest
 * (engine/project/model-edits.ts) instead of linking the whole project again, and the artifact's JSON reuses the text
 * of every part that did not change (`manifestJsonWriter`): ~20 ms of CPU instead of ~400 ms at 2,000 models
 * (bench/RESULTS-issue-16.md, "Recompile"). The checks are not run again then: they read the YAML properties and
 * sources, which such a save does not change.
 */
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Manifest, Target } from '../engine';
import { compileManifest } from '../engine/project/compile-manifest';
import { recompileModelEdits } from '../engine/project/model-edits';
import { PARTIAL_PARSE_FILE, PartialParseCache } from '../engine/project/partial-parse';
import { readProjectFiles } from '../engine/project/project-files';
import { writeFileAtomic } from '../engine/write-file-atomic';

export interface ProjectWatcherOptions {
  projectDir: string;
  stateDir: string;
  target: Target;
  /** Where the compiled artifact goes (the local stack's `LANDFALL_MANIFEST_PATH`). */
  manifestPath: string;
  /** The checks `landfall compile` runs on a manifest before it is written (they may attach facts to it). */
  checks?: ReadonlyArray<(manifest: Manifest) => unknown>;
  /** After each recompile that wrote the artifact. */
  onCompiled(outcome: RecompileOutcome): void;
  /** A recompile that failed (a syntax error in the saved file): the previous artifact stays. */
  onError(error: Error, changed: string[]): void;
  /** Saves arriving within this many milliseconds are one recompile (editors write a file in several steps). Default 25. */
  settleMs?: number;
}

export interface RecompileOutcome {
  /** Project files saved since the last recompile, relative to the project folder. */
  changed: string[];
  models: number;
  /** Files parsed again (the rest came from the cache). */
  parsed: number;
  /** The recompile, from reading the files to the artifact written. */
  elapsedMs: number;
}

export interface ProjectWatcher {
  /** Recompile now (what a save triggers). */
  recompile(changed?: string[]): RecompileOutcome | undefined;
  close(): void;
}

/** Files a compile reads; target/, logs/ and dbt_packages/ (written by commands, `deps`) are not watched. */
const PROJECT_FILE = /\.(sql|ya?ml|csv|md)$/;
const IGNORED_FOLDER = /^(target|logs|dbt_packages|node_modules|\.landfall|\.git)(\/|$)/;

/** Whether a saved file is one a compile reads (relative to the project folder, `/`-separated). */
export function watchedProjectFile(relative: string): boolean {
  return PROJECT_FILE.test(relative) && !IGNORED_FOLDER.test(relative) && !relative.split('/').some((part) => part.startsWith('.'));
}

/**
 * @example
 * const watcher = watchProject({ projectDir: 'dbt', stateDir: '.landfall', target, manifestPath, onCompiled: (o) => console.log(recompileLine(o)), onError: console.error });
 */
export function watchProject(options: ProjectWatcherOptions): ProjectWatcher {
  const cacheFile = path.join(options.stateDir, PARTIAL_PARSE_FILE);
  // The cache of the last `landfall compile` (or the stack's start), kept in memory from here; saved on close.
  const cache = PartialParseCache.open(cacheFile, { saveOnFinish: false });
  let pending = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  // Bring the cache up to the files as they are now (the stack compiled without it), so the first save re-parses
  // only that file. With a warm cache on disk this parses nothing.
  try {
    cache.startCompile();
    compileManifest(readProjectFiles(options.projectDir, { parseCache: cache }), { target: options.target, parseCache: cache });
    cache.finishCompile();
  } catch {
    // the project does not compile right now: the first save that fixes it recompiles it all
  }

  const manifestJson = manifestJsonWriter();
  const recompile = (changed: string[] = []): RecompileOutcome | undefined => {
    const started = performance.now();
    try {
      cache.startCompile();
      let manifest = recompileModelEdits(options.projectDir, changed, cache);
      if (!manifest) {
        manifest = compileManifest(readProjectFiles(options.projectDir, { parseCache: cache }), { target: options.target, parseCache: cache });
        for (const check of options.checks ?? []) check(manifest);
        cache.finishCompile();
      }
      writeFileAtomic(options.manifestPath, manifestJson(manifest));
      const outcome = { changed, models: Object.keys(manifest.models).length, parsed: cache.stats.parsed, elapsedMs: performance.now() - started };
      options.onCompiled(outcome);
      return outcome;
    } catch (error) {
      options.onError(error instanceof Error ? error : new Error(String(error)), changed);
      return undefined;
    }
  };

  const flush = () => {
    timer = undefined;
    const changed = [...pending].sort();
    pending = new Set();
    recompile(changed);
  };

  // Recursive watching is native on macOS and Windows and done by Node on Linux (Node ≥ 19.1).
  const watcher = fs.watch(options.projectDir, { recursive: true }, (_event, name) => {
    if (!name) return;
    const relative = String(name).split(path.sep).join('/');
    if (!watchedProjectFile(relative)) return;
    pending.add(relative);
    if (timer) clearTimeout(timer);
    timer = setTimeout(flush, options.settleMs ?? 25);
  });
  watcher.on('error', (error) => options.onError(error, []));

  return {
    recompile,
    close: () => {
      watcher.close();
      if (timer) clearTimeout(timer);
      try {
        cache.save(cacheFile);
      } catch {
        // a read-only state folder: the next command parses again
      }
    },
  };
}

/**
 * `JSON.stringify(manifest)` as UTF-8, reusing the encoded text of each part serialised before: the top-level values
 * and each model, by identity. A recompile from model edits shares every object but the edited models with the last
 * manifest, so only those are serialised again, and the file is a copy of the parts (no 7 MB string to build and
 * encode at 2,000 models). Parts must not change after they were written (the watcher's manifests do not).
 */
export function manifestJsonWriter(): (manifest: Manifest) => Buffer {
  const encoded = new WeakMap<object, { key: string; bytes: Buffer }>();
  const bytesOf = (value: object, key: string, text: () => string): Buffer => {
    const known = encoded.get(value);
    if (known?.key === key) return known.bytes;
    const bytes = Buffer.from(text());
    encoded.set(value, { key, bytes });
    return bytes;
  };
  const open = Buffer.from('{');
  const comma = Buffer.from(',');
  const close = Buffer.from('}');
  return (manifest) => {
    const parts: Buffer[] = [open];
    for (const [key, value] of Object.entries(manifest)) {
      if (value === undefined || typeof value === 'function' || typeof value === 'symbol') continue;
      if (parts.length > 1) parts.push(comma);
      const prefix = `${JSON.stringify(key)}:`;
      if (key === 'models' && value !== null && typeof value === 'object') {
        parts.push(Buffer.from(`${prefix}{`));
        let first = true;
        for (const [id, model] of Object.entries(value as Record<string, object>)) {
          if (!first) parts.push(comma);
          first = false;
          parts.push(bytesOf(model, id, () => `${JSON.stringify(id)}:${JSON.stringify(model)}`));
        }
        parts.push(close);
      } else if (value !== null && typeof value === 'object') {
        parts.push(bytesOf(value, key, () => `${prefix}${JSON.stringify(value)}`));
      } else {
        parts.push(Buffer.from(`${prefix}${JSON.stringify(value)}`));
      }
    }
    parts.push(close);
    return Buffer.concat(parts);
  };
}

/** serve's line for a recompile. */
export function recompileLine(outcome: RecompileOutcome): string {
  const what = outcome.changed.length === 0 ? 'project' : outcome.changed.length === 1 ? outcome.changed[0] : `${outcome.changed[0]} and ${outcome.changed.length - 1} more`;
  return `↻ ${what} saved: recompiled ${outcome.models} models in ${outcome.elapsedMs.toFixed(1)} ms (${outcome.parsed} file${outcome.parsed === 1 ? '' : 's'} parsed again); the local stack runs it from now on`;
}
