/**
 * The nunjucks compiler and runtime patched (once per process) so templates compute and print as Python does:
 * `+ - * % ~ ==` call python-operators.ts, `(a, b)` is a tuple, dict keys are expressions, output is `str()`,
 * `{% for k in dict %}` iterates keys, `{% for x in xs if c %}` filters, macros get `varargs`/`kwargs`, string
 * literals unescape as Python's, and member lookup indexes, slices and finds Python string methods.
 */
import { nj } from './nunjucks-internals';
import { pyAdd, pyMod, pyMul, pySub } from './python-operators';
import { PY_STRING_METHODS } from './python-string-methods';
import { dictEntries, isPlainObject, printsDifferently, pyEquals, pyStr, pyTuple } from './python-values';

/** Python's `sequence[index]` and `sequence[start:stop:step]` for strings and lists. */
function pyIndex(seq: string | unknown[], key: unknown, slice: unknown[]): unknown {
  const length = seq.length;
  if (slice.length === 0) {
    const i = Number(key);
    const item = i < 0 ? seq[length + i] : seq[i];
    return item;
  }
  const step = slice[1] === undefined || slice[1] === null ? 1 : Number(slice[1]);
  const clamp = (v: unknown, fallback: number) => {
    if (v === undefined || v === null) return fallback;
    const n = Number(v);
    return n < 0 ? Math.max(length + n, step > 0 ? 0 : -1) : Math.min(n, step > 0 ? length : length - 1);
  };
  const start = clamp(key, step > 0 ? 0 : length - 1);
  const stop = clamp(slice[0], step > 0 ? length : -1);
  const picked: unknown[] = [];
  for (let i = start; step > 0 ? i < stop : i > stop; i += step) picked.push(seq[i]);
  return typeof seq === 'string' ? picked.join('') : picked;
}

/**
 * Member lookup with Python's rules on top of `lookup` (the runtime's): negative indexes and slices of
 * strings and lists, Python string methods, and callables that carry attributes (`datetime.strptime`).
 */
function pythonMemberLookup(lookup: (...args: unknown[]) => unknown) {
  return function memberLookup(this: unknown, obj: unknown, key: unknown, ...slice: unknown[]): unknown {
    const isSequence = typeof obj === 'string' || Array.isArray(obj);
    if (isSequence && (slice.length > 0 || (typeof key === 'number' && key < 0))) return pyIndex(obj as string | unknown[], key, slice);
    if (typeof obj === 'string' && typeof key === 'string' && Object.prototype.hasOwnProperty.call(PY_STRING_METHODS, key)) {
      const method = PY_STRING_METHODS[key]!;
      return (...args: unknown[]) => method(obj, ...args);
    }
    if (obj !== null && (typeof obj === 'object' || typeof obj === 'function') && typeof key === 'string') {
      const member = (obj as Record<string, unknown>)[key];
      // A Python class such as datetime.datetime: callable, with attributes of its own.
      if (typeof member === 'function' && Object.keys(member).length > 0) return member;
    }
    return lookup.call(this, obj, key, ...slice);
  };
}

type Emitter = {
  _emit(code: string): void;
  compile(node: unknown, frame: unknown): void;
};

/** Compile `left OP right` as a call of the runtime function `name`. */
function emitCall(name: string) {
  return function compileBinary(this: Emitter, node: { left: unknown; right: unknown }, frame: unknown) {
    this._emit(`runtime.${name}(`);
    this.compile(node.left, frame);
    this._emit(', ');
    this.compile(node.right, frame);
    this._emit(')');
  };
}

const EXTRAS: unique symbol = Symbol('landfall.macroExtras');

/**
 * Jinja's `varargs` and `kwargs` inside a macro: the positional arguments past its parameters and the
 * keyword arguments it does not name. Calls carry them on the keyword-arguments object; the compiled
 * macro body sets them in its frame.
 */
