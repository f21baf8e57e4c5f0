/**
 * Loading the compiled artifact. In AWS the functions read the manifest bundled next to them (no dbt
 * project file is parsed at run time); locally the CLI compiles the project and points at the result.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Manifest } from '../engine/manifest';

export const MANIFEST_FILE = 'landfall-manifest.json';

/**
 * Set by esbuild (`define`, see esbuild.config.js) when the functions are packaged: the compiled
 * project is part of the bundle, so a cold start reads no file and parses no project.
 */
declare const LANDFALL_BUNDLED_MANIFEST: Manifest | undefined;

let cached: { file: string; manifest: Manifest } | undefined;

/** The bundled manifest in AWS; locally the one at `LANDFALL_MANIFEST_PATH`. Read once per container. */
export function loadCompiledManifest(file = process.env.LANDFALL_MANIFEST_PATH ?? path.join(__dirname, MANIFEST_FILE)): Manifest {
  if (typeof LANDFALL_BUNDLED_MANIFEST !== 'undefined' && !process.env.LANDFALL_MANIFEST_PATH) return LANDFALL_BUNDLED_MANIFEST;
  if (cached?.file === file) return cached.manifest;
  if (!fs.existsSync(file)) throw new Error(`compiled project not found at ${file}: run \`landfall compile\` first`);
  const manifest = JSON.parse(fs.readFileSync(file, 'utf8')) as Manifest;
  if (manifest.landfallVersion !== 1) throw new Error(`${file} was written by an incompatible landfall version`);
  cached = { file, manifest };
  return manifest;
}

/** Forget the manifest read so far (after `compileProject` rewrote it). */
export function forgetCompiledManifest(): void {
  cached = undefined;
}
