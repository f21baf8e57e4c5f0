/**
 * Writes dbt's artifacts where dbt writes them: the project's target path (`DBT_TARGET_PATH`, else
 * `target-path` in dbt_project.yml, else `target`, relative to the project folder). The one file of
 * src/artifacts that touches the file system; CLI commands call `writeTargetArtifacts` once each.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Manifest } from '../engine/manifest';
import type { RunState } from '../engine/run/run-state';
import type { FreshnessResult } from '../engine/freshness/freshness';
import { compiledCodeOf, type CompiledCodeOptions } from './compiled-code';
import { manifestArtifact, manifestArtifactBytes } from './manifest-artifact';
import type { ManifestFragments } from './manifest-fragments';
import { readProjectDocs, type ProjectDocs } from './project-docs';
import { runResultsArtifact } from './run-results-artifact';
import { sourcesArtifact } from './sources-artifact';
import { writeFileAtomic } from '../engine/write-file-atomic';
import type { CatalogArtifact } from './catalog';

export const TARGET_FILES = { manifest: 'manifest.json', runResults: 'run_results.json', sources: 'sources.json', catalog: 'catalog.json' } as const;

/** dbt's target path of a project folder. */
export function targetDir(projectDir: string): string {
  const fromEnv = process.env.DBT_TARGET_PATH;
  if (fromEnv) return path.resolve(projectDir, fromEnv);
  const projectFile = path.join(projectDir, 'dbt_project.yml');
  const configured = fs.existsSync(projectFile) ? /^target-path:\s*['"]?([^'"\n#]+?)['"]?\s*(#.*)?$/m.exec(fs.readFileSync(projectFile, 'utf8'))?.[1] : undefined;
  return path.resolve(projectDir, configured ?? 'target');
}

export interface TargetArtifactsInput {
  projectDir: string;
  manifest: Manifest;
  invocationId: string;
  startedAt: Date;
  /** A finished run: writes run_results.json. */
  run?: { state: RunState; args: Record<string, unknown>; elapsedSeconds: number };
  /** `source freshness` results: writes sources.json. */
  freshness?: { results: FreshnessResult[]; elapsedSeconds: number };
  catalog?: CatalogArtifact;
  /** Read from `projectDir` when not given. */
  docs?: ProjectDocs;
  /**
   * Render every model's SQL into the manifest's `compiled_code` (`compile`, `docs generate`; compiled-code.ts).
   * Builds leave it out.
   */
  compiledCode?: boolean;
  /** With `compiledCode`: the parse cache and the models not to render again (compiled-code.ts `CompiledCodeOptions`). */
  compiledCodeOptions?: CompiledCodeOptions;
  env?: Record<string, string>;
  /**
   * Node entries kept as text from the last write (manifest-fragments.ts): manifest.json is assembled from them,
   * building only entries whose inputs changed, and they are updated (and their index saved) after the write.
   */
  fragments?: ManifestFragments;
}

/**
 * Writes manifest.json always, and run_results.json, sources.json, catalog.json when their inputs are given.
 * Returns the files written.
 *
 * @example
 * writeTargetArtifacts({ projectDir: 'dbt', manifest, invocationId: state.runId, startedAt, run: { state, args, elapsedSeconds } });
 */
export function writeTargetArtifacts(input: TargetArtifactsInput): string[] {
  const written = writeArtifactFiles(input.projectDir, targetArtifacts(input));
  const manifestFile = written.find((file) => path.basename(file) === TARGET_FILES.manifest);
  if (input.fragments && manifestFile) input.fragments.save(manifestFile);
  return written;
}

/**
 * The artifacts `writeTargetArtifacts` writes, by file name (pure apart from reading the project's docs when not
 * given): JSON values, and manifest.json as its UTF-8 bytes when `fragments` are given.
 */
export function targetArtifacts(input: TargetArtifactsInput): Map<string, unknown> {
  const generatedAt = new Date();
  const files = new Map<string, unknown>();
  const docs = input.docs ?? readProjectDocs(input.projectDir);
  const meta = { invocationId: input.invocationId, generatedAt, invocationStartedAt: input.startedAt, env: input.env };
  const manifestInput = { ...meta, manifest: input.manifest, docs, ...(input.compiledCode ? { compiledCode: compiledCodeOf(input.manifest, input.startedAt, input.compiledCodeOptions) } : {}) };
  files.set(TARGET_FILES.manifest, input.fragments ? manifestArtifactBytes(manifestInput, input.fragments) : manifestArtifact(manifestInput));
  if (input.run) {
    files.set(TARGET_FILES.runResults, runResultsArtifact({ state: input.run.state, manifest: input.manifest, args: input.run.args, elapsedSeconds: input.run.elapsedSeconds, generatedAt, env: input.env }));
  }
  if (input.freshness) files.set(TARGET_FILES.sources, sourcesArtifact({ ...meta, results: input.freshness.results, elapsedSeconds: input.freshness.elapsedSeconds }));
  if (input.catalog) files.set(TARGET_FILES.catalog, input.catalog);
  return files;
}

/** Writes artifacts under the project's target path (bytes or a string as they are, anything else as JSON), each written then renamed; returns the paths. */
export function writeArtifactFiles(projectDir: string, files: Map<string, unknown>): string[] {
  const dir = targetDir(projectDir);
  fs.mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  for (const [file, value] of files) {
    const target = path.join(dir, file);
    // Write then rename, so a reader (the docs server) never sees half a file.
    writeFileAtomic(target, typeof value === 'string' || Buffer.isBuffer(value) ? value : JSON.stringify(value));
    written.push(target);
  }
  return written;
}

export { compiledCodeOf } from './compiled-code';
