/**
 * A recompile after model files were saved, without linking the project again.
 *
 * A model node is made from its file's text in two ways only: `rawSql` is the text, and everything else (config,
 * relation, dependencies, contract) comes from the parse-time calls the text makes (`ref`, `source`, `config`), the
 * folder configs and the YAML properties. So when every changed file is a model of the root project whose calls are
 * the same as at the last compile, the manifest a full compile would give is the last one with those models' text
 * (and a new `compiledAt`): the other 99.9 % of the work — linking 2,000 models and 6,500 tests — is skipped.
 * Anything else (a YAML file, a macro, a new or deleted file, a versioned model, changed calls, an error) returns
 * undefined, and the caller compiles in full. tests/engine/project/model-edits.test.ts compares both.
 *
 * Two callers: serve's watcher keeps the last compile in memory (`recompileModelEdits`); `landfall compile` reloads
 * the compiled artifact it wrote last time (`recompileFromArtifact`), trusted through a stamp beside it that records
 * the file's size and time, the render context, the target and `--vars`, and the code that compiled it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { codeVersion } from '../code-version';
import type { Manifest, ModelNode } from '../manifest';
import { memoiseCompiledSql } from '../render/compiled-sql';
import type { CompileOptions, PreparedCompile } from './compile-manifest';
import { mergeConfigLevels } from './config-levels';
import { contentHash, PARTIAL_PARSE_VERSION, type PartialParseCache } from './partial-parse';
import type { ParseSession, ProjectScope } from './parse-session';

/** What the last compile with a parse cache left: its manifest, its parse session and the root project's scope. */
export interface CompileState {
  manifest: Manifest;
  session: ParseSession;
  root: ProjectScope;
}

const lastCompiles = new WeakMap<PartialParseCache, CompileState>();

/** compile-manifest.ts: the compile with `cache` that just finished. */
export function rememberCompile(cache: PartialParseCache, state: CompileState): void {
  lastCompiles.set(cache, state);
}

/**
 * The manifest after `changed` files (relative to `projectDir`) were saved, from the last compile with `cache` in this
 * process; or undefined when only a full compile can tell (see the file comment).
 *
 * @example
 * const manifest = recompileModelEdits('dbt', ['models/orders.sql'], cache) ?? compileManifest(readProjectFiles('dbt', { parseCache: cache }), options);
 */
export function recompileModelEdits(projectDir: string, changed: readonly string[], cache: PartialParseCache, now = new Date()): Manifest | undefined {
  const last = lastCompiles.get(cache);
  if (!last || changed.length === 0) return undefined;
  try {
    const edits = [...new Set(changed)].map((file) => ({ file, text: cache.fileText(file, path.join(projectDir, file)) }));
    return applyModelEdits(last, edits, cache, now);
  } catch {
    return undefined; // a file that cannot be read: the full compile reports it
  }
}

/** The manifest `state.manifest` becomes with `edits` (new texts of root model files), or undefined (see the file comment). */
function applyModelEdits(state: CompileState, edits: readonly { file: string; text: string }[], cache: PartialParseCache, now: Date): Manifest | undefined {
  const { root, session } = state;
  const models: Record<string, ModelNode> = { ...state.manifest.models };
  const byFile = new Map(Object.values(models).filter((m) => m.packageName === root.packageName).map((m) => [m.origin.file, m]));
  try {
    for (const { file, text } of edits) {
      const sqlFile = root.files.models.find((f) => f.file === file);
      const model = byFile.get(file);
      if (!sqlFile || !model || model.version !== undefined) return undefined;
      if (text === model.rawSql) continue;
      // The calls the model was compiled from: those parsed from its text then (another compile may have parsed since).
      const before = cache.cachedSqlCalls(file, contentHash(model.rawSql));
      // As addModels: the folder configs, then the last properties entry of that name.
      const props = root.files.properties.flatMap((p) => p.content.models ?? []).filter((entry) => entry.name === model.name).pop();
      const levels = [root.folderConfig('models', sqlFile.relative), props?.config ?? {}];
      const calls = session.sqlCalls({ ...sqlFile, text }, root, model.name, (own) => mergeConfigLevels([...levels, own]));
      if (!before || JSON.stringify(before) !== JSON.stringify(calls)) return undefined;
      models[model.uniqueId] = { ...model, rawSql: text };
    }
  } catch {
    return undefined; // the full compile reports the error with its file and line
  }
  const manifest: Manifest = { ...state.manifest, compiledAt: now.toISOString(), models };
  memoiseCompiledSql(manifest, cache);
  lastCompiles.set(cache, { ...state, manifest });
  return manifest;
}

/** A manifest `recompileFromArtifact` made: the artifact it patched (`artifactIdentity`) and the models it edited (ids). */
export interface ArtifactPatch {
  basis: string;
  edited: ReadonlySet<string>;
}

