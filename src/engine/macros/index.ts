/**
 * The macros dbt itself ships (the `dbt` package), loaded before a project's macros. Their definitions
 * are renamed `dbt_lib__<name>` so a project macro of the same name overrides the unqualified name
 * without hiding the original: `dbt.<name>` always reaches the library, `adapter.dispatch` searches the
 * project first and the library second.
 */
import { CROSS_DATABASE_MACROS } from './cross-database';
import { NAMING_MACROS } from './naming';

export const LIBRARY_PREFIX = 'dbt_lib__';

const MACRO_DEFINITION = /\{%-?\s*macro\s+([A-Za-z_]\w*)\s*\(/g;
const LIBRARY_SOURCE = `${CROSS_DATABASE_MACROS}\n${NAMING_MACROS}`;

/** Names of the library's macros, as dbt calls them (without the prefix). */
export const DBT_LIBRARY_MACRO_NAMES: readonly string[] = [...LIBRARY_SOURCE.matchAll(MACRO_DEFINITION)].map((m) => m[1]!);

/** The library's Jinja source with every definition renamed into the library namespace. */
export const DBT_MACRO_LIBRARY = LIBRARY_SOURCE.replace(MACRO_DEFINITION, (whole, name: string) => whole.replace(name, `${LIBRARY_PREFIX}${name}`));

/** The name a package's macro is defined under (see project/package-macros.ts): `dbt_utils.star` is `__landfall_pkg_dbt_utils__star`. */
export function packageMacroName(packageName: string, macro: string): string {
  return `__landfall_pkg_${packageName}__${macro}`;
}

/**
 * `text` with every renamed package macro written as the project calls it, for messages.
 *
 * @example
 * displayMacroNames('in macro __landfall_pkg_dbt_utils__star') // 'in macro dbt_utils.star'
 */
export function displayMacroNames(text: string): string {
  return text.replace(/__landfall_pkg_([A-Za-z0-9_]+?)__([A-Za-z0-9_]+)/g, '$1.$2');
}
