/**
 * The compiled project's name alone, for the functions that need nothing else of it (the crash email): in a bundle
 * esbuild defines it as a constant (esbuild.config.js), so such a function does not embed the whole manifest
 * (~60 KiB for dbt/). Locally it is read from the compiled manifest file.
 */
import fs from 'node:fs';
import path from 'node:path';
import { MANIFEST_FILE } from './compiled-project';

declare const LANDFALL_BUNDLED_PROJECT_NAME: string | undefined;

let cached: { file: string; name: string } | undefined;

/** Same precedence as loadCompiledManifest: `LANDFALL_MANIFEST_PATH`, else the bundled project, else the file beside the code. */
export function compiledProjectName(): string {
  const file = process.env.LANDFALL_MANIFEST_PATH ?? (typeof LANDFALL_BUNDLED_PROJECT_NAME !== 'undefined' ? '<bundled>' : path.join(__dirname, MANIFEST_FILE));
  if (file === '<bundled>') return LANDFALL_BUNDLED_PROJECT_NAME!;
  if (cached?.file !== file) cached = { file, name: (JSON.parse(fs.readFileSync(file, 'utf8')) as { projectName: string }).projectName };
  return cached.name;
}
