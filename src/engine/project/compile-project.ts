import fs from 'node:fs';
import path from 'node:path';
import type { Manifest } from '../manifest';
import type { Target } from '../target';
import { compileManifest } from './compile-manifest';
import type { PartialParseCache } from './partial-parse';
import { readProjectFiles, type ProjectFiles } from './project-files';

/**
 * Compile a project folder and write the artifact the functions load (`landfall compile`). With a
 * `parseCache`, files unchanged since the cache last saw them are not parsed again, and the cache is saved
 * (to its file, when it has one) for the next compile; the manifest is the same with or without it.
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
  const manifest = compileManifest(files, { target, cliVars, parseCache });
  for (const check of checks) check(manifest, files);
  parseCache?.finishCompile();
  fs.mkdirSync(path.dirname(outFile), { recursive: true });
  fs.writeFileSync(outFile, JSON.stringify(manifest));
  return manifest;
}
