/**
 * dbt's model versions (`versions:` in a model's YAML entry). Each version is a node of its own:
 *   - its file is `<name>_v<v>.sql`, or the file its `defined_in` names;
 *   - its unique id is `model.<package>.<name>.v<v>`, its `name` the model's, its relation `<name>_v<v>` (unless aliased);
 *   - its columns are the model's, narrowed by the version's `include`/`exclude` entry, plus the version's own
 *     columns (a version's column of the same name replaces the model's); its config is the model's under the version's;
 *   - `ref('m', v=1)` (or `version=1`) reads version 1; `ref('m')` reads `latest_version` (by default the highest).
 * Refs are keyed `m.v1` (see {@link versionedRefKey}); the latest version is also known by the bare name.
 */
import { ProjectError, lineOf } from '../errors';
import type { ModelEntry, PropertiesFile } from './project-files';
import { escapeRegex } from './config-levels';

export interface ModelVersion {
  /** The model's name (`dim_customers`). */
  name: string;
  version: string;
  latestVersion: string;
  isLatest: boolean;
  /** The model's YAML entry with this version's columns and config in place of the model's. */
  entry: ModelEntry;
  /** The YAML file that declares the versions. */
  file: string;
}

/** The key `ref()` resolves for a version: `m.v2`; the bare name for an unversioned ref. */
export function versionedRefKey(name: string, version?: string | number): string {
  return version === undefined || version === null || version === '' ? name : `${name}.v${String(version)}`;
}

interface VersionYaml {
  v?: unknown;
  defined_in?: unknown;
  config?: Record<string, unknown>;
  columns?: Record<string, unknown>[];
  [key: string]: unknown;
}

/**
 * The versions declared in a project's properties files, by the base name of the SQL file of each version.
 *
 * @example
 * versionsByFile([{ file: 'models/schema.yml', content: { models: [{ name: 'm', versions: [{ v: 1 }, { v: 2 }] }] } }], () => '')
 * // Map { 'm_v1' => { name: 'm', version: '1', latestVersion: '2', isLatest: false, … }, 'm_v2' => { …, isLatest: true } }
 */
export function versionsByFile(properties: { file: string; content: PropertiesFile }[], textOf: (file: string) => string): Map<string, ModelVersion> {
  const byFile = new Map<string, ModelVersion>();
  for (const { file, content } of properties) {
    for (const entry of content.models ?? []) {
      for (const [fileName, version] of modelVersionsOf(entry, file, textOf(file))) byFile.set(fileName, version);
    }
  }
  return byFile;
}

/** The versions of one YAML model entry, by the base name of each version's SQL file; empty for an unversioned model. */
export function modelVersionsOf(entry: ModelEntry, file: string, text: string): Map<string, ModelVersion> {
  const byFile = new Map<string, ModelVersion>();
  const versions = (entry as { versions?: unknown }).versions;
  if (versions === undefined) return byFile;
  const at = lineOf(text, new RegExp(`name:\\s*['"]?${escapeRegex(entry.name)}['"]?\\s*$`, 'm'));
  if (!Array.isArray(versions) || versions.length === 0) throw new ProjectError(file, `model '${entry.name}': versions must be a non-empty list of {v: …}`, at);
  const list = versions as VersionYaml[];
  const numbers = list.map((item, i) => {
    if (item?.v === undefined || item.v === null || String(item.v).trim() === '') throw new ProjectError(file, `model '${entry.name}': version ${i + 1} has no v`, at);
    return String(item.v);
  });
  const duplicate = numbers.find((v, i) => numbers.indexOf(v) !== i);
  if (duplicate) throw new ProjectError(file, `model '${entry.name}': version ${duplicate} is declared twice`, at);
  const declaredLatest = (entry as { latest_version?: unknown }).latest_version;
  const latestVersion = declaredLatest !== undefined ? String(declaredLatest) : [...numbers].sort(compareVersions).at(-1)!;
  if (!numbers.includes(latestVersion)) {
    throw new ProjectError(file, `model '${entry.name}': latest_version ${latestVersion} is not one of its versions (${numbers.join(', ')})`, at);
  }
  list.forEach((item, i) => {
    const version = numbers[i]!;
    const fileName = typeof item.defined_in === 'string' ? item.defined_in : `${entry.name}_v${version}`;
    byFile.set(fileName, {
      name: entry.name, version, latestVersion, isLatest: version === latestVersion, file,
      entry: versionEntry(entry, item, file, at),
    });
  });
  return byFile;
}

function compareVersions(a: string, b: string): number {
  const [na, nb] = [Number(a), Number(b)];
  if (!Number.isNaN(na) && !Number.isNaN(nb)) return na - nb;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The model's entry as one version sees it: columns included/excluded/overridden, config merged. */
function versionEntry(entry: ModelEntry, version: VersionYaml, file: string, at: number | undefined): ModelEntry {
  const base = entry.columns ?? [];
  let columns = base;
  const own: Record<string, unknown>[] = [];
  for (const column of version.columns ?? []) {
    if ('include' in column || 'exclude' in column) {
      const include = column.include;
      const exclude = Array.isArray(column.exclude) ? column.exclude.map(String) : [];
      const included = include === undefined || include === 'all' || include === '*' ? base
        : Array.isArray(include) ? base.filter((c) => include.map(String).includes(c.name))
          : (() => { throw new ProjectError(file, `model '${entry.name}' v${String(version.v)}: include must be 'all' or a list of column names`, at); })();
      for (const name of exclude) {
        if (!base.some((c) => c.name === name)) throw new ProjectError(file, `model '${entry.name}' v${String(version.v)}: exclude names '${name}', which is not one of the model's columns`, at);
      }
      columns = included.filter((c) => !exclude.includes(c.name));
    } else own.push(column);
  }
  const ownNames = new Set(own.map((c) => String(c.name)));
  const { versions: _versions, latest_version: _latest, ...rest } = entry as ModelEntry & { versions?: unknown; latest_version?: unknown };
  return {
    ...rest,
    config: { ...(entry.config ?? {}), ...(version.config ?? {}) },
    columns: [...columns.filter((c) => !ownNames.has(c.name)), ...(own as ModelEntry['columns'] & object)],
  } as ModelEntry;
}
