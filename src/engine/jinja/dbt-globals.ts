/**
 * The dbt names every template sees that do not depend on the node being rendered: `adapter.dispatch`,
 * the `dbt` namespace, `return()`, `namespace()`, `modules.datetime`, and the library's macros under
 * their plain names (overridable by the project).
 */
import { EngineError } from '../errors';
import { DBT_LIBRARY_MACRO_NAMES, LIBRARY_PREFIX } from '../macros';
import type { DialectName } from '../target';
import { lookupInActiveTemplate, MacroReturn } from './environment';
import { pythonDatetimeModule } from './python-datetime';
import { pythonReModule } from './python-compat';

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
 * The macro `adapter.dispatch(name, namespace)` resolves to: the project's `<prefix>__<name>` first,
 * then the dbt library's, for each prefix of the dialect.
 */
export function resolveDispatch(type: DialectName, name: string, namespace?: string): (...args: unknown[]) => unknown {
  const tried: string[] = [];
  // landfall has two packages: the project (searched first) and dbt's own macros.
  for (const inLibrary of [false, true]) {
    for (const prefix of DISPATCH_PREFIXES[type]) {
      const candidate = `${inLibrary ? LIBRARY_PREFIX : ''}${prefix}__${name}`;
      tried.push(inLibrary ? `dbt.${prefix}__${name}` : `${prefix}__${name}`);
      const found = lookupInActiveTemplate(candidate);
      if (typeof found === 'function') return found as (...args: unknown[]) => unknown;
    }
  }
  throw new MacroNotFoundError(`adapter.dispatch('${name}'${namespace ? `, '${namespace}'` : ''}): no macro found; looked for ${tried.join(', ')}`);
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
export function dbtGlobals(type: DialectName): Record<string, unknown> {
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
