/**
 * The Jinja dialect dbt projects are written in, on top of nunjucks: jinja-compat (keyword arguments,
 * slices, dict/list methods), `{% do %}`, and the Python string methods SQL templates use.
 * Templates are compiled once per source text and cached.
 */
import { hash } from 'node:crypto';
import nunjucks from 'nunjucks';
import { DBT_MACRO_LIBRARY } from '../macros';
import { copyOnWrite, createEnvironment, runtime } from './nunjucks-environment';
import { BLAME, blameOf, MACROS_TEMPLATE, type MacroBlame, toRenderError } from './render-errors';
import { flatten, isSharedContextLayer, LAZY_CONTEXT_NAMES, readThrough } from './context-layers';
import { shapeOf } from './template-shape';
import { parseMacroSource } from './lazy-macros';

export { JINJA_MEMBER, type JinjaMembers } from './nunjucks-environment';
export { macroFileMarker, macroOrigin, TemplateRenderError } from './render-errors';

/** Thrown by dbt's `return(value)`; the macro being called catches it and returns `value` instead of its text. */
export class MacroReturn {
  constructor(readonly value: unknown) {}
}

type RuntimeInternals = {
  makeMacro: (argNames: string[], kwargNames: string[], func: (...args: unknown[]) => unknown) => unknown;
  callWrap: (obj: unknown, name: string, context: unknown, args: unknown[]) => unknown;
  Frame: new () => { topLevel: boolean };
};
const internals = runtime as unknown as RuntimeInternals;

const originalMakeMacro = internals.makeMacro;
internals.makeMacro = (argNames, kwargNames, func) =>
  originalMakeMacro(argNames, kwargNames, function macroWithReturn(this: unknown) {
    try {
      // `arguments`, not a rest array: one allocation less on every macro call.
      return func.apply(this, arguments as unknown as unknown[]); // eslint-disable-line prefer-rest-params
    } catch (signal) {
      if (signal instanceof MacroReturn) return signal.value;
      throw signal;
    }
  });

/** The nunjucks context of the template making the current call: `adapter.dispatch` and `dbt.x` look macros up in it. */
let activeContext: { lookup(name: string): unknown } | undefined;
const originalCallWrap = internals.callWrap;
internals.callWrap = (obj, name, context, args) => {
  activeContext = context as typeof activeContext;
  return originalCallWrap(obj, name, context, args);
};

/** A macro (or any name) visible to the template currently rendering; undefined outside a render. */
export function lookupInActiveTemplate(name: string): unknown {
  return activeContext?.lookup(name);
}

// A macro that ends early through `return()` must still restore its caller's frame: wrap every compiled
// macro body in try/finally (nunjucks keeps the current frame in one variable shared by the template).
const compilerModule = (nunjucks as unknown as { compiler: { compile: (...args: unknown[]) => string } }).compiler;
const originalCompile = compilerModule.compile;
// An error inside a macro is marked with the template and line where it happened (see {@link blameOf}).
compilerModule.compile = (...args: unknown[]) => {
  const source = originalCompile(...args);
  const opened = source.split('var callerFrame = frame;\n').length - 1;
  const closing = /(return new runtime\.SafeString\(t_\d+\);\n)(\}\);)/g;
  if (opened === 0 || (source.match(closing) ?? []).length !== opened) return source;
  const templateName = JSON.stringify(String(args[3] ?? ''));
  return source
    .split('var callerFrame = frame;\n').join('var callerFrame = frame;\ntry {\n')
    .replace(closing, `$1} catch (e) { throw runtime.landfallBlame(e, ${templateName}, lineno); } finally { frame = callerFrame; }\n$2`);
};

/** The innermost macro frame marks the error first; outer macros leave it alone. `return()` is not an error. */
(runtime as unknown as Record<string, unknown>).landfallBlame = (error: unknown, template: string, lineno: number): unknown => {
  if (error instanceof MacroReturn || error === null || typeof error !== 'object' || BLAME in error) return error;
  Object.defineProperty(error, BLAME, { value: { template, line: Number(lineno) + 1 } satisfies MacroBlame });
  return error;
};

