/**
 * Loading the compiled artifact. In AWS the functions read the manifest bundled next to them (no dbt
 * project file is parsed at run time); locally the CLI compiles the project and points at the result.
 */
import fs from 'node:fs';
import path from 'node:path';
import { compileManifest, readProjectFiles, type Manifest, type Target } from '../engine';

export const MANIFEST_FILE = 'landfall-manifest.json';

let cached: { file: string; manifest: Manifest } | undefined;

/** The manifest at `LANDFALL_MANIFEST_PATH`, or bundled next to the function. Read once per container. */
export function loadCompiledManifest(file = process.env.LANDFALL_MANIFEST_PATH ?? path.join(__dirname, MANIFEST_FILE)): Manifest {
  if (cached?.file === file) return cached.manifest;
  if (!fs.existsSync(file)) throw new Error(`compiled project not found at ${file}: run \`landfall compile\` first`);
  const manifest = JSON.parse(fs.readFileSync(file, 'utf8')) as Manifest;
  if (manifest.landfallVersion !== 1) throw new Error(`${file} was written by an incompatible landfall version`);
  cached = { file, manifest };
  return manifest;
}

/** Compile a project folder and write the artifact. */
export function compileProject(projectDir: string, target: Target, outFile: string, cliVars?: Record<string, unknown>): Manifest {
  const manifest = compileManifest(readProjectFiles(projectDir), { target, cliVars });
  fs.mkdirSync(path.dirname(outFile), { recursive: true });
  fs.writeFileSync(outFile, JSON.stringify(manifest));
  cached = undefined;
  return manifest;
}