function patchMacroExtras(runtime: Record<string, any>): void {
  const makeMacro = runtime.makeMacro as (argNames: string[], kwargNames: string[], func: (...a: unknown[]) => unknown) => (...a: unknown[]) => unknown;
  runtime.makeMacro = (argNames: string[], kwargNames: string[], func: (...a: unknown[]) => unknown) => {
    const macro = makeMacro(argNames, kwargNames, func);
    const declared = new Set([...argNames, ...kwargNames, 'caller', '__keywords']);
    const parameterCount = argNames.length + kwargNames.length;
    return function macroWithExtras(this: unknown, ...args: unknown[]) {
      const last = args[args.length - 1];
      const hasKeywords = isPlainObject(last) && '__keywords' in last;
      // Most calls: positional arguments only, no more than the macro declares. Then varargs is [] and kwargs {},
      // which is what `pyMacroExtra` answers for a keywords object without extras: skip making one.
      // (Not when the last argument is some other object nunjucks would take for keywords.)
      if (!hasKeywords && args.length <= parameterCount && !(typeof last === 'object' && last !== null && Object.prototype.hasOwnProperty.call(last, '__keywords'))) {
        return macro.apply(this, args);
      }
      const positional = hasKeywords ? args.slice(0, -1) : args;
      const keywords = (hasKeywords ? last : runtime.makeKeywordArgs({})) as Record<string | symbol, unknown>;
      const varargs = positional.slice(argNames.length + kwargNames.length);
      const kwargs = Object.fromEntries(Object.entries(keywords).filter(([key]) => !declared.has(key)));
      Object.defineProperty(keywords, EXTRAS, { value: { varargs, kwargs }, configurable: true });
      return macro.apply(this, [...positional, keywords]);
    };
  };
  runtime.pyMacroExtra = (keywords: Record<symbol, { varargs: unknown[]; kwargs: Record<string, unknown> }> | undefined, name: 'varargs' | 'kwargs') =>
    keywords?.[EXTRAS]?.[name] ?? (name === 'varargs' ? [] : {});
  const compiler = nj.compiler as unknown as { compile: (...a: unknown[]) => string };
  const compile = compiler.compile;
  const callerLine = 'frame.set("caller", kwargs.caller); }\n';
  compiler.compile = (...args: unknown[]) => compile(...args).split(callerLine)
    .join(`${callerLine}frame.set("varargs", runtime.pyMacroExtra(kwargs, "varargs"));\nframe.set("kwargs", runtime.pyMacroExtra(kwargs, "kwargs"));\n`);
}

type LoopNode = { name: { value?: string; children?: { value: string }[] }; arr: unknown; lineno: number; colno: number };

/**
 * `{% for x in items if x.enabled %}`: nunjucks reads `items if cond` as an inline if without an else,
 * so the loop runs over nothing. The items are filtered first, with the loop variables bound, so
 * `loop.index` and `loop.length` count the kept items, as in Jinja. Also `loop.previtem`/`loop.nextitem`.
 */
