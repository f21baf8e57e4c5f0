/**
 * What alerting needs from the project beyond the compiled manifest: `landfall.yml` (schedules, alert settings) and,
 * from the properties YAML files, each model's, seed's and source table's declared columns with their PII marks
 * (`meta.pii: true` or a `pii` tag on the column) and its `meta` (owner, alert_emails, alerts, suppression).
 *
 * Read at compile time and carried in the manifest under `alerting` (the functions parse no project file at run
 * time): `compileProject(…, [attachAlertingFacts(projectDir)])`. The engine knows nothing of it.
 */
import fs from 'node:fs';
import path from 'node:path';
import * as yaml from 'js-yaml';
import type { Manifest } from '../engine';
import type { ProjectFiles } from '../engine/project/project-files';
import { readLandfallSettings, type LandfallSettings } from '../schedules/landfall-settings';

export interface NodeAlertFacts {
  /** Columns declared in YAML (lowercase), and which of them are PII. */
  declaredColumns: string[];
  piiColumns: string[];
  /** The node's `meta` from YAML (top level and `config.meta`). */
  meta: Record<string, unknown>;
}

export interface AlertingFacts {
  settings: LandfallSettings;
  /** By unique id of a model, seed or source table. */
  nodes: Record<string, NodeAlertFacts>;
}

export type ManifestWithAlerting = Manifest & { alerting?: AlertingFacts };

type YamlColumn = { name?: unknown; meta?: unknown; tags?: unknown; config?: { meta?: unknown; tags?: unknown } };
type YamlNode = { name?: unknown; meta?: unknown; config?: { meta?: unknown }; columns?: unknown };

/**
 * A compile check that attaches the facts to the manifest before it is written.
 *
 * @example
 * compileProject('dbt', target, out, undefined, undefined, [dmsSchedulesOf, attachAlertingFacts('dbt')]);
 */
export function attachAlertingFacts(projectDir: string): (manifest: Manifest, files?: ProjectFiles) => void {
  return (manifest, files) => {
    (manifest as ManifestWithAlerting).alerting = readAlertingFacts(projectDir, manifest, files);
  };
}

/**
 * The facts of the project at `projectDir`. With `files` (what the compile read: YAML parsed and validated once,
 * cached by the partial-parse cache), no properties file is read or parsed again; without, each is read from disk.
 */
export function readAlertingFacts(projectDir: string, manifest: Manifest, files?: ProjectFiles): AlertingFacts {
  const nodes: Record<string, NodeAlertFacts> = {};
  // The nodes a YAML entry names: the node itself and its versions (`<name>_v…`). Indexed once: a scan per entry
  // made this quadratic (3.4 s of a 2,000-model compile, bench/realistic-compile.ts).
  const index = { models: idsByYamlName(manifest.models), seeds: idsByYamlName(manifest.seeds) };
  const byName = (kind: 'models' | 'seeds', name: string) => index[kind].get(name) ?? [];
  for (const content of files ? parsedPropertyContents(files) : propertyContents(projectDir)) {
    for (const kind of ['models', 'seeds'] as const) {
      for (const entry of asArray(content[kind]) as YamlNode[]) {
        if (typeof entry?.name !== 'string') continue;
        for (const id of byName(kind, entry.name)) nodes[id] = factsOf(entry);
      }
    }
    for (const source of asArray(content.sources) as { name?: unknown; tables?: unknown; meta?: unknown }[]) {
      for (const table of asArray(source?.tables) as YamlNode[]) {
        if (typeof source.name !== 'string' || typeof table?.name !== 'string') continue;
        const id = `source.${manifest.projectName}.${source.name}.${table.name}`;
        if (manifest.sources[id]) nodes[id] = factsOf(table, asRecord(source.meta));
      }
    }
  }
  return { settings: readLandfallSettings(projectDir), nodes };
}

/** Each node's unique id under its name and under every prefix before a `_v` in it (what `startsWith(name + '_v')` matches). */
function idsByYamlName(nodes: Manifest['models'] | Manifest['seeds']): Map<string, string[]> {
  const index = new Map<string, string[]>();
  const add = (key: string, id: string) => {
    const ids = index.get(key);
    if (ids) ids.push(id);
    else index.set(key, [id]);
  };
  for (const node of Object.values(nodes)) {
    add(node.name, node.uniqueId);
    for (let at = node.name.indexOf('_v'); at >= 0; at = node.name.indexOf('_v', at + 1)) add(node.name.slice(0, at), node.uniqueId);
  }
  return index;
}

function factsOf(entry: YamlNode, inherited: Record<string, unknown> = {}): NodeAlertFacts {
  const columns = (asArray(entry.columns) as YamlColumn[]).filter((c) => typeof c?.name === 'string');
  const isPii = (c: YamlColumn) => {
    const meta = { ...asRecord(c.meta), ...asRecord(c.config?.meta) };
    const tags = [...asArray(c.tags), ...asArray(c.config?.tags)];
    return meta.pii === true || tags.includes('pii');
  };
  return {
    declaredColumns: columns.map((c) => String(c.name).toLowerCase()),
    piiColumns: columns.filter(isPii).map((c) => String(c.name).toLowerCase()),
    meta: { ...inherited, ...asRecord(entry.meta), ...asRecord(entry.config?.meta) },
  };
}

/**
 * The parsed properties files under the model and seed paths, from the compile's files (the root project's only, in
 * the order `propertyFiles` walks them: model paths, then seed paths, each sorted).
 */
function parsedPropertyContents(files: ProjectFiles): Record<string, unknown>[] {
  const folderOf = (dir: string) => path.relative(files.root, path.join(files.root, dir)).split(path.sep).join('/');
  const folders = [...(files.project['model-paths'] ?? ['models']), ...(files.project['seed-paths'] ?? ['seeds'])].map(folderOf);
  const under = (file: string) => folders.some((folder) => folder === '' || file.startsWith(`${folder}/`));
  return files.properties.filter((p) => under(p.file)).map((p) => p.content as Record<string, unknown>);
}

/** Each properties file read from disk and parsed (a file that does not parse is skipped: the engine reports it). */
function propertyContents(projectDir: string): Record<string, unknown>[] {
  const contents: Record<string, unknown>[] = [];
  for (const file of propertyFiles(projectDir)) {
    try {
      contents.push((yaml.load(fs.readFileSync(file, 'utf8')) ?? {}) as Record<string, unknown>);
    } catch {
      // the engine reports YAML errors with their line
    }
  }
  return contents;
}

/** Every `.yml`/`.yaml` file under the project's model and seed paths (dbt's defaults when not set). */
function propertyFiles(projectDir: string): string[] {
  let project: Record<string, unknown> = {};
  try {
    project = (yaml.load(fs.readFileSync(path.join(projectDir, 'dbt_project.yml'), 'utf8')) ?? {}) as Record<string, unknown>;
  } catch {
    // the engine reports it
  }
  const dirs = [...(asArray(project['model-paths']) as string[]), ...(asArray(project['seed-paths']) as string[])];
  const roots = (dirs.length > 0 ? dirs : ['models', 'seeds']).map((d) => path.join(projectDir, d));
  const files: string[] = [];
  const walk = (dir: string) => {
    if (!fs.existsSync(dir)) return;
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.ya?ml$/.test(entry.name)) files.push(full);
    }
  };
  roots.forEach(walk);
  return files;
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function asRecord(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value as Record<string, unknown> : {};
}
