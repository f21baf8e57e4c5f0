/**
 * Jinja grammar and Python truth values that nunjucks gets wrong, patched into its parser and compiler:
 *
 * - truthiness: `if`, `elif`, `x if c else y`, `and`, `or`, `not`, `select`/`reject` and
 *   `default(x, true)` use Python's rules, so an empty list, dict or string is false (JavaScript says
 *   true for `[]` and `{}`); `a or b` and `a and b` return an operand, as Python does;
 * - chained conditional expressions, `a if c1 else b if c2 else c` (nunjucks stops after the first `else`);
 * - argument unpacking in calls, `f(1, *xs)` and `f(x, **kw)`;
 * - a method called on a string literal that spans lines (`'a⏎b {}'.format(1)`), whose name nunjucks
 *   printed raw into a JavaScript string.
 *
 * {@link installPythonSyntax} patches once per process, before any template compiles.
 */
import nunjucks from 'nunjucks';
import { isPlainObject } from './python-values';

type Node = { typename: string; lineno: number; colno: number; [key: string]: unknown };
type Emitter = { _emit(code: string): void; compile(node: unknown, frame: unknown): void };
type Parser = {
  peekToken(): { type: string; value: string; lineno: number; colno: number };
  nextToken(): { type: string; value: string; lineno: number; colno: number };
  skip(type: string): boolean;
  skipSymbol(name: string): boolean;
  skipValue(type: string, value: string): boolean;
  fail(message: string, lineno?: number, colno?: number): never;
  parseExpression(): Node;
  parseOr(): Node;
  parseInlineIf(): Node;
};

const nj = nunjucks as unknown as {
  runtime: Record<string, any>;
  compiler: { Compiler: { prototype: Record<string, any> } };
  parser: { Parser: { prototype: Record<string, any> } };
  lexer: Record<string, string>;
  nodes: Record<string, new (...args: any[]) => Node>;
  filters?: unknown;
};

/**
 * An object that decides its own truth value, as a Python object does with `__bool__`/`__len__`
 * (an agate table with no rows is still true in Python: agate defines neither, so nothing here uses it yet).
 */
export const PY_BOOL: unique symbol = Symbol('landfall.pyBool');

/**
 * Python's `bool(value)` for the values templates hold.
 *
 * @example
 * pyTruthy([]);   // false
 * pyTruthy({});   // false
 * pyTruthy('0');  // true
 */
export function pyTruthy(value: unknown): boolean {
  if (value === null || value === undefined || value === false || value === 0 || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') {
    if (PY_BOOL in value) return Boolean((value as { [PY_BOOL]: () => boolean })[PY_BOOL]());
    if (value instanceof nj.runtime.SafeString) return String(value).length > 0;
    if (value instanceof Map || value instanceof Set) return value.size > 0;
    if (isPlainObject(value)) return Object.keys(value).some((key) => key !== '__keywords');
  }
  return true;
}

/** The items `*xs` spreads into a call: a list, a tuple, a dict's keys, a string's characters. */
function starItems(value: unknown): unknown[] {
  if (value === null || value === undefined) throw new Error('argument after * must be an iterable, not None');
  if (Array.isArray(value)) return value;
  if (typeof value === 'string') return [...value];
  if (isPlainObject(value)) return Object.keys(value).filter((key) => key !== '__keywords');
  if (typeof value === 'object' && Symbol.iterator in value) return [...(value as Iterable<unknown>)];
  throw new Error(`argument after * must be an iterable, not ${typeof value}`);
}

/** The keyword arguments `**kw` passes: a dict's entries. */
function starStarItems(value: unknown): Record<string, unknown> {
  if (!isPlainObject(value)) throw new Error(`argument after ** must be a mapping, not ${value === null || value === undefined ? 'None' : typeof value}`);
  const { __keywords: _flag, ...entries } = value;
  return entries;
}

/** A compiler-only node: an InlineIf to pass nunjucks' expression type checks, compiled by `compile<typename>`. */
function syntheticNode(typename: string, like: Node, fields: Record<string, unknown>): Node {
  const node = Object.create(nj.nodes.InlineIf!.prototype) as Node;
  Object.defineProperty(node, 'typename', { value: typename });
  return Object.assign(node, { lineno: like.lineno, colno: like.colno }, fields);
}