function patchLoops(proto: Record<string, any>): void {
  const originalFor = proto.compileFor as (this: unknown, node: LoopNode, frame: unknown) => void;
  proto.compileFor = function compileFor(this: unknown, node: LoopNode, frame: unknown) {
    const arr = node.arr as { typename?: string; body?: unknown; cond?: unknown; else_?: unknown } | undefined;
    if (arr instanceof nj.nodes.InlineIf && (arr.else_ === null || arr.else_ === undefined)) {
      const names = node.name.children ? node.name.children.map((c) => c.value) : [node.name.value!];
      // An InlineIf still (the compiler checks expression types), compiled by compilePyLoopFilter.
      const filter = Object.create(nj.nodes.InlineIf.prototype) as object;
      Object.defineProperty(filter, 'typename', { value: 'PyLoopFilter' });
      node.arr = Object.assign(filter, { lineno: node.lineno, colno: node.colno, seq: arr.body, cond: arr.cond, names });
    }
    return originalFor.call(this, node, frame);
  };
  proto.compilePyLoopFilter = function compilePyLoopFilter(this: Emitter, node: { seq: unknown; cond: unknown; names: string[] }, frame: unknown) {
    const bind = node.names.length === 1
      ? `frame.set(${JSON.stringify(node.names[0])}, item);`
      : node.names.map((name, i) => `frame.set(${JSON.stringify(name)}, item[${i}]);`).join(' ');
    this._emit('(function(seq) { var kept = []; seq = runtime.fromIterator(seq) || []; for (var i = 0; i < seq.length; i++) { var item = seq[i]; frame = frame.push(); ');
    this._emit(`${bind} var keep = `);
    this.compile(node.cond, frame);
    this._emit('; frame = frame.pop(); if (runtime.pyTruthy(keep)) kept.push(item); } return kept; })(');
    this.compile(node.seq, frame);
    this._emit(')');
  };
  const originalBindings = proto._emitLoopBindings as (this: { _emitLine(code: string): void }, node: unknown, arr: string, i: string, len: string) => void;
  proto._emitLoopBindings = function emitLoopBindings(this: { _emitLine(code: string): void }, node: unknown, arr: string, i: string, len: string) {
    originalBindings.call(this, node, arr, i, len);
    this._emitLine(`if (runtime.isArray(${arr})) { frame.set("loop.previtem", ${arr}[${i} - 1]); frame.set("loop.nextitem", ${arr}[${i} + 1]); }`);
  };
}

/**
 * String literals unescape as Python's do: `\\n`, `\\t`, `\\\\`, `\\'`, `\\xhh`, `\\uXXXX`… are escapes, any other
 * backslash stays (nunjucks drops it, so `'^\\d+$'` would lose the `\\d` a regular expression needs).
 */
function patchStringLiterals(): void {
  type Tokenizer = { current(): string; forward(): void; isFinished(): boolean };
  const lexer = (nj as unknown as { lexer: { lex(src: string, opts: object): object } }).lexer;
  const tokenizer = Object.getPrototypeOf(lexer.lex('', {})) as {
    _parseString: (this: Tokenizer, delimiter: string) => string;
    nextToken: (this: { str: string; index: number }) => { type: string } | null;
  };
  // Python's trailing commas, `[a, b,]` and `{'k': 1,}` (and calls): the comma before a closing bracket is dropped.
  const nextToken = tokenizer.nextToken;
  tokenizer.nextToken = function nextTokenWithoutTrailingComma(this: { str: string; index: number }) {
    const token = nextToken.call(this);
    if (token?.type === 'comma' && /^\s*[\])}]/.test(this.str.slice(this.index, this.index + 200))) return nextToken.call(this);
    return token;
  };
  const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', v: '\v', '\n': '' };
  tokenizer._parseString = function parseString(this: Tokenizer, delimiter: string): string {
    this.forward();
    let text = '';
    const take = (count: number, pattern: RegExp): string => {
      let digits = '';
      while (digits.length < count && !this.isFinished() && pattern.test(this.current())) {
        digits += this.current();
        this.forward();
      }
      return digits;
    };
    while (!this.isFinished() && this.current() !== delimiter) {
      const c = this.current();
      this.forward();
      if (c !== '\\') {
        text += c;
        continue;
      }
      const e = this.current();
      if (Object.prototype.hasOwnProperty.call(simple, e)) {
        text += simple[e];
        this.forward();
      } else if (e === 'x' || e === 'u' || e === 'U') {
        this.forward();
        const hex = take(e === 'x' ? 2 : e === 'u' ? 4 : 8, /[0-9a-fA-F]/);
        text += String.fromCodePoint(parseInt(hex || '0', 16));
      } else if (/[0-7]/.test(e)) {
        text += String.fromCharCode(parseInt(take(3, /[0-7]/), 8));
      } else {
        text += `\\${e}`;
        this.forward();
      }
    }
    this.forward();
    return text;
  };
}

