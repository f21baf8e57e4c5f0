/**
 * Loading the compiled artifact. In AWS the functions read the manifest bundled next to them (no dbt
 * project file is parsed at run time); locally the CLI compiles the project and points at the result.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import type { Manifest } from '../engine/manifest';
import { noteManifestText } from '../artifacts/manifest-text-hash';

export const MANIFEST_FILE = 'landfall-manifest.json';

/**
 * Set by esbuild (`define`, see esbuild.config.js) when the functions are packaged: the compiled
 * project is part of the bundle as Brotli-compressed JSON text in base64 (60 → 7 KiB for dbt/), so a
 * cold start reads no file and parses no project; decompressing it takes ~0.3 ms.
 * JSON text rather than an object literal: V8 parses JSON text faster than the same data as JavaScript
 * (bench/artifact-load.ts measures both).
 */
declare const LANDFALL_BUNDLED_MANIFEST_BROTLI: string | undefined;

let cached: { file: string; manifest: Manifest; mtimeMs?: number; size?: number } | undefined;

/** The bundled manifest in AWS; locally the one at `LANDFALL_MANIFEST_PATH`. Parsed once per container. */
export function loadCompiledManifest(file = process.env.LANDFALL_MANIFEST_PATH ?? path.join(__dirname, MANIFEST_FILE)): Manifest {
  if (typeof LANDFALL_BUNDLED_MANIFEST_BROTLI !== 'undefined' && !process.env.LANDFALL_MANIFEST_PATH) file = '<bundled>';
  // A file on disk is read again when it was rewritten (locally, `landfall serve` recompiles as files are saved:
  // src/local/project-watcher.ts); the bundled project never changes within a container.
  const stat = file === '<bundled>' ? undefined : statOrUndefined(file);
  if (cached?.file === file && cached.mtimeMs === stat?.mtimeMs && cached.size === stat?.size) return cached.manifest;
  if (file === '<bundled>') {
    const json = zlib.brotliDecompressSync(Buffer.from(LANDFALL_BUNDLED_MANIFEST_BROTLI!, 'base64')).toString('utf8');
    cached = { file, manifest: JSON.parse(json) as Manifest };
    noteManifestText(cached.manifest, json); // the run history addresses the manifest by this text's hash
    return cached.manifest;
  }
  if (!fs.existsSync(file)) throw new Error(`compiled project not found at ${file}: run \`landfall compile\` first`);
  const text = fs.readFileSync(file, 'utf8');
  const manifest = JSON.parse(text) as Manifest;
  if (manifest.landfallVersion !== 1) throw new Error(`${file} was written by an incompatible landfall version`);
  noteManifestText(manifest, text);
  cached = { file, manifest, mtimeMs: stat?.mtimeMs, size: stat?.size };
  return manifest;
}

function statOrUndefined(file: string): fs.Stats | undefined {
  try {
    return fs.statSync(file);
  } catch {
    return undefined;
  }
}

/** Forget the manifest read so far (after `compileProject` rewrote it). */
export function forgetCompiledManifest(): void {
  cached = undefined;
}
