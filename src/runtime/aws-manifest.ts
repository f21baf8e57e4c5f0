/**
 * The compiled project the functions run (embedded in the bundle, or `LANDFALL_MANIFEST_PATH`), loaded once per
 * container (loadCompiledManifest keeps it; a file rewritten by `landfall serve`'s watcher is read again).
 */
import type { Manifest } from '../engine';
import { loadCompiledManifest } from './compiled-project';

export const awsManifest: () => Manifest = () => loadCompiledManifest();