let patched = false;

/** Patch the compiler and runtime (once per process); later compiles see Python's operators and printing. */
export function patchNunjucks(): void {
  if (patched) return;
  patched = true;
  const runtime = nj.runtime;
  const proto = nj.compiler.Compiler.prototype;
  Object.assign(runtime, {
    pyAdd, pySub, pyMul, pyMod, pyEquals, pyTuple,
    pyConcat: (a: unknown, b: unknown) => pyStr(a) + pyStr(b),
  });
  proto.compileAdd = emitCall('pyAdd');
  proto.compileSub = emitCall('pySub');
  proto.compileMul = emitCall('pyMul');
  proto.compileMod = emitCall('pyMod');
  proto.compileConcat = emitCall('pyConcat');
  const originalGroup = proto.compileGroup as (this: Emitter, node: { children: unknown[] }, frame: unknown) => void;
  proto.compileGroup = function compileGroup(this: Emitter & { _compileAggregate: (...a: unknown[]) => void }, node: { children: unknown[] }, frame: unknown) {
    // `(a, b)` is a tuple; `(a)` only groups.
    if (node.children.length > 1) this._compileAggregate(node, frame, 'runtime.pyTuple([', '])');
    else originalGroup.call(this, node, frame);
  };
  const originalDict = proto.compileDict as (this: Emitter, node: unknown, frame: unknown) => void;
  proto.compileDict = function compileDict(this: Emitter & { _compileExpression: (n: unknown, f: unknown) => void }, node: { children: { key: { value?: unknown }; value: unknown }[] }, frame: unknown) {
    // Python dict keys are expressions: `{name: 1}` keys on the value of `name`, `{'name': 1}` on the string.
    // Keyword arguments are a dict too, whose names stay names: `f(name=1)`, and `caller` of a call block.
    if (node instanceof nj.nodes.KeywordArgs) return originalDict.call(this, node, frame);
    this._emit('{');
    node.children.forEach((pair, i) => {
      if (i > 0) this._emit(',');
      const isStringLiteral = pair.key instanceof nj.nodes.Literal && typeof pair.key.value === 'string';
      this._emit(isStringLiteral ? '' : '[');
      this.compile(pair.key, frame);
      this._emit(isStringLiteral ? ': ' : ']: ');
      this._compileExpression(pair.value, frame);
    });
    this._emit('}');
  };
  patchLoops(proto);
  const originalCompare = proto.compileCompare as (this: Emitter, node: unknown, frame: unknown) => void;
  proto.compileCompare = function compileCompare(this: Emitter, node: { expr: unknown; ops: { type: string; expr: unknown }[] }, frame: unknown) {
    const only = node.ops.length === 1 ? node.ops[0]! : undefined;
    if (!only || (only.type !== '==' && only.type !== '!=')) return originalCompare.call(this, node, frame);
    this._emit(only.type === '!=' ? '!runtime.pyEquals(' : 'runtime.pyEquals(');
    this.compile(node.expr, frame);
    this._emit(', ');
    this.compile(only.expr, frame);
    this._emit(')');
  };
  patchMacroExtras(runtime);
  patchStringLiterals();
  const suppressValue = runtime.suppressValue as (value: unknown, autoescape: boolean) => unknown;
  runtime.suppressValue = (value: unknown, autoescape: boolean) => suppressValue(printsDifferently(value) ? pyStr(value) : value, autoescape);
  const fromIterator = runtime.fromIterator as (value: unknown) => unknown;
  runtime.fromIterator = (value: unknown) => (isPlainObject(value) ? dictEntries(value).map(([k]) => k) : fromIterator(value));
  runtime.memberLookup = pythonMemberLookup(runtime.memberLookup as (...args: unknown[]) => unknown);
}
