/**
 * The macro library of a project and its installed packages, as one Jinja source every template is rendered
 * after (see jinja/environment.ts `renderTemplate`'s `macros`).
 *
 * dbt keeps each package's macros in its own namespace: `dbt_utils.star(...)` reaches dbt_utils' `star` even
 * when the root project defines a `star` of its own. Here each package's definitions are renamed
 * `__landfall_pkg_<package>__<macro>` (as the dbt library's are renamed `dbt_lib__<macro>`), then:
 *
 * - `{% set <package> = {"<macro>": <renamed>, …} %}` makes `<package>.<macro>` a lookup in a plain dict;
 * - a package macro is also bound to its plain name unless the root project or an earlier package defines it
 *   (dbt finds an unqualified generic test or macro in any package; the root project always wins);
 * - the root project's macros keep their names and get a namespace of their own (`<root>.<macro>`);
 * - `__landfall_dispatch` tells `adapter.dispatch` (jinja/dbt-globals.ts) which package defines which macro
 *   and the `dispatch:` search orders of the root `dbt_project.yml`.
 */
import { ProjectError } from '../errors';
import { DBT_LIBRARY_MACRO_NAMES, packageMacroName } from '../macros';
import { macroFileMarker } from '../jinja/environment';
import type { ProjectFiles, SqlFile } from './project-files';

const DEFINITION = /\{%(-?)\s*(macro|test)\s+([A-Za-z_]\w*)\s*\(/g;

/** What `adapter.dispatch` reads from the template context (see jinja/dbt-globals.ts). */
export interface DispatchInfo {
  root: string;
  /** Macro names (tests as `test_<name>`) each package defines, the root project included. */
  macros: Record<string, string[]>;
  /** `dispatch:` of the root dbt_project.yml: macro_namespace → search_order. */
  searchOrder: Record<string, string[]>;
}

export interface MacroLibrary {
  /** The Jinja source defining every macro (packages first, then the root project's). */
  source: string;
  /** Generic tests by how YAML names them: `name` (root or any package) and `package.name`. */
  genericTests: ReadonlyMap<string, { packageName: string; macro: string }>;
  dispatch: DispatchInfo;
}

/** A macro file's text, marked with its path so errors in it are blamed on it (jinja/environment.ts). */
function withFileMarker(file: SqlFile): string {
  return `${macroFileMarker(file.file)}${file.text}`;
}

/** Macro names (tests as `test_<name>`) defined in a macro source. */
function definedNames(source: string): string[] {
  return [...source.matchAll(DEFINITION)].map((m) => (m[2] === 'test' ? `test_${m[3]}` : m[3]!));
}

/** dbt refuses two macros with one name in one package; so does landfall, naming both files. */
function checkDuplicates(packageName: string, macros: SqlFile[]): void {
  const seen = new Map<string, string>();
  for (const file of macros) {
    for (const name of definedNames(file.text)) {
      const other = seen.get(name);
      if (other !== undefined && other !== file.file) {
        throw new ProjectError(file.file, `macro '${name}' of package '${packageName}' is defined twice (also in ${other}); dbt refuses duplicate macro names in a package`);
      }
      seen.set(name, file.file);
    }
  }
}

/**
 * @example
 * const library = buildMacroLibrary(readProjectFiles('integration_tests'));
 * library.genericTests.get('dbt_utils.expression_is_true') // { packageName: 'dbt_utils', macro: 'test_expression_is_true' }
 */
export function buildMacroLibrary(root: ProjectFiles): MacroLibrary {
  const rootName = root.project.name;
  const rootSource = root.macros.map(withFileMarker).join('\n');
  const rootNames = definedNames(rootSource);
  const bound = new Set<string>([...rootNames, ...DBT_LIBRARY_MACRO_NAMES]);
  const genericTests = new Map<string, { packageName: string; macro: string }>();
  const dispatch: DispatchInfo = { root: rootName, macros: { [rootName]: rootNames }, searchOrder: dispatchSearchOrder(root.project.dispatch) };
  const parts: string[] = [];
  for (const pkg of root.packages ?? []) {
    const name = pkg.project.name;
    checkDuplicates(name, pkg.macros);
    const source = pkg.macros.map(withFileMarker).join('\n');
    const names = definedNames(source);
    dispatch.macros[name] = names;
    parts.push(source.replace(DEFINITION, (_whole, dash: string, kind: string, macro: string) =>
      `{%${dash} macro ${packageMacroName(name, kind === 'test' ? `test_${macro}` : macro)}(`));
    const entries = names.map((macro) => `${JSON.stringify(macro)}: ${packageMacroName(name, macro)}`);
    parts.push(`{% set ${name} = {${entries.join(', ')}} %}`);
    for (const macro of names) {
      if (macro.startsWith('test_')) {
        const test = macro.slice('test_'.length);
        genericTests.set(`${name}.${test}`, { packageName: name, macro });
        if (!rootNames.includes(macro) && !genericTests.has(test)) genericTests.set(test, { packageName: name, macro });
      }
      if (bound.has(macro)) continue;
      bound.add(macro);
      parts.push(`{% set ${macro} = ${packageMacroName(name, macro)} %}`);
    }
  }
  checkDuplicates(rootName, root.macros);
  parts.push(rootSource);
  for (const macro of rootNames) {
    if (macro.startsWith('test_')) {
      genericTests.set(macro.slice('test_'.length), { packageName: rootName, macro });
      genericTests.set(`${rootName}.${macro.slice('test_'.length)}`, { packageName: rootName, macro });
    }
  }
  if (root.packages?.length) {
    parts.push(`{% set ${rootName} = {${rootNames.map((m) => `${JSON.stringify(m)}: ${m}`).join(', ')}} %}`);
    // As JSON text in a single-quoted string (names are identifiers, so it holds no quote); dbt-globals.ts parses it.
    parts.push(`{% set __landfall_dispatch = '${JSON.stringify(dispatch)}' %}`);
  }
  return { source: parts.filter((p) => p !== '').join('\n'), genericTests, dispatch };
}

/** `dispatch: [{macro_namespace: dbt_utils, search_order: [my_project, dbt_utils]}]`, validated. */
function dispatchSearchOrder(value: unknown): Record<string, string[]> {
  if (value === undefined || value === null) return {};
  if (!Array.isArray(value)) throw new ProjectError('dbt_project.yml', 'dispatch: must be a list of {macro_namespace, search_order}');
  const out: Record<string, string[]> = {};
  for (const entry of value as Record<string, unknown>[]) {
    const namespace = entry?.macro_namespace;
    const order = entry?.search_order;
    if (typeof namespace !== 'string' || !Array.isArray(order) || !order.every((p) => typeof p === 'string')) {
      throw new ProjectError('dbt_project.yml', `dispatch: each entry needs macro_namespace (a string) and search_order (a list of package names), got ${JSON.stringify(entry)}`);
    }
    out[namespace] = order as string[];
  }
  return out;
}
