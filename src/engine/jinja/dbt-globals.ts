/**
 * The dbt names every template sees that do not depend on the node being rendered: `adapter.dispatch`,
 * the `dbt` namespace, `return()`, `namespace()`, `modules.datetime`, and the library's macros under
 * their plain names (overridable by the project).
 */
import { EngineError } from '../errors';
import { DBT_LIBRARY_MACRO_NAMES, LIBRARY_PREFIX, packageMacroName } from '../macros';
import type { DialectName } from '../target';
import { lookupInActiveTemplate, MacroReturn } from './environment';
import { pythonDatetimeModule } from './python-datetime';
import { pythonReModule } from './python-re-module';

/** Adapter prefixes tried by `adapter.dispatch`, most specific first (dbt-redshift inherits from dbt-postgres). */
export const DISPATCH_PREFIXES: Record<DialectName, readonly string[]> = {
  redshift: ['redshift', 'postgres', 'default'],
  postgres: ['postgres', 'default'],
};

/** A macro error people can fix: names what was looked up. */
export class MacroNotFoundError extends EngineError {
  constructor(message: string) {
    super(message);
    this.name = 'MacroNotFoundError';
  }
}

/**
 * The macro `adapter.dispatch(name, namespace)` resolves to, searched as dbt does: the packages of the root
 * project's `dispatch:` search order for `namespace` (else the root project then `namespace` when it is an
 * installed package or `dbt`; else the project then dbt's library), each with the dialect's prefixes in turn.
 * Installed packages are described by `__landfall_dispatch` (project/package-macros.ts).
 */
export function resolveDispatch(type: DialectName, name: string, namespace?: string): (...args: unknown[]) => unknown {
  const info = dispatchPackages(lookupInActiveTemplate('__landfall_dispatch'));
  const tried: string[] = [];
  const searchOrder: (string | undefined)[] = namespace === undefined ? [undefined]
    : info?.searchOrder[namespace] ?? (info && (namespace === 'dbt' || info.macros[namespace]) ? [info.root, namespace] : namespace === 'dbt' ? [undefined, 'dbt'] : [undefined]);
  for (const pkg of searchOrder) {
    for (const prefix of DISPATCH_PREFIXES[type]) {
      const macro = `${prefix}__${name}`;
      // undefined: the unqualified name (the root project, then dbt's library, as dbt's global namespace).
      const candidates = pkg === undefined ? [info && !info.macros[info.root]?.includes(macro) ? undefined : macro, `${LIBRARY_PREFIX}${macro}`]
        : pkg === 'dbt' ? [`${LIBRARY_PREFIX}${macro}`]
          : pkg === info?.root ? [info.macros[pkg]?.includes(macro) ? macro : undefined]
            : [info?.macros[pkg]?.includes(macro) ? packageMacroName(pkg, macro) : undefined];
      tried.push(pkg === undefined ? macro : `${pkg}.${macro}`);
      for (const candidate of candidates) {
        if (candidate === undefined) continue;
        const found = lookupInActiveTemplate(candidate);
        if (typeof found === 'function') return found as (...args: unknown[]) => unknown;
      }
    }
  }
  throw new MacroNotFoundError(`adapter.dispatch('${name}'${namespace ? `, '${namespace}'` : ''}): no macro found; looked for ${tried.join(', ')}`);
}

const parsedDispatch = new Map<string, DispatchPackages>();
function dispatchPackages(json: unknown): DispatchPackages | undefined {
  if (typeof json !== 'string') return undefined;
  let info = parsedDispatch.get(json);
  if (!info) parsedDispatch.set(json, (info = JSON.parse(json) as DispatchPackages));
  return info;
}

/** The packages `adapter.dispatch` searches (project/package-macros.ts `DispatchInfo`). */
interface DispatchPackages {
  root: string;
  macros: Record<string, string[]>;
  searchOrder: Record<string, string[]>;
}

/** Names the render context provides (render/render-context.ts) that projects also call as `dbt.<name>`. */
const CONTEXT_NAMES: ReadonlySet<string> = new Set(['run_query', 'statement', 'load_result', 'store_result']);

function libraryMacro(name: string): (...args: unknown[]) => unknown {
  return (...args: unknown[]) => {
    const macro = lookupInActiveTemplate(`${LIBRARY_PREFIX}${name}`) ?? (CONTEXT_NAMES.has(name) ? lookupInActiveTemplate(name) : undefined);
    if (typeof macro !== 'function') throw new MacroNotFoundError(`dbt.${name} is not a macro landfall provides (see src/engine/macros)`);
    return macro(...args);
  };
}

/**
 * @example
 * const globals = dbtGlobals('postgres'); // spread into a render context
 */
export function dbtGlobals(type: DialectName): Readonly<Record<string, unknown>> {
  // Nothing here depends on the node being rendered, so every render of a process shares one set per dialect
  // (callers spread it into their context and never change it).
  let globals = globalsByDialect.get(type);
  if (!globals) globalsByDialect.set(type, (globals = Object.freeze(makeGlobals(type))));
  return globals;
}

const globalsByDialect = new Map<DialectName, Readonly<Record<string, unknown>>>();

function makeGlobals(type: DialectName): Record<string, unknown> {
  const dbt = new Proxy({} as Record<string, unknown>, {
    get: (_target, name) => (typeof name === 'string' ? libraryMacro(name) : undefined),
    has: (_target, name) => typeof name === 'string',
  });
  const globals: Record<string, unknown> = {
    adapter: {
      dispatch: (name: string, namespace?: string) => resolveDispatch(type, String(name), namespace === undefined ? undefined : String(namespace)),
      quote: (identifier: string) => `"${String(identifier).replace(/"/g, '""')}"`,
      type: () => type,
    },
    dbt,
    return: (value: unknown) => {
      throw new MacroReturn(value);
    },
    namespace: (...args: unknown[]) => {
      const values: Record<string, unknown> = {};
      for (const arg of args) if (arg && typeof arg === 'object') Object.assign(values, arg);
      delete values.__keywords;
      return values;
    },
    modules: { datetime: pythonDatetimeModule, re: pythonReModule },
    api: { Column: { translate_type: (t: string) => ({ string: 'TEXT', timestamp: 'TIMESTAMP', float: 'FLOAT', integer: 'INT' } as Record<string, string>)[String(t).toLowerCase()] ?? t } },
  };
  for (const name of DBT_LIBRARY_MACRO_NAMES) if (!(name in globals)) globals[name] = libraryMacro(name);
  return globals;
}