/**
 * dbt syntax nunjucks lacks, rewritten before compiling: `{% test name(...) %}` blocks define the macro
 * `test_name`, and `{% set ns.attr = value %}` and `{% set ns.attr %}…{% endset %}` assign an attribute of a
 * `namespace()`.
 */
export function toNunjucksSyntax(source: string): string {
  return source
    .replace(
      /\{%(-?)\s*set\s+([A-Za-z_]\w*)\.([A-Za-z_]\w*)\s*(-?)%\}([\s\S]*?)\{%(-?)\s*endset\s*(-?)%\}/g,
      "{%$1 set __landfall_block $4%}$5{%$6 endset %}{% do __setattr($2, '$3', __landfall_block) $7%}",
    )
    .replace(/\{%(-?)\s*test\s+([A-Za-z_]\w*)\s*\(/g, '{%$1 macro test_$2(')
    .replace(/\{%(-?)\s*endtest\s*(-?)%\}/g, '{%$1 endmacro $2%}')
    .replace(/\{%(-?)\s*set\s+([A-Za-z_]\w*)\.([A-Za-z_]\w*)\s*=([\s\S]*?)(-?)%\}/g, "{%$1 do __setattr($2, '$3', $4) $5%}");
}

const environment = createEnvironment();
const compiled = new Map<string, nunjucks.Template>();

/**
 * Render Jinja source with a context. `lineOffset` lines at the top of `source` (prepended macros) are
 * subtracted from reported line numbers. With `macros`, dbt's macro library (src/engine/macros) and then
 * the project's macro source are defined first in the same context, so the template, every macro and
 * `adapter.dispatch` see each other and the project's macros override the library's.
 *
 * @example
 * renderTemplate('select {{ 1 + 1 }}', {}, { file: 'models/x.sql' }) // 'select 2'
 * renderTemplate("select {{ dbt.dateadd('day', 1, 'd') }}", ctx, { file: 'models/x.sql', macros: '' })
 */
export function renderTemplate(
  source: string,
  context: Record<string, unknown>,
  where: { file: string; lineOffset?: number; macros?: string },
): string {
  try {
    const { template, params } = compileShaped(source, where.file);
    if (where.macros === undefined) return template.render(params || Object.getPrototypeOf(context) !== Object.prototype ? { ...flatten(context), ...params } : context);
    const scope = macroScopeOf(where.macros, context);
    // This render's names under the macros (a project macro overrides a context name, as when they were defined
    // in the render's own context); swapped back afterwards, so a render nested in this one (a hook rendering a
    // property) leaves it as it found it.
    const saved = { ctx: scope.context.ctx, exported: scope.context.exported };
    const layer = Object.getPrototypeOf(context) as object | null;
    let ctx: Record<string, unknown>;
    if (layer !== null && isSharedContextLayer(layer)) {
      // Only this render's own names are copied; the shared ones sit in a layer kept per macro scope.
      ctx = Object.create(sharedLayerOver(scope, layer)) as Record<string, unknown>;
      const lazy = (context as { [LAZY_CONTEXT_NAMES]?: string[] })[LAZY_CONTEXT_NAMES];
      for (const key of Object.keys(context)) {
        if (key in scope.defined) continue;
        if (lazy?.includes(key)) readThrough(ctx, context, key);
        else ctx[key] = context[key];
      }
    } else {
      ctx = Object.create(scope.defined) as Record<string, unknown>;
      for (const key in context) if (!(key in scope.defined)) ctx[key] = context[key];
    }
    if (params) Object.assign(ctx, params);
    scope.context.ctx = ctx;
    scope.context.exported = [];
    try {
      return runRoot(template, scope.context);
    } finally {
      scope.context.ctx = saved.ctx;
      scope.context.exported = saved.exported;
    }
  } catch (error) {
    throw toRenderError(error, where);
  }
}

/** The shared layer's names that the macro scope does not define, over the scope's macros: made once per pair. */
function sharedLayerOver(scope: MacroScope, layer: object): Record<string, unknown> {
  let over = scope.layers.get(layer);
  if (!over) {
    over = Object.create(scope.defined) as Record<string, unknown>;
    const names = layer as Record<string, unknown>;
    for (const key in names) {
      if (key in scope.defined) continue;
      // An accessor (render/parse-render-reuse.ts watches reads through one) stays an accessor.
      const accessor = accessorIn(layer, key);
      if (accessor) Object.defineProperty(over, key, accessor);
      else over[key] = names[key];
    }
    scope.layers.set(layer, over);
  }
  return over;
}

/** The descriptor of `key` where `object` or a prototype of it defines it, when that is an accessor. */
function accessorIn(object: object | null, key: string): PropertyDescriptor | undefined {
  for (let owner = object; owner !== null; owner = Object.getPrototypeOf(owner) as object | null) {
    const descriptor = Object.getOwnPropertyDescriptor(owner, key);
    if (descriptor) return descriptor.get ? descriptor : undefined;
  }
  return undefined;
}

/** A nunjucks Context as the compiled templates use it. */
interface TemplateContext {
  ctx: Record<string, unknown>;
  exported: string[];
}

/**
 * The macros of one macro source (dbt's library and a project's macros), defined once per process: the closures
 * nunjucks makes for `{% macro %}` blocks look every name up in the Context they were defined in, so one Context
 * is kept per macro source and each render puts its own names into it (see {@link renderTemplate}). Defining
 * the ~400 macros on every render was a third of a compile's Jinja time.
 */
interface MacroScope {
  context: TemplateContext;
  /**
   * What running the macro source defined: its macros (and any top-level `{% set %}`), by name. Each render's
   * names sit on top of it (its prototype), so the ~400 macros are not copied per render.
   */
  defined: Record<string, unknown>;
  /** Shared context layers under this scope's macros (see {@link sharedLayerOver}). */
  layers: WeakMap<object, Record<string, unknown>>;
}
const macroScopes = new Map<string, MacroScope>();

/**
 * The macro scope of `macros`, made on first use by running the macro source once in `context` (top-level code of
 * a macro file, which dbt never runs, then sees the first render's names: keep macro files to macro definitions).
 */
function macroScopeOf(macros: string, context: Record<string, unknown>): MacroScope {
  let scope = macroScopes.get(macros);
  if (scope) return scope;
  const source = `${DBT_MACRO_LIBRARY}\n${macros}`;
  const shared = new (contextClass())(flatten(context), {}, environment) as unknown as TemplateContext;
  if (codeStore || !lazyMacros) {
    // A stored compile of the whole source is cheaper to load than parsing it again (a recompile's process).
    runRoot(compileCached(source, MACROS_TEMPLATE), shared);
  } else {
    const lazy = parseMacroSource(toNunjucksSyntax(source), environment, MACROS_TEMPLATE, runRoot, () => shared);
    // Every macro's name is bound before the rest of the top level runs (namespace dicts name macros).
    for (const [name, stub] of lazy.stubs) {
      shared.ctx[name] = stub;
      if (!name.startsWith('_')) shared.exported.push(name);
    }
    runRoot(lazy.rest, shared);
  }
  const defined: Record<string, unknown> = {};
  for (const key of Object.keys(shared.ctx)) if (shared.ctx[key] !== context[key]) defined[key] = shared.ctx[key];
  // A long-lived process (serve) recompiles as macro files change: keep the scopes of the latest few sources only.
  if (macroScopes.size >= 16) macroScopes.delete(macroScopes.keys().next().value!);
  macroScopes.set(macros, (scope = { context: shared, defined, layers: new WeakMap() }));
  for (const key of Object.keys(defined)) if (isPlainDict(defined[key])) ownedPerRender(scope, key);
  return scope;
}

/**
 * A dict the macro source defines (a package's namespace, `{% set dbt_utils = {…} %}` in project/package-macros.ts)
 * is defined once per process, but in dbt each node's context has its own: `{% do pkg.update({'m': other}) %}` (a unit
 * test's macro override, project/compile-unit-tests.ts) changes that render's only. So the first change a render
 * makes goes to a copy bound in that render's names (copy on write: most renders never change one, and copying on
 * read cost ~12% of a warm compile). Shared, an override leaked into every later render: audit_helper's
 * compare_and_classify_query_results, built after its unit tests, compiled to `where  >= ''`.
 * (A change made through another name bound to the shared dict before, `{% set p = pkg %}{% do p.update(…) %}`, also
 * goes to the render's copy, which `p` does not see.)
 */
function ownedPerRender(scope: MacroScope, name: string): void {
  const shared = scope.defined[name] as object;
  const copies = new WeakMap<object, object>();
  copyOnWrite(shared, () => {
    const ctx = scope.context.ctx;
    let copy = copies.get(ctx);
    if (!copy) {
      copy = Object.assign(Object.create(Object.getPrototypeOf(shared) as object | null) as object, shared);
      copies.set(ctx, copy);
      // Unless this render bound the name to something else (`{% set pkg = … %}`).
      if (!Object.prototype.hasOwnProperty.call(ctx, name)) ctx[name] = copy;
    }
    return copy;
  });
}

function isPlainDict(value: unknown): value is object {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as object | null;
  return proto === Object.prototype || proto === null;
}

type RootRender = (env: unknown, context: unknown, frame: unknown, rt: unknown, cb: (err: unknown, out?: string) => void) => void;

function compileCached(source: string, file: string): nunjucks.Template {
  let template = compiled.get(source);
  if (!template) {
    template = file === MACROS_TEMPLATE && codeStore ? fromStoredCode(source, codeStore) : new nunjucks.Template(toNunjucksSyntax(source), environment, file, true);
    compiled.set(source, template);
  }
  return template;
}

let shapesEnabled = true;
let lazyMacros = true;

/** Compile each macro of a macro source when first called (true) or all at once: for tests comparing the two. */
export function useLazyMacros(enabled: boolean): void {
  if (lazyMacros !== enabled) macroScopes.clear();
  lazyMacros = enabled;
}

/** Compile each template from its own source (false) instead of by shape: for tests and benchmarks comparing the two. */
export function useTemplateShapes(enabled: boolean): void {
  shapesEnabled = enabled;
}

/** Compiled code by template shape (see template-shape.ts): models that differ only in names and literals share it. */
const compiledShapes = new Map<string, Record<string, unknown>>();
const shapedSources = new Map<string, ShapedTemplate>();

interface ShapedTemplate {
  template: nunjucks.Template;
  /** The literals the shape's code reads from the context; undefined for a template compiled from its own source. */
  params?: Record<string, unknown>;
}

/**
 * A model's (or any non-macro) template, compiled once per shape: its literals and SQL text are bound as `params`.
 * A shape nunjucks cannot compile is compiled from the file's own source instead, so syntax errors read as before.
 */
function compileShaped(source: string, file: string): ShapedTemplate {
  if (!shapesEnabled) return { template: compileCached(source, file) };
  let shaped = shapedSources.get(source);
  if (shaped) return shaped;
  const shape = shapeOf(source);
  let code = shape && compiledShapes.get(shape.source);
  if (shape && !code) {
    try {
      code = codeOf(toNunjucksSyntax(shape.source), file);
      compiledShapes.set(shape.source, code);
    } catch {
      code = undefined;
    }
  }
  shaped = shape && code
    ? { template: new nunjucks.Template({ type: 'code', obj: code } as unknown as string, environment, file, true), params: shape.params }
    : { template: compileCached(source, file) };
  shapedSources.set(source, shaped);
  return shaped;
}

/** What nunjucks' Template._compile makes of a source: the root render function and any blocks. */
function codeOf(source: string, file: string): Record<string, unknown> {
  const env = environment as unknown as { asyncFilters: unknown; extensionsList: unknown; opts: object };
  const code = compilerModule.compile(source, env.asyncFilters, env.extensionsList, file, env.opts);
  return new Function(code)() as Record<string, unknown>; // eslint-disable-line no-new-func
}

/**
 * Where the JavaScript nunjucks compiles a macro source to is kept between processes (the partial-parse cache's
 * folder): compiling dbt's library with a package's macros is ~0.3 s, which a recompile after one saved model
 * would otherwise pay in every process. Keyed by the source and the compiler (see {@link TEMPLATE_CODE_VERSION}).
 */
export interface TemplateCodeStore {
  get(key: string): string | undefined;
  set(key: string, code: string): void;
}

/** Bump when the compiled code changes for the same source (the compile patches above, a nunjucks upgrade). */
const TEMPLATE_CODE_VERSION = `1-nunjucks-${(nunjucks as unknown as { version?: string }).version ?? ''}`;
let codeStore: TemplateCodeStore | undefined;

/** Keep compiled macro sources in `store` from now on (undefined: compile in memory only). */
export function useTemplateCodeStore(store: TemplateCodeStore | undefined): void {
  codeStore = store;
}

function fromStoredCode(source: string, store: TemplateCodeStore): nunjucks.Template {
  const key = hash('sha1', `${TEMPLATE_CODE_VERSION}\n${source}`, 'hex');
  const stored = store.get(key);
  if (stored !== undefined) {
    try {
      return templateOfCode(stored);
    } catch {
      // a damaged file: compile again below
    }
  }
  const env = environment as unknown as { asyncFilters: unknown; extensionsList: unknown; opts: { dev?: boolean } };
  let code: string;
  try {
    code = compilerModule.compile(toNunjucksSyntax(source), env.asyncFilters, env.extensionsList, MACROS_TEMPLATE, env.opts);
  } catch (error) {
    // As nunjucks' Template does: the message names the template and the line ("(macros) [Line 3, Column 1] …").
    throw (nunjucks as unknown as { lib: { _prettifyError(path: string, dev: unknown, error: unknown): Error } }).lib._prettifyError(MACROS_TEMPLATE, env.opts.dev, error);
  }
  const template = templateOfCode(code);
  store.set(key, code);
  return template;
}

/** A template from code nunjucks compiled, as its own Template._compile does with it. */
function templateOfCode(code: string): nunjucks.Template {
  const props = new Function(code)() as Record<string, unknown>; // eslint-disable-line no-new-func
  return new nunjucks.Template({ type: 'code', obj: props } as unknown as string, environment, MACROS_TEMPLATE, true);
}

function runRoot(template: nunjucks.Template, context: unknown): string {
  const frame = new internals.Frame();
  frame.topLevel = true;
  let output = '';
  let failure: unknown;
  (template as unknown as { rootRenderFunc: RootRender }).rootRenderFunc(environment, context, frame, runtime, (err, out) => {
    failure = err;
    output = out ?? '';
  });
  if (failure) throw failure;
  return output;
}

type ContextClass = new (ctx: Record<string, unknown>, blocks: Record<string, unknown>, env: nunjucks.Environment) => unknown;
let contextConstructor: ContextClass | undefined;

/** nunjucks does not export its Context class; take it from a probe render. */
function contextClass(): ContextClass {
  if (!contextConstructor) {
    new nunjucks.Template('{{ probe() }}', environment, 'probe', true).render({
      probe(this: { constructor: ContextClass }) {
        contextConstructor = this.constructor;
        return '';
      },
    });
  }
  return contextConstructor!;
}
