/**
 * nunjucks' internals that the Python patches reach into (its compiler, runtime, lexer and node classes), typed
 * as far as they are used; the package's own typings describe only its public API.
 */
import nunjucks from 'nunjucks';

export type Nunjucks = typeof nunjucks & {
  runtime: Record<string, any>;
  compiler: { Compiler: { prototype: Record<string, any> } };
  nodes: { Literal: new (...args: unknown[]) => object; KeywordArgs: new (...args: unknown[]) => object; InlineIf: new (...args: unknown[]) => { body: unknown; cond: unknown; else_: unknown } };
  lib: { TemplateError: new (message: string) => Error };
};
export const nj = nunjucks as Nunjucks;
