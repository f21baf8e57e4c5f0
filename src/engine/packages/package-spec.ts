/**
 * `packages.yml` / `dependencies.yml` entries as dbt reads them: hub packages (`package:` + `version:`, a version
 * or a list of ranges), `git:` (with `revision:`, `subdirectory:`, `warn-unpinned:`), `local:` and `tarball:`
 * (with `name:`). Errors name the file and the line of the entry. Also the hash dbt writes into
 * `package-lock.yml` to tell whether the lock still matches the file.
 */
import { createHash } from 'node:crypto';
import * as yaml from 'js-yaml';
import { ProjectError } from '../errors';

export type PackageSpec =
  | { kind: 'hub'; package: string; version: string[]; installPrerelease: boolean; line?: number }
  | { kind: 'git'; git: string; revision?: string; subdirectory?: string; warnUnpinned?: boolean; name?: string; line?: number }
  | { kind: 'local'; local: string; name?: string; line?: number }
  | { kind: 'tarball'; tarball: string; name: string; line?: number };

export const PACKAGE_FILES = ['packages.yml', 'dependencies.yml'] as const;

/** The 1-based line of each top-level list item under `packages:` (for errors). */
function entryLines(text: string): number[] {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => /^packages\s*:/.test(l));
  if (start < 0) return [];
  const out: number[] = [];
  let indent: number | undefined;
  for (let i = start + 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (/^\S/.test(line) && !line.startsWith('-') && !line.startsWith('#')) break;
    const item = /^(\s*)-\s/.exec(line) ?? /^(\s*)-$/.exec(line);
    if (!item) continue;
    indent ??= item[1]!.length;
    if (item[1]!.length === indent) out.push(i + 1);
  }
  return out;
}

/**
 * Parse the text of `packages.yml` or `dependencies.yml` (`file` names it in errors).
 *
 * @example
 * parsePackagesFile('packages:\n  - package: dbt-labs/dbt_utils\n    version: [">=1.0.0", "<2.0.0"]\n', 'packages.yml')
 * // [{ kind: 'hub', package: 'dbt-labs/dbt_utils', version: ['>=1.0.0', '<2.0.0'], installPrerelease: false, line: 2 }]
 */
export function parsePackagesFile(text: string, file: string): PackageSpec[] {
  let data: unknown;
  try {
    data = yaml.load(text);
  } catch (error) {
    const mark = (error as { mark?: { line?: number } }).mark;
    throw new ProjectError(file, `invalid YAML: ${(error as { reason?: string }).reason ?? (error as Error).message}`, mark?.line !== undefined ? mark.line + 1 : undefined);
  }
  if (data === null || data === undefined) return [];
  if (typeof data !== 'object' || Array.isArray(data)) throw new ProjectError(file, 'must be a mapping with a `packages:` list', 1);
  const list = (data as Record<string, unknown>).packages;
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) throw new ProjectError(file, '`packages:` must be a list', entryLines(text)[0]);
  return parsePackageEntries(list, file, entryLines(text));
}

/** Package entries already parsed from YAML or JSON (a hub package's dependencies), with their lines when known. */
export function parsePackageEntries(list: unknown[], file: string, lines: (number | undefined)[] = []): PackageSpec[] {
  return list.map((entry, i) => parseEntry(entry, file, lines[i]));
}

function parseEntry(entry: unknown, file: string, line: number | undefined): PackageSpec {
  const fail = (message: string): never => {
    throw new ProjectError(file, `package entry ${message}`, line);
  };
  if (!entry || typeof entry !== 'object' || Array.isArray(entry)) return fail(`must be a mapping such as {package: dbt-labs/dbt_utils, version: 1.1.1}, got ${JSON.stringify(entry)}`);
  const e = entry as Record<string, unknown>;
  const kinds = ['package', 'git', 'local', 'tarball', 'private'].filter((k) => e[k] !== undefined);
  if (kinds.length !== 1) return fail(`needs exactly one of package:, git:, local:, tarball: (got ${kinds.length ? kinds.join(', ') : 'none'})`);
  const text = (key: string, required: boolean): string | undefined => {
    const value = e[key];
    if (value === undefined || value === null) return required ? fail(`'${key}' is required`) : undefined;
    if (typeof value !== 'string' && typeof value !== 'number') return fail(`'${key}' must be a string, got ${JSON.stringify(value)}`);
    return String(value);
  };
  const name = text('name', false);
  switch (kinds[0]) {
    case 'package': {
      const pkg = text('package', true)!;
      if (!/^[^/\s]+\/[^/\s]+$/.test(pkg)) fail(`package '${pkg}' must be <namespace>/<name> as on the dbt hub (e.g. dbt-labs/dbt_utils)`);
      const raw = e.version;
      if (raw === undefined || raw === null) return fail(`package '${pkg}' needs a version: (a version such as 1.1.1, or a list of ranges such as [">=1.0.0", "<2.0.0"])`);
      const version = (Array.isArray(raw) ? raw : [raw]).map((v) => String(v));
      return { kind: 'hub', package: pkg, version, installPrerelease: e['install-prerelease'] === true || e.install_prerelease === true, line };
    }
    case 'git': {
      const warn = e['warn-unpinned'] ?? e.warn_unpinned;
      return {
        kind: 'git', git: text('git', true)!, line,
        ...(text('revision', false) !== undefined ? { revision: text('revision', false) } : {}),
        ...(text('subdirectory', false) !== undefined ? { subdirectory: text('subdirectory', false) } : {}),
        ...(typeof warn === 'boolean' ? { warnUnpinned: warn } : {}),
        ...(name ? { name } : {}),
      };
    }
    case 'local':
      return { kind: 'local', local: text('local', true)!, line, ...(name ? { name } : {}) };
    case 'tarball':
      if (!name) return fail(`tarball '${String(e.tarball)}' needs a name: (the package's project name)`);
      return { kind: 'tarball', tarball: text('tarball', true)!, name, line };
    default:
      return fail('private: packages (git hosts with stored credentials) are not supported; use git: with a URL');
  }
}

/** Python's `json.dumps(…, sort_keys=True)` for the plain values a package entry holds. */
function pythonJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'string') return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value)) return `[${value.map(pythonJson).join(', ')}]`;
  const entries = Object.keys(value as object).sort().map((k) => `${JSON.stringify(k)}: ${pythonJson((value as Record<string, unknown>)[k])}`);
  return `{${entries.join(', ')}}`;
}

/** An entry as dbt's `to_dict()` gives it (defaults included, `name` only when set). */
function dbtDict(spec: PackageSpec): Record<string, unknown> {
  switch (spec.kind) {
    case 'hub': return { package: spec.package, version: spec.version.length === 1 ? spec.version[0] : spec.version, install_prerelease: spec.installPrerelease, unrendered: {} };
    case 'git': return { git: spec.git, revision: spec.revision ?? null, 'warn-unpinned': spec.warnUnpinned ?? null, subdirectory: spec.subdirectory ?? null, unrendered: {}, ...(spec.name ? { name: spec.name } : {}) };
    case 'local': return { local: spec.local, unrendered: {}, ...(spec.name ? { name: spec.name } : {}) };
    case 'tarball': return { tarball: spec.tarball, name: spec.name, unrendered: {} };
  }
}

/**
 * dbt's `sha1_hash` of the package entries (sorted JSON lines, SHA-1), which `package-lock.yml` records: when
 * the file's entries change, the lock is resolved again.
 */
export function packagesHash(specs: PackageSpec[]): string {
  const lines = specs.map((s) => pythonJson(dbtDict(s))).sort();
  return createHash('sha1').update(lines.join('\n')).digest('hex');
}
