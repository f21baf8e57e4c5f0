/**
 * A recompile after model files were saved, without linking the project again (`landfall serve`'s watcher).
 *
 * A model node is made from its file's text in two ways only: `rawSql` is the text, and everything else (config,
 * relation, dependencies, contract) comes from the parse-time calls the text makes (`ref`, `source`, `config`), the
 * folder configs and the YAML properties. So when every saved file is a model of the root project whose calls are
 * the same as at the last compile, the manifest a full compile would give is the last one with those models' text
 * (and a new `compiledAt`): the other 99.9 % of the work — linking 2,000 models and 6,500 tests — is skipped.
 * Anything else (a YAML file, a macro, a new or deleted file, a versioned model, changed calls, an error) returns
 * undefined, and the caller compiles in full. tests/engine/project/model-edits.test.ts compares both.
 */
import path from 'node:path';
import type { Manifest, ModelNode } from '../manifest';
import { memoiseCompiledSql } from '../render/compiled-sql';
import { mergeConfigLevels } from './config-levels';
import type { PartialParseCache } from './partial-parse';
import type { ParseSession, ProjectScope } from './parse-session';
import type { SqlFile } from './project-files';

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
 * The manifest after `changed` files (relative to `projectDir`) were saved, from the last compile with `cache`; or
 * undefined when only a full compile can tell (see the file comment).
 *
 * @example
 * const manifest = recompileModelEdits('dbt', ['models/orders.sql'], cache) ?? compileManifest(readProjectFiles('dbt', { parseCache: cache }), options);
 */
export function recompileModelEdits(projectDir: string, changed: readonly string[], cache: PartialParseCache, now = new Date()): Manifest | undefined {
  const last = lastCompiles.get(cache);
  if (!last || changed.length === 0) return undefined;
  const { root, session } = last;
  const models: Record<string, ModelNode> = { ...last.manifest.models };
  const byFile = new Map(Object.values(models).filter((m) => m.packageName === root.packageName).map((m) => [m.origin.file, m]));
  const files = root.files.models;
  try {
    for (const file of new Set(changed)) {
      const index = files.findIndex((f) => f.file === file);
      const model = byFile.get(file);
      if (index < 0 || !model || model.version !== undefined) return undefined;
      const before = cache.cachedSqlCalls(file);
      const text = cache.fileText(file, path.join(projectDir, file));
      if (text === files[index]!.text) continue;
      const edited: SqlFile = { ...files[index]!, text };
      // As addModels: the last properties entry of that name.
      const props = root.files.properties.flatMap((p) => p.content.models ?? []).filter((entry) => entry.name === model.name).pop();
      const levels = [root.folderConfig('models', edited.relative), props?.config ?? {}];
      const calls = session.sqlCalls(edited, root, model.name, (own) => mergeConfigLevels([...levels, own]));
      if (!before || JSON.stringify(before) !== JSON.stringify(calls)) return undefined;
      files[index] = edited;
      models[model.uniqueId] = { ...model, rawSql: text };
    }
  } catch {
    return undefined; // the full compile reports the error with its file and line
  }
  const manifest: Manifest = { ...last.manifest, compiledAt: now.toISOString(), models };
  memoiseCompiledSql(manifest, cache);
  lastCompiles.set(cache, { ...last, manifest });
  return manifest;
}