const patches = new WeakMap<Manifest, ArtifactPatch>();
/** The artifact's text and manifest that `recompileFromArtifact` patched, by the manifest it made. */
const patchedTexts = new WeakMap<Manifest, { last: Manifest; text: string }>();

/**
 * How `manifest` was made from the last compiled artifact, when `recompileFromArtifact` made it: whatever was derived
 * from that artifact's manifest is still true of every node but the edited ones.
 */
export function artifactPatchOf(manifest: Manifest): ArtifactPatch | undefined {
  return patches.get(manifest);
}

/** A compiled artifact as written: its path, size and modification time (what its stamp trusts). */
export function artifactIdentity(artifactFile: string, stat: fs.Stats = fs.statSync(artifactFile)): string {
  return JSON.stringify([path.resolve(artifactFile), stat.size, stat.mtimeMs]);
}

/** The stamp beside a compiled artifact (`<artifact>.stamp.json`): what it was compiled from. */
interface ArtifactStamp {
  size: number;
  mtimeMs: number;
  /** The content hash of every project file it was compiled from, by file (the parse cache's keys). */
  files: Record<string, string>;
  /** The hash of the render context, the target, `--vars` and the compiling code. */
  inputs: string;
}

const stampFileOf = (artifactFile: string) => `${artifactFile}.stamp.json`;

const ENV_VAR_CALL = /\benv_var\s*\(\s*(?:'([^']*)'|"([^"]*)")?/g;

/**
 * The environment variables the project's files name in `env_var('…')` calls, with their values; undefined when a
 * call names one that is not a literal (then any variable could matter). YAML rendered while linking (a source's
 * schema from `env_var`) is not in the render context, so these values are part of the stamp.
 */
function environmentRead(prepared: PreparedCompile): Record<string, string | null> | undefined {
  const read: Record<string, string | null> = {};
  const projects = [prepared.files, ...prepared.packages];
  const texts = [prepared.prefix, ...projects.flatMap((p) => [...p.models, ...p.seeds, ...p.macros, ...p.singularTests, ...(p.snapshots ?? []), ...(p.analyses ?? []), ...p.properties].map((f) => f.text ?? ''))];
  for (const text of texts) {
    if (!text.includes('env_var')) continue;
    for (const match of text.matchAll(ENV_VAR_CALL)) {
      const name = match[1] ?? match[2];
      if (name === undefined) return undefined;
      read[name] = process.env[name] ?? null;
    }
  }
  return read;
}

/** Per compile: `recompileFromArtifact` and `stampArtifact` both ask, and the scan reads every file's text. */
const environments = new WeakMap<PreparedCompile, Record<string, string | null> | undefined>();

function inputsHash(prepared: PreparedCompile, options: CompileOptions, checks: string): string | undefined {
  if (!environments.has(prepared)) environments.set(prepared, environmentRead(prepared));
  const environment = environments.get(prepared);
  if (!environment) return undefined;
  return contentHash(JSON.stringify([PARTIAL_PARSE_VERSION, codeVersion(), prepared.session.contextHash(), options.target, options.cliVars ?? {}, environment, prepared.files.selectors ?? null, checks]));
}

/**
 * `landfall compile`'s recompile: the manifest from the compiled artifact at `artifactFile` (written by the last
 * compile with `cache`) when the only files changed since are root models whose calls did not change; else undefined.
 * Call after `readProjectFiles` with `cache`, before `finishCompile`. `checks` names the checks the caller runs on the
 * manifest (they may attach facts to it, which the artifact then holds).
 */
export function recompileFromArtifact(prepared: PreparedCompile, options: CompileOptions & { parseCache: PartialParseCache }, artifactFile: string, checks: string): Manifest | undefined {
  const cache = options.parseCache;
  if (cache.renderedEnvironmentChanged()) return undefined;
  try {
    const stamp = JSON.parse(fs.readFileSync(stampFileOf(artifactFile), 'utf8')) as ArtifactStamp;
    const stat = fs.statSync(artifactFile);
    const inputs = inputsHash(prepared, options, checks);
    if (inputs === undefined || stamp.size !== stat.size || stamp.mtimeMs !== stat.mtimeMs || stamp.inputs !== inputs) return undefined;
    // The files changed since the artifact's compile (not since the cache's last compile: another artifact, such as
    // `--out .landfall/aws/…`, may have been compiled in between). None added or deleted.
    const now = cache.fileHashes();
    const before = Object.keys(stamp.files ?? {});
    if (before.length !== Object.keys(now).length || before.some((file) => now[file] === undefined)) return undefined;
    const changed = before.filter((file) => now[file] !== stamp.files[file]);
    const root = prepared.scopes[0]!;
    const texts = new Map(root.files.models.map((f) => [f.file, f.text]));
    if (changed.some((file) => !texts.has(file))) return undefined;
    const text = fs.readFileSync(artifactFile, 'utf8');
    const last = JSON.parse(text) as Manifest;
    const manifest = applyModelEdits({ manifest: last, session: prepared.session, root }, changed.map((file) => ({ file, text: texts.get(file)! })), cache, options.now ?? new Date());
    if (manifest) {
      const edited = new Set(Object.keys(manifest.models).filter((id) => manifest.models[id] !== last.models[id]));
      patches.set(manifest, { basis: artifactIdentity(artifactFile, stat), edited });
      patchedTexts.set(manifest, { last, text });
    }
    return manifest;
  } catch {
    return undefined; // no stamp, no artifact, or unreadable: compile in full
  }
}

