/** The compiled project the functions run (embedded in the bundle, or `LANDFALL_MANIFEST_PATH`), loaded once per container. */
import type { Manifest } from '../engine';
import { loadCompiledManifest } from './compiled-project';
import { once } from './environment';

export const awsManifest: () => Manifest = /* @__PURE__ */ once(() => loadCompiledManifest());
