/**
 * The run history addresses the manifest a run ran by a hash of the compiled artifact's JSON text (run-history.ts):
 * the text is hashed once, when a function loads it (src/runtime/compiled-project.ts), instead of serializing the
 * whole manifest again to hash it. A tiny module of its own, so loading a manifest pulls in nothing else.
 */
import { createHash } from 'node:crypto';
import type { Manifest } from '../engine/manifest';

const textHashes = new WeakMap<Manifest, string>();

/** Remember the sha256 of the JSON text `manifest` was parsed from. */
export function noteManifestText(manifest: Manifest, text: string): void {
  textHashes.set(manifest, createHash('sha256').update(text).digest('hex'));
}

/** The sha256 noted for `manifest`, or undefined for a manifest compiled in this process (no text). */
export function manifestTextSha256(manifest: Manifest): string | undefined {
  return textHashes.get(manifest);
}
