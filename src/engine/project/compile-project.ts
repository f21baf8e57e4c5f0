import fs from 'node:fs';
import path from 'node:path';
import type { Manifest } from '../manifest';
import type { Target } from '../target';
import { linkProject, prepareCompile } from './compile-manifest';
import { patchedArtifactText, recompileFromArtifact, stampArtifact } from './model-edits';
import type { PartialParseCache } from './partial-parse';
import { readProjectFiles, type ProjectFiles } from './project-files';

/**
 * Compile a project folder and write the artifact the functions load (`landfall compile`). With a
 * `parseCache`, files unchanged since the cache last saw them are not parsed again, and the cache is saved
 * (to its file, when it has one) for the next compile; when only models changed and their calls did not, the last
 * artifact is patched instead of linking the project again (model-edits.ts). The manifest is the same either way.
 *
 * @example
 * compileProject('dbt', { name: 'prod', type: 'redshift', schema: 'analytics', database: 'dev' }, '.landfall/aws/landfall-manifest.json');
 * // in a long-lived process, or with the cache of the previous `landfall compile`:
 * const parseCache = PartialParseCache.open('.landfall/partial-parse.json');
 * compileProject('dbt', target, '.landfall/landfall-manifest.json', {}, parseCache);
 *
 * `checks` run on the manifest before it is written (the CLI passes the DMS schedule check of src/schedules, which
 * throws naming the source of a bad `meta.landfall.dms.schedule`): the engine imports nothing above it. Each check
 * also gets the project files the compile read (YAML already parsed and validated), so it need not read them again.
 */
export function compileProject(
  projectDir: string, target: Target, outFile: string, cliVars?: Record<string, unknown>, parseCache?: PartialParseCache,
  checks: ReadonlyArray<(manifest: Manifest, files: ProjectFiles) => unknown> = [],
): Manifest {
  parseCache?.startCompile();
  const files = readProjectFiles(projectDir, { parseCache });
  const options = { target, cliVars, parseCache };
  const checksRun = JSON.stringify(checks.map(String));
  const prepared = prepareCompile(files, options);
  // With a parse cache, saved models whose calls did not change are patched into the artifact written last time.
  const manifest = (parseCache && recompileFromArtifact(prepared, { ...options, parseCache }, outFile, checksRun)) || linkProject(prepared, options);
  for (const check of checks) check(manifest, files);
  parseCache?.finishCompile();
  fs.mkdirSync(path.dirname(outFile), { recursive: true });
  // A patched artifact is spliced from the last one's text, not serialised again (model-edits.ts).
  fs.writeFileSync(outFile, patchedArtifactText(manifest) ?? JSON.stringify(manifest));
  if (parseCache) stampArtifact(prepared, options, outFile, checksRun);
  return manifest;
}