/**
 * `JSON.stringify(manifest)` for a manifest `recompileFromArtifact` made, spliced from the artifact's text: its
 * `compiledAt` and the edited models' `rawSql` values replaced, the other 7 MB copied as they are (no serialisation of
 * 8,500 nodes). Undefined when anything else differs from the artifact (a check replaced a part with a different
 * value) or a value is not where the serialisation puts it: the caller then serialises. Key order is the artifact's,
 * as the patch made the objects (`{ ...last, compiledAt, models }`, `{ ...model, rawSql }`), so the text is the same.
 * tests/engine/project/model-edits.test.ts compares both.
 */
export function patchedArtifactText(manifest: Manifest): string | undefined {
  const patched = patchedTexts.get(manifest);
  if (!patched) return undefined;
  const { last, text } = patched;
  const lastRecord = last as unknown as Record<string, unknown>;
  const nowRecord = manifest as unknown as Record<string, unknown>;
  const keys = Object.keys(nowRecord);
  if (keys.join('\n') !== Object.keys(lastRecord).join('\n')) return undefined;
  for (const key of keys) {
    if (key === 'compiledAt' || key === 'models' || nowRecord[key] === lastRecord[key]) continue;
    if (JSON.stringify(nowRecord[key]) !== JSON.stringify(lastRecord[key])) return undefined; // e.g. a check's facts
  }
  const models = Object.keys(manifest.models);
  if (models.length !== Object.keys(last.models).length) return undefined;
  // Replacements as [start, end, new text], in file order.
  const splices: [number, number, string][] = [];
  const replaceValue = (from: number, key: string, before: unknown, after: unknown): number | undefined => {
    const marker = `${JSON.stringify(key)}:`;
    const at = text.indexOf(marker, from);
    const old = JSON.stringify(before);
    if (at < 0 || !text.startsWith(old, at + marker.length)) return undefined;
    splices.push([at + marker.length, at + marker.length + old.length, JSON.stringify(after)]);
    return at + marker.length + old.length;
  };
  // A key's quoted name followed by `:` occurs only as a key (inside a string every `"` is escaped); `compiledAt` is
  // the manifest's third key, before any node.
  if (replaceValue(0, 'compiledAt', last.compiledAt, manifest.compiledAt) === undefined) return undefined;
  for (const id of models) {
    const model = manifest.models[id]!;
    const before = last.models[id];
    if (model === before) continue;
    if (!before || Object.keys(model).join('\n') !== Object.keys(before).join('\n')) return undefined;
    for (const key of Object.keys(model) as (keyof typeof model)[]) {
      if (key !== 'rawSql' && model[key] !== before[key]) return undefined;
    }
    const entry = text.indexOf(`${JSON.stringify(id)}:{"uniqueId":${JSON.stringify(id)},`);
    if (entry < 0 || replaceValue(entry, 'rawSql', before.rawSql, model.rawSql) === undefined) return undefined;
  }
  splices.sort((a, b) => a[0] - b[0]);
  const parts: string[] = [];
  let at = 0;
  for (const [start, end, replacement] of splices) {
    parts.push(text.slice(at, start), replacement);
    at = end;
  }
  parts.push(text.slice(at));
  return parts.join('');
}

/** After `artifactFile` was written from a compile prepared as `prepared`: the stamp that lets the next compile reuse it. */
export function stampArtifact(prepared: PreparedCompile, options: CompileOptions, artifactFile: string, checks: string): void {
  const inputs = inputsHash(prepared, options, checks);
  if (inputs === undefined) {
    fs.rmSync(stampFileOf(artifactFile), { force: true });
    return;
  }
  const stat = fs.statSync(artifactFile);
  const stamp: ArtifactStamp = { size: stat.size, mtimeMs: stat.mtimeMs, files: options.parseCache?.fileHashes() ?? {}, inputs };
  fs.writeFileSync(stampFileOf(artifactFile), JSON.stringify(stamp));
}