function truthy(node: Node): Node {
  return node.typename === 'PyTruthy' ? node : syntheticNode('PyTruthy', node, { target: node });
}

let installed = false;

/** Patch nunjucks' parser, compiler and runtime (once per process). */
export function installPythonSyntax(): void {
  if (installed) return;
  installed = true;
  Object.assign(nj.runtime, { pyTruthy, pyStarItems: starItems, pyStarStarItems: starStarItems });
  patchCompiler(nj.compiler.Compiler.prototype);
  patchParser(nj.parser.Parser.prototype);
}

function patchCompiler(proto: Record<string, any>): void {
  proto.compilePyTruthy = function compilePyTruthy(this: Emitter, node: Node, frame: unknown) {
    this._emit('runtime.pyTruthy(');
    this.compile(node.target, frame);
    this._emit(')');
  };
  proto.compilePyStarArgs = function compilePyStarArgs(this: Emitter, node: Node, frame: unknown) {
    this._emit('...runtime.pyStarItems(');
    this.compile(node.target, frame);
    this._emit(')');
  };
  proto.compilePyStarKwargs = function compilePyStarKwargs(this: Emitter, node: Node, frame: unknown) {
    this._emit('...runtime.pyStarStarItems(');
    this.compile(node.target, frame);
    this._emit(')');
  };
  const originalIf = proto.compileIf as (this: unknown, node: Node, frame: unknown, async?: boolean) => void;
  proto.compileIf = function compileIf(this: unknown, node: Node, frame: unknown, async?: boolean) {
    node.cond = truthy(node.cond as Node);
    return originalIf.call(this, node, frame, async);
  };
  const originalInlineIf = proto.compileInlineIf as (this: unknown, node: Node, frame: unknown) => void;
  proto.compileInlineIf = function compileInlineIf(this: unknown, node: Node, frame: unknown) {
    node.cond = truthy(node.cond as Node);
    return originalInlineIf.call(this, node, frame);
  };
  // `a or b`: a when it is true, else b (evaluated only then); `a and b`: a when it is false, else b.
  const shortCircuit = (whenTrue: 'left' | 'right') =>
    function compileBoolean(this: Emitter, node: Node, frame: unknown) {
      this._emit('(function(l) { return runtime.pyTruthy(l) ? ');
      if (whenTrue === 'left') this._emit('l : (');
      else this._emit('(');
      this.compile(node.right, frame);
      this._emit(whenTrue === 'left' ? '); })(' : ') : l; })(');
      this.compile(node.left, frame);
      this._emit(')');
    };
  proto.compileOr = shortCircuit('left');
  proto.compileAnd = shortCircuit('right');
  proto.compileNot = function compileNot(this: Emitter, node: Node, frame: unknown) {
    this._emit('!runtime.pyTruthy(');
    this.compile(node.target, frame);
    this._emit(')');
  };
  // The callee's name goes into a JavaScript string literal for error messages: escape what nunjucks does not.
  const originalName = proto._getNodeName as (this: unknown, node: Node) => string;
  proto._getNodeName = function getNodeName(this: unknown, node: Node): string {
    return JSON.stringify(String(originalName.call(this, node))).slice(1, -1).replace(/\\"/g, '"');
  };
}

function patchParser(proto: Record<string, any>): void {
  const { lexer, nodes } = nj;
  // Jinja's conditional expression: the `else` branch is itself a conditional expression.
  proto.parseInlineIf = function parseInlineIf(this: Parser): Node {
    let node = this.parseOr();
    while (this.skipSymbol('if')) {
      const cond = this.parseOr();
      const inline = new nodes.InlineIf!(node.lineno, node.colno);
      inline.body = node;
      inline.cond = cond;
      inline.else_ = this.skipSymbol('else') ? this.parseInlineIf() : null;
      node = inline;
    }
    return node;
  };
  // A dict key is any expression, as in Jinja (`{k | lower: v}`); nunjucks reads only a primary there.
  const previousAggregate = proto.parseAggregate as (this: Parser) => Node | null;
  proto.parseAggregate = function parseAggregate(this: Parser): Node | null {
    const open = this.peekToken();
    if (open.type !== lexer.TOKEN_LEFT_CURLY) return previousAggregate.call(this);
    this.nextToken();
    const dict = new nodes.Dict!(open.lineno, open.colno);
    const children = dict.children as Node[];
    for (;;) {
      if (this.peekToken().type === lexer.TOKEN_RIGHT_CURLY) {
        this.nextToken();
        return dict;
      }
      if (children.length > 0 && !this.skip(lexer.TOKEN_COMMA!)) this.fail('parseAggregate: expected comma after expression', open.lineno, open.colno);
      const key = this.parseExpression();
      if (!this.skip(lexer.TOKEN_COLON!)) this.fail('parseAggregate: expected colon after dict key', key.lineno, key.colno);
      children.push(new nodes.Pair!(key.lineno, key.colno, key, this.parseExpression()));
    }
  };
  // `{% set x -%} body{% endset %}`: nunjucks skips the tag's end without honouring its `-` (Jinja strips the
  // body's leading whitespace). The first block end the set tag itself skips is the one.
  const originalSet = proto.parseSet as (this: Parser) => Node;
  proto.parseSet = function parseSet(this: Parser & { dropLeadingWhitespace?: boolean; skip: Parser['skip'] }): Node {
    const ownSkip = Object.prototype.hasOwnProperty.call(this, 'skip');
    const inherited = this.skip;
    this.skip = function skipHonouringDash(this: Parser & { dropLeadingWhitespace?: boolean }, type: string) {
      const token = this.peekToken();
      const skipped = inherited.call(this, type);
      if (type === lexer.TOKEN_BLOCK_END) {
        if (!ownSkip) delete (this as { skip?: unknown }).skip;
        if (skipped && token.value.charAt(0) === '-') this.dropLeadingWhitespace = true;
      }
      return skipped;
    };
    try {
      return originalSet.call(this);
    } finally {
      if (!ownSkip) delete (this as { skip?: unknown }).skip;
    }
  };
  // Call arguments with Python's `*iterable` and `**mapping` unpacking.
  proto.parseSignature = function parseSignature(this: Parser, tolerant?: boolean, noParens?: boolean): Node | null {
    let token = this.peekToken();
    if (!noParens && token.type !== lexer.TOKEN_LEFT_PAREN) {
      if (tolerant) return null;
      this.fail('expected arguments', token.lineno, token.colno);
    }
    if (token.type === lexer.TOKEN_LEFT_PAREN) token = this.nextToken();
    const args = new nodes.NodeList!(token.lineno, token.colno);
    const kwargs = new nodes.KeywordArgs!(token.lineno, token.colno);
    const addChild = (list: Node, child: Node) => (list as unknown as { addChild(n: Node): void }).addChild(child);
    let first = true;
    for (;;) {
      token = this.peekToken();
      if (!noParens && token.type === lexer.TOKEN_RIGHT_PAREN) {
        this.nextToken();
        break;
      }
      if (noParens && token.type === lexer.TOKEN_BLOCK_END) break;
      if (!first && !this.skip(lexer.TOKEN_COMMA!)) this.fail('parseSignature: expected comma after expression', token.lineno, token.colno);
      first = false;
      const star = this.peekToken();
      if (star.type === lexer.TOKEN_OPERATOR && (star.value === '*' || star.value === '**')) {
        this.nextToken();
        const target = this.parseExpression();
        if (star.value === '*') addChild(args, syntheticNode('PyStarArgs', target, { target }));
        else addChild(kwargs, syntheticNode('PyStarKwargs', target, { target }));
        continue;
      }
      const arg = this.parseExpression();
      if (this.skipValue(lexer.TOKEN_OPERATOR!, '=')) addChild(kwargs, new nodes.Pair!(arg.lineno, arg.colno, arg, this.parseExpression()));
      else addChild(args, arg);
    }
    if ((kwargs.children as unknown[]).length > 0) addChild(args, kwargs);
    return args;
  };
}
