/**
 * A macro source (dbt's library, the packages' macros and the project's: ~200 macros, ~110 KB for a project using
 * dbt_utils) compiled lazily: the whole source is parsed once — a syntax error anywhere fails the first render, as
 * dbt fails at parse time — but each top-level `{% macro %}` is turned into JavaScript only when it is first called.
 * A realistic 2,000-model project calls ~30 of them; generating and evaluating the code of all of them was ~7 % of a
 * cold `landfall compile`.
 *
 * Each macro is compiled from its own node of the parsed tree, so its line numbers are the source's. A top-level name
 * is bound to a stub until then ({@link LazyMacroSource.stubs}); the stub compiles the macro in the same nunjucks
 * Context the whole source would have defined it in (the macro scope's, jinja/environment.ts), and forwards to it.
 */
import nunjucks from 'nunjucks';

interface AstNode {
  typename: string;
  lineno: number;
  colno: number;
  children?: AstNode[];
  name?: { value: string };
}

const nj = nunjucks as unknown as {
  parser: { parse(src: string, extensions: unknown, opts: unknown): AstNode };
  nodes: { Root: new (lineno: number, colno: number, children: AstNode[]) => AstNode };
  compiler: { compile: (src: string, asyncFilters: unknown, extensions: unknown, name: string, opts: unknown) => string };
  lib: { _prettifyError(path: string, dev: unknown, error: unknown): Error };
};

interface EnvironmentInternals {
  asyncFilters: unknown;
  extensionsList: unknown;
  opts: { dev?: boolean };
}

/** What running a template's root needs: a nunjucks Context (its names are `ctx`). */
export interface MacroContext {
  ctx: Record<string, unknown>;
  exported: string[];
}

export interface LazyMacroSource {
  /** The source's top-level code without its macros (namespace dicts, whitespace): run once per macro scope. */
  rest: nunjucks.Template;
  /** Each top-level macro's name and a stub that compiles it on its first call (a later definition of a name wins). */
  stubs: Map<string, (...args: unknown[]) => unknown>;
}

/**
 * Parses `source` and makes the stubs of its top-level macros. `run(template, context)` runs a compiled template's
 * root in a Context; `context()` is the Context the macros must be defined in (their closures look names up in it).
 */
export function parseMacroSource(
  source: string,
  environment: nunjucks.Environment,
  templateName: string,
  run: (template: nunjucks.Template, context: MacroContext) => void,
  context: () => MacroContext,
): LazyMacroSource {
  const env = environment as unknown as EnvironmentInternals;
  let root: AstNode;
  try {
    root = nj.parser.parse(source, env.extensionsList, env.opts);
  } catch (error) {
    // As nunjucks' Template does: the message names the template and the line ("(macros) [Line 3, Column 1] …").
    throw nj.lib._prettifyError(templateName, env.opts.dev, error);
  }
  const macros = new Map<string, AstNode>();
  const rest: AstNode[] = [];
  for (const node of root.children ?? []) {
    if (node.typename === 'Macro' && node.name) macros.set(node.name.value, node);
    else rest.push(node);
  }
  const { lineno, colno } = root; // not the whole tree: a long-lived process keeps the stubs
  const compileTree = (children: AstNode[]): nunjucks.Template => {
    const code = compileParsed(new nj.nodes.Root(lineno, colno, children), env, templateName);
    const props = new Function(code)() as Record<string, unknown>; // eslint-disable-line no-new-func
    return new nunjucks.Template({ type: 'code', obj: props } as unknown as string, environment, templateName, true);
  };
  const stubs = new Map<string, (...args: unknown[]) => unknown>();
  for (const [name, parsed] of macros) {
    let compiled: ((...args: unknown[]) => unknown) | undefined;
    let node: AstNode | undefined = parsed; // dropped once compiled
    const define = (): ((...args: unknown[]) => unknown) => {
      // Defined in the scope's Context (its closure looks names up there) with a scratch set of names, so that
      // defining it leaves the render in progress as it was.
      const target = context();
      const saved = { ctx: target.ctx, exported: target.exported };
      target.ctx = {};
      target.exported = [];
      try {
        run(compileTree([node!]), target);
        node = undefined;
        return target.ctx[name] as (...args: unknown[]) => unknown;
      } finally {
        target.ctx = saved.ctx;
        target.exported = saved.exported;
      }
    };
    stubs.set(name, function lazyMacro(this: unknown, ...args: unknown[]) {
      return (compiled ??= define()).apply(this, args);
    });
  }
  return { rest: compileTree(rest), stubs };
}

/**
 * The JavaScript of a parsed tree, through nunjucks' `compiler.compile` and every patch landfall wraps around it
 * (python-syntax, the macro frame restore in environment.ts): the parser is handed the tree for the one call.
 */
function compileParsed(tree: AstNode, env: EnvironmentInternals, templateName: string): string {
  const parse = nj.parser.parse;
  nj.parser.parse = () => tree;
  try {
    return nj.compiler.compile('', env.asyncFilters, env.extensionsList, templateName, env.opts);
  } catch (error) {
    throw nj.lib._prettifyError(templateName, env.opts.dev, error);
  } finally {
    nj.parser.parse = parse;
  }
}
