/**
 * Python semantics that dbt's Jinja has and nunjucks lacks, so templates print and compute what dbt-core
 * prints and computes:
 *
 * - output and `~` use Python's `str()`: `True`/`False`/`None`, lists as `['a', 1]`, dicts as `{'k': 1}`;
 * - tuples `('a', 'b')` are sequences (nunjucks reads them as JavaScript's comma operator);
 * - `+` joins lists and moves datetimes, `-` subtracts datetimes, `*` repeats strings and lists,
 *   `%` formats strings (`'%s-%02d' % (a, b)`), `==` compares lists, dicts and datetimes by value;
 * - `{% for key in some_dict %}` iterates the keys; `xs[-1]`, `'abc'[1:]` index and slice like Python;
 * - string methods (`title`, `find`, `zfill`, …) and the filters and tests nunjucks does not ship
 *   (`map`, `unique`, `min`, `max`, `items`, `selectattr` with a test, …).
 *
 * {@link installPythonCompat} patches the nunjucks compiler and runtime once and adds the filters to an
 * environment; everything else here is pure.
 */
import { createHash } from 'node:crypto';
import nunjucks from 'nunjucks';
import { PyDatetime, PyTimedelta } from './python-datetime';
import { pyTruthy } from './python-syntax';

type Nunjucks = typeof nunjucks & {
  runtime: Record<string, any>;
  compiler: { Compiler: { prototype: Record<string, any> } };
  nodes: { Literal: new (...args: unknown[]) => object; KeywordArgs: new (...args: unknown[]) => object; InlineIf: new (...args: unknown[]) => { body: unknown; cond: unknown; else_: unknown } };
  lib: { TemplateError: new (message: string) => Error };
};
const nj = nunjucks as Nunjucks;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function isSafeString(value: unknown): boolean {
  return value instanceof (nj.runtime.SafeString as new (s: string) => object);
}

const TUPLE: unique symbol = Symbol('landfall.pythonTuple');

/** A tuple literal `(a, b)`: a list that prints as `(a, b)`, as SQL's `in (…)` wants. */
export function pyTuple(items: unknown[]): unknown[] {
  Object.defineProperty(items, TUPLE, { value: true });
  return items;
}

const SET: unique symbol = Symbol('landfall.pythonSet');

function isPySet(value: unknown): value is unknown[] {
  return Array.isArray(value) && (value as unknown as Record<symbol, unknown>)[SET] === true;
}

/**
 * Python's `set(items)`: a list without duplicates that compares with `==` regardless of order, prints as
 * `{'a', 'b'}`, and has `add`, `update`, `union`, `intersection`, `difference`, `issubset`, `issuperset`.
 *
 * @example
 * pyEquals(pySet(['a', 'b']), pySet(['b', 'a'])) // true
 */
export function pySet(items: unknown[]): unknown[] {
  const unique: unknown[] = [];
  for (const item of items) if (!unique.some((u) => pyEquals(u, item))) unique.push(item);
  const has = (item: unknown) => unique.some((u) => pyEquals(u, item));
  const methods: Record<string, (...args: unknown[]) => unknown> = {
    add: (item) => {
      if (!has(item)) unique.push(item);
      return '';
    },
    update: (...others) => {
      for (const other of others) for (const item of toList(other)) if (!has(item)) unique.push(item);
      return '';
    },
    union: (...others) => pySet([...unique, ...others.flatMap(toList)]),
    intersection: (other) => pySet(toList(other).filter(has)),
    difference: (other) => {
      const excluded = toList(other);
      return pySet(unique.filter((item) => !excluded.some((x) => pyEquals(x, item))));
    },
    issubset: (other) => unique.every((item) => toList(other).some((x) => pyEquals(x, item))),
    issuperset: (other) => toList(other).every(has),
  };
  Object.defineProperty(unique, SET, { value: true });
  for (const [name, method] of Object.entries(methods)) Object.defineProperty(unique, name, { value: method });
  return unique;
}

function dictEntries(value: Record<string, unknown>): [string, unknown][] {
  return Object.entries(value).filter(([key]) => key !== '__keywords');
}

/**
 * Python's `repr()` for the values templates build: strings quoted the way Python quotes them.
 *
 * @example
 * pyRepr("it's"); // `"it's"`
 * pyRepr(['a', 1, null]); // "['a', 1, None]"
 */
export function pyRepr(value: unknown): string {
  if (typeof value === 'string' || isSafeString(value)) {
    const text = String(value);
    const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
    const escaped = text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t');
    return `${quote}${quote === "'" ? escaped.replace(/'/g, "\\'") : escaped}${quote}`;
  }
  return pyStr(value);
}

/**
 * Python's `str()`: what `{{ value }}` prints in dbt.
 *
 * @example
 * pyStr(true); // 'True'
 * pyStr(null); // 'None'
 * pyStr({ a: [1, 'x'] }); // "{'a': [1, 'x']}"
 */
export function pyStr(value: unknown): string {
  if (value === undefined) return '';
  if (value === null) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'nan';
    if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
    return String(value);
  }
  if (Array.isArray(value)) {
    if (isPySet(value)) return value.length === 0 ? 'set()' : `{${value.map(pyRepr).join(', ')}}`;
    if ((value as unknown as Record<symbol, unknown>)[TUPLE]) return `(${value.map(pyRepr).join(', ')}${value.length === 1 ? ',' : ''})`;
    return `[${value.map(pyRepr).join(', ')}]`;
  }
  if (isPlainObject(value)) return `{${dictEntries(value).map(([k, v]) => `${pyRepr(k)}: ${pyRepr(v)}`).join(', ')}}`;
  return String(value);
}

/** Whether nunjucks would print `value` differently from Python. */
function printsDifferently(value: unknown): boolean {
  return value === null || typeof value === 'boolean' || Array.isArray(value) || isPlainObject(value);
}

/** Python `a + b`: lists concatenate, a datetime moves by a timedelta. */
export function pyAdd(a: unknown, b: unknown): unknown {
  if (Array.isArray(a) && Array.isArray(b)) return [...a, ...b];
  if (a instanceof PyDatetime && b instanceof PyTimedelta) return a.add(b);
  if (a instanceof PyTimedelta && b instanceof PyDatetime) return b.add(a);
  if (a instanceof PyTimedelta && b instanceof PyTimedelta) return new PyTimedelta(a.milliseconds + b.milliseconds);
  return (a as number) + (b as number);
}

/** Python `a - b`: datetime minus timedelta, or the timedelta between two datetimes. */
export function pySub(a: unknown, b: unknown): unknown {
  if (a instanceof PyDatetime && b instanceof PyTimedelta) return a.subtract(b);
  if (a instanceof PyDatetime && b instanceof PyDatetime) return new PyTimedelta(a.instant.getTime() - b.instant.getTime());
  if (a instanceof PyTimedelta && b instanceof PyTimedelta) return new PyTimedelta(a.milliseconds - b.milliseconds);
  return (a as number) - (b as number);
}

/** Python `a * b`: a string or list times an integer repeats it. */
export function pyMul(a: unknown, b: unknown): unknown {
  const repeat = (seq: unknown, n: unknown) => {
    const times = Math.max(0, Math.trunc(Number(n)));
    if (typeof seq === 'string' || isSafeString(seq)) return String(seq).repeat(times);
    return Array.from({ length: times }, () => seq as unknown[]).flat();
  };
  if ((typeof a === 'string' || Array.isArray(a) || isSafeString(a)) && typeof b === 'number') return repeat(a, b);
  if ((typeof b === 'string' || Array.isArray(b) || isSafeString(b)) && typeof a === 'number') return repeat(b, a);
  if (a instanceof PyTimedelta && typeof b === 'number') return new PyTimedelta(a.milliseconds * b);
  return (a as number) * (b as number);
}

/** Python `a % b`: printf-style formatting when `a` is a string, the modulo of the divisor's sign otherwise. */
export function pyMod(a: unknown, b: unknown): unknown {
  if (typeof a === 'string' || isSafeString(a)) return pyFormat(String(a), b);
  const x = a as number;
  const y = b as number;
  return ((x % y) + y) % y;
}

/**
 * Python's `'template' % args` for `%s %r %d %i %f %e %x %o %%`, with flags, width and precision; `args`
 * is one value, a list (a tuple) or a dict for `%(name)s`.
 *
 * @example
 * pyFormat('%s_%03d', ['day', 7]); // 'day_007'
 * pyFormat('%(n).1f', { n: 2.25 }); // '2.2'
 */
export function pyFormat(template: string, args: unknown): string {
  const positional = Array.isArray(args) ? args : [args];
  let next = 0;
  return template.replace(/%(\((\w+)\))?([-+ 0#]*)(\d+|\*)?(?:\.(\d+))?([sridfFeExXoc%])/g, (whole, _k, key: string | undefined, flags: string, width: string | undefined, precision: string | undefined, code: string) => {
    if (code === '%') return '%';
    const value = key !== undefined ? (args as Record<string, unknown>)[key] : positional[next++];
    let text: string;
    const num = Number(value);
    switch (code) {
      case 's': text = pyStr(value); break;
      case 'r': text = pyRepr(value); break;
      case 'd': case 'i': text = String(Math.trunc(num)); break;
      case 'f': case 'F': text = num.toFixed(precision === undefined ? 6 : Number(precision)); break;
      case 'e': case 'E': text = num.toExponential(precision === undefined ? 6 : Number(precision)).replace(/e([+-])(\d)$/, 'e$10$2'); break;
      case 'x': case 'X': text = Math.trunc(num).toString(16); break;
      case 'o': text = Math.trunc(num).toString(8); break;
      case 'c': text = typeof value === 'number' ? String.fromCharCode(value) : String(value); break;
      default: return whole;
    }
    if (code === 'X' || code === 'E') text = text.toUpperCase();
    if (code === 's' && precision !== undefined) text = text.slice(0, Number(precision));
    if (/[dife]/i.test(code) && flags.includes('+') && num >= 0) text = `+${text}`;
    const w = width === undefined || width === '*' ? 0 : Number(width);
    if (text.length < w) {
      if (flags.includes('-')) text = text.padEnd(w);
      else if (flags.includes('0') && code !== 's' && code !== 'r') {
        const sign = /^[+-]/.test(text) ? text[0]! : '';
        text = sign + text.slice(sign.length).padStart(w - sign.length, '0');
      } else text = text.padStart(w);
    }
    return text;
  });
}

/**
 * Python's `json.dumps`: `", "` and `": "` separators, non-ASCII escaped, keys sorted on request (the
 * `tojson` filter sorts; dbt's `tojson()` function does not).
 *
 * @example
 * pyJson({ b: 1, a: [true, null] }, true); // '{"a": [true, null], "b": 1}'
 */
export function pyJson(value: unknown, sortKeys = false): string {
  const encode = (v: unknown): string => {
    if (v === undefined || v === null) return 'null';
    if (typeof v === 'string' || isSafeString(v)) return JSON.stringify(String(v)).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
    if (typeof v === 'number') return Number.isFinite(v) ? String(v) : Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
    if (typeof v === 'boolean') return String(v);
    if (Array.isArray(v)) return `[${v.map(encode).join(', ')}]`;
    if (isPlainObject(v)) {
      const entries = dictEntries(v);
      if (sortKeys) entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      return `{${entries.map(([k, x]) => `${encode(k)}: ${encode(x)}`).join(', ')}}`;
    }
    return encode(String(v));
  };
  return encode(value);
}

/** Python `==`: lists and dicts by value, datetimes by instant, `1 == 1.0`. */
export function pyEquals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  // Lenient like nunjucks: an undefined name equals `none` (Jinja would say False; dbt code never relies on it).
  if ((a === undefined && b === null) || (a === null && b === undefined)) return true;
  if (a instanceof PyDatetime && b instanceof PyDatetime) return a.instant.getTime() === b.instant.getTime() && a.dateOnly === b.dateOnly;
  if (a instanceof PyTimedelta && b instanceof PyTimedelta) return a.milliseconds === b.milliseconds;
  if (isPySet(a) && isPySet(b)) return a.length === b.length && a.every((x) => b.some((y) => pyEquals(x, y)));
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => pyEquals(x, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const ea = dictEntries(a);
    return ea.length === dictEntries(b).length && ea.every(([k, v]) => Object.prototype.hasOwnProperty.call(b, k) && pyEquals(v, b[k]));
  }
  if (isSafeString(a) || isSafeString(b)) return String(a) === String(b);
  return false;
}

/** A match of Python's `re`: `group(n)`, `groups()`, `start()`, `end()`; truthy like Python's. */
class PyMatch {
  constructor(private readonly match: RegExpExecArray) {}
  group(...indexes: (number | string)[]): unknown {
    const one = (i: number | string) => (typeof i === 'string' ? this.match.groups?.[i] : this.match[i]) ?? null;
    if (indexes.length <= 1) return one(indexes[0] ?? 0);
    return pyTuple(indexes.map(one));
  }
  groups(): unknown[] {
    return pyTuple(this.match.slice(1).map((g) => g ?? null));
  }
  groupdict(): Record<string, unknown> {
    return { ...(this.match.groups ?? {}) };
  }
  start(): number {
    return this.match.index;
  }
  end(): number {
    return this.match.index + this.match[0].length;
  }
  toString(): string {
    return `<re.Match object; span=(${this.start()}, ${this.end()}), match=${pyRepr(this.match[0])}>`;
  }
}

/** A Python pattern as a JavaScript RegExp: `(?P<name>…)` groups, `(?i)` flags, `re.IGNORECASE`-style flags. */
function toRegExp(pattern: unknown, flags = 0, global = false): RegExp {
  let source = String(pattern).replace(/\(\?P<(\w+)>/g, '(?<$1>').replace(/\(\?P=(\w+)\)/g, '\\k<$1>');
  let js = global ? 'g' : '';
  const inline = /^\(\?([aiLmsux]+)\)/.exec(source);
  if (inline) {
    source = source.slice(inline[0].length);
    if (inline[1]!.includes('i')) js += 'i';
    if (inline[1]!.includes('m')) js += 'm';
    if (inline[1]!.includes('s')) js += 's';
  }
  if (flags & 2 && !js.includes('i')) js += 'i';
  if (flags & 8 && !js.includes('m')) js += 'm';
  if (flags & 16 && !js.includes('s')) js += 's';
  return new RegExp(source, js);
}

/**
 * The part of Python's `re` module dbt exposes as `modules.re`: `match` (at the start), `fullmatch`,
 * `search`, `findall`, `sub`, `split`, `escape`, `compile` and the flags.
 *
 * @example
 * pythonReModule.sub('[0-9]+', '#', 'a1b22'); // 'a#b#'
 */
export const pythonReModule = {
  IGNORECASE: 2, I: 2, MULTILINE: 8, M: 8, DOTALL: 16, S: 16,
  match: (pattern: unknown, text: unknown, flags = 0) => {
    const m = toRegExp(`^(?:${String(pattern)})`, flags).exec(String(text));
    return m ? new PyMatch(m) : null;
  },
  fullmatch: (pattern: unknown, text: unknown, flags = 0) => {
    const m = toRegExp(`^(?:${String(pattern)})$`, flags).exec(String(text));
    return m ? new PyMatch(m) : null;
  },
  search: (pattern: unknown, text: unknown, flags = 0) => {
    const m = toRegExp(pattern, flags).exec(String(text));
    return m ? new PyMatch(m) : null;
  },
  findall: (pattern: unknown, text: unknown, flags = 0) =>
    [...String(text).matchAll(toRegExp(pattern, flags, true))].map((m) => (m.length === 1 ? m[0] : m.length === 2 ? m[1] ?? '' : pyTuple(m.slice(1).map((g) => g ?? '')))),
  sub: (pattern: unknown, replacement: unknown, text: unknown, count = 0, flags = 0) => {
    let done = 0;
    const template = typeof replacement === 'string' ? replacement.replace(/\\(\d+)/g, '$$$1').replace(/\\g<(\w+)>/g, (_m, g: string) => (/^\d+$/.test(g) ? `$${g}` : `$<${g}>`)) : '';
    return String(text).replace(toRegExp(pattern, flags, true), (...args: unknown[]) => {
      if (count > 0 && done >= count) return args[0] as string;
      done++;
      if (typeof replacement === 'function') return String(replacement(new PyMatch(Object.assign([...(args.slice(0, -2) as string[])], { index: args[args.length - 2] as number, input: String(text) }) as unknown as RegExpExecArray)));
      return (args[0] as string).replace(toRegExp(pattern, flags), template);
    });
  },
  split: (pattern: unknown, text: unknown, maxsplit = 0, flags = 0) => {
    const parts = String(text).split(toRegExp(pattern, flags, true));
    return maxsplit > 0 && parts.length > maxsplit + 1 ? [...parts.slice(0, maxsplit), String(text).split(toRegExp(pattern, flags, true)).slice(maxsplit).join('')] : parts;
  },
  escape: (text: unknown) => String(text).replace(/[.*+?^${}()|[\]\\\-#&~\s]/g, '\\$&'),
  compile: (pattern: unknown, flags = 0) => ({
    pattern: String(pattern),
    match: (text: unknown) => pythonReModule.match(pattern, text, flags),
    fullmatch: (text: unknown) => pythonReModule.fullmatch(pattern, text, flags),
    search: (text: unknown) => pythonReModule.search(pattern, text, flags),
    findall: (text: unknown) => pythonReModule.findall(pattern, text, flags),
    sub: (replacement: unknown, text: unknown, count = 0) => pythonReModule.sub(pattern, replacement, text, count, flags),
    split: (text: unknown, maxsplit = 0) => pythonReModule.split(pattern, text, maxsplit, flags),
  }),
};

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

const PY_STRING_METHODS: Record<string, (s: string, ...args: any[]) => unknown> = {
  title: (s) => s.toLowerCase().replace(/(^|[^A-Za-z0-9])([a-z])/g, (_m, sep: string, c: string) => sep + c.toUpperCase()),
  capitalize: (s) => s.charAt(0).toUpperCase() + s.slice(1).toLowerCase(),
  swapcase: (s) => [...s].map((c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join(''),
  casefold: (s) => s.toLowerCase(),
  find: (s, sub: string, start?: number) => s.indexOf(sub, start ?? 0),
  rfind: (s, sub: string) => s.lastIndexOf(sub),
  index: (s, sub: string) => {
    const at = s.indexOf(sub);
    if (at < 0) throw new Error('ValueError: substring not found');
    return at;
  },
  count: (s, sub: string) => (sub === '' ? s.length + 1 : s.split(sub).length - 1),
  zfill: (s, width: number) => (/^[+-]/.test(s) ? s[0] + s.slice(1).padStart(width - 1, '0') : s.padStart(width, '0')),
  ljust: (s, width: number, fill = ' ') => s.padEnd(width, fill),
  rjust: (s, width: number, fill = ' ') => s.padStart(width, fill),
  center: (s, width: number, fill = ' ') => {
    const total = Math.max(0, width - s.length);
    const left = Math.floor(total / 2) + (total % 2 && width % 2 ? 1 : 0);
    return fill.repeat(left) + s + fill.repeat(total - left);
  },
  isdigit: (s) => /^\d+$/.test(s),
  isnumeric: (s) => /^\d+$/.test(s),
  isdecimal: (s) => /^\d+$/.test(s),
  isalpha: (s) => /^[A-Za-z]+$/.test(s),
  isalnum: (s) => /^[A-Za-z0-9]+$/.test(s),
  isspace: (s) => /^\s+$/.test(s),
  islower: (s) => /[a-z]/.test(s) && s === s.toLowerCase(),
  isupper: (s) => /[A-Z]/.test(s) && s === s.toUpperCase(),
  lstrip: (s, chars?: string) => (chars ? s.replace(new RegExp(`^[${escapeClass(chars)}]+`), '') : s.trimStart()),
  rstrip: (s, chars?: string) => (chars ? s.replace(new RegExp(`[${escapeClass(chars)}]+$`), '') : s.trimEnd()),
  removeprefix: (s, prefix: string) => (s.startsWith(prefix) ? s.slice(prefix.length) : s),
  removesuffix: (s, suffix: string) => (suffix && s.endsWith(suffix) ? s.slice(0, -suffix.length) : s),
  splitlines: (s) => s.split(/\r?\n/).filter((line, i, all) => i < all.length - 1 || line !== ''),
  rsplit: (s, sep?: string, maxsplit = -1) => {
    const parts = sep === undefined ? s.trim().split(/\s+/) : s.split(sep);
    if (maxsplit < 0 || parts.length <= maxsplit + 1) return parts;
    return [parts.slice(0, parts.length - maxsplit).join(sep ?? ' '), ...parts.slice(parts.length - maxsplit)];
  },
  split: (s, sep?: string | null, maxsplit = -1) => {
    const parts = sep === undefined || sep === null ? s.trim().split(/\s+/).filter((p) => p !== '') : s.split(sep);
    if (maxsplit < 0 || parts.length <= maxsplit + 1) return parts;
    return [...parts.slice(0, maxsplit), parts.slice(maxsplit).join(sep ?? ' ')];
  },
  partition: (s, sep: string) => {
    const at = s.indexOf(sep);
    return at < 0 ? [s, '', ''] : [s.slice(0, at), sep, s.slice(at + sep.length)];
  },
  startswith: (s, prefix: string | string[]) => (Array.isArray(prefix) ? prefix.some((p) => s.startsWith(p)) : s.startsWith(prefix)),
  endswith: (s, suffix: string | string[]) => (Array.isArray(suffix) ? suffix.some((p) => s.endsWith(p)) : s.endsWith(suffix)),
  replace: (s, a: string, b: string, count = -1) => {
    if (count < 0) return s.split(a).join(b);
    const parts = s.split(a);
    return parts.slice(0, count + 1).join(b) + (parts.length > count + 1 ? a + parts.slice(count + 1).join(a) : '');
  },
  join: (s, items: unknown) => (Array.isArray(items) ? items : Object.keys(items as object)).map(pyStr).join(s),
  format: (s, ...args: unknown[]) => {
    const last = args[args.length - 1];
    const named = isPlainObject(last) && '__keywords' in last ? (args.pop() as Record<string, unknown>) : {};
    let auto = 0;
    return s.replace(/\{\{|\}\}|\{([^{}!:]*)(?:![rs])?(?::([^{}]*))?\}/g, (whole, field: string | undefined, spec: string | undefined) => {
      if (whole === '{{') return '{';
      if (whole === '}}') return '}';
      const value = field === '' || field === undefined ? args[auto++] : /^\d+$/.test(field) ? args[Number(field)] : named[field];
      if (!spec) return pyStr(value);
      const fixed = /^(?:([<>^]?)(\d+))?(?:\.(\d+)f)?$/.exec(spec);
      if (!fixed) return pyStr(value);
      const text = fixed[3] !== undefined ? Number(value).toFixed(Number(fixed[3])) : pyStr(value);
      const width = Number(fixed[2] ?? 0);
      return fixed[1] === '<' || (!fixed[1] && typeof value === 'string') ? text.padEnd(width) : text.padStart(width);
    });
  },
};

function escapeClass(chars: string): string {
  return chars.replace(/[\\\]^-]/g, '\\$&');
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
    return function macroWithExtras(this: unknown, ...args: unknown[]) {
      const last = args[args.length - 1];
      const hasKeywords = isPlainObject(last) && '__keywords' in last;
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
function patchNunjucks(): void {
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

/** `item.a.b` as a template would look it up (digits index lists). */
function attributeOf(item: unknown, attribute: string | number | undefined): unknown {
  if (attribute === undefined) return item;
  const lookup = nj.runtime.memberLookup as (obj: unknown, key: unknown) => unknown;
  const path = typeof attribute === 'number' ? [attribute] : String(attribute).split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p));
  return path.reduce<unknown>((value, part) => (value === null || value === undefined ? undefined : lookup(value, part)), item);
}

/** Splits trailing `name=value` keywords (nunjucks passes them as a final object flagged `__keywords`). */
function keywordArgs(args: unknown[]): { positional: unknown[]; keywords: Record<string, unknown> } {
  const last = args[args.length - 1];
  if (isPlainObject(last) && '__keywords' in last) {
    const { __keywords: _flag, ...keywords } = last;
    return { positional: args.slice(0, -1), keywords };
  }
  return { positional: args, keywords: {} };
}

function toList(value: unknown): unknown[] {
  if (value === null || value === undefined) return [];
  if (Array.isArray(value)) return value;
  if (typeof value === 'string') return [...value];
  if (isPlainObject(value)) return dictEntries(value).map(([k]) => k);
  if (typeof value === 'object' && Symbol.iterator in value) return [...(value as Iterable<unknown>)];
  return [value];
}

/** Python `sorted()` order for mixed numbers and strings as templates use them. */
function compareValues(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}

/**
 * Add Jinja's filters and tests that nunjucks lacks, and replace those that behave differently, on
 * `env`; patches the nunjucks compiler and runtime the first time.
 *
 * @example
 * installPythonCompat(env);
 * // {{ columns | selectattr('data_type', 'equalto', 'text') | list }}, {% for x in ('a', 'b') %}
 */
export function installPythonCompat(env: nunjucks.Environment): void {
  patchNunjucks();
  const testFor = (name: unknown) => (env as unknown as { getTest(n: string): (this: unknown, ...a: unknown[]) => boolean }).getTest(String(name));
  const byTest = (keep: boolean, useAttribute: boolean) => (this_: unknown, seq: unknown, ...args: unknown[]) => {
    const [attribute, test, ...testArgs] = useAttribute ? args : [undefined, ...args];
    return toList(seq).filter((item) => {
      const value = attributeOf(item, attribute as string | undefined);
      const passes = test === undefined ? pyTruthy(value) : testFor(test).call(this_, value, ...testArgs);
      return passes === keep;
    });
  };
  const filters: Record<string, (this: unknown, ...args: any[]) => unknown> = {
    selectattr(seq: unknown, ...args: unknown[]) { return byTest(true, true)(this, seq, ...args); },
    rejectattr(seq: unknown, ...args: unknown[]) { return byTest(false, true)(this, seq, ...args); },
    select(seq: unknown, ...args: unknown[]) { return byTest(true, false)(this, seq, ...args); },
    reject(seq: unknown, ...args: unknown[]) { return byTest(false, false)(this, seq, ...args); },
    unique(seq: unknown, ...args: unknown[]) {
      const { keywords } = keywordArgs(args);
      const seen = new Set<unknown>();
      return toList(seq).filter((item) => {
        const raw = attributeOf(item, keywords.attribute as string | undefined);
        const key = typeof raw === 'string' && keywords.case_sensitive !== true ? raw.toLowerCase() : raw;
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      });
    },
    min(seq: unknown, ...args: unknown[]) {
      const { keywords } = keywordArgs(args);
      const items = toList(seq);
      return items.reduce((best, item) => (best === undefined || compareValues(attributeOf(item, keywords.attribute as string | undefined), attributeOf(best, keywords.attribute as string | undefined)) < 0 ? item : best), undefined as unknown);
    },
    max(seq: unknown, ...args: unknown[]) {
      const { keywords } = keywordArgs(args);
      const items = toList(seq);
      return items.reduce((best, item) => (best === undefined || compareValues(attributeOf(item, keywords.attribute as string | undefined), attributeOf(best, keywords.attribute as string | undefined)) > 0 ? item : best), undefined as unknown);
    },
    items: (value: unknown) => (isPlainObject(value) ? dictEntries(value) : []),
    list: (value: unknown) => toList(value),
    count: (value: unknown) => toList(value).length,
    string: (value: unknown) => pyStr(value),
    join(seq: unknown, ...args: unknown[]) {
      const { positional, keywords } = keywordArgs(args);
      const separator = positional[0] ?? keywords.d ?? '';
      const attribute = (positional[1] ?? keywords.attribute) as string | undefined;
      return toList(seq).map((item) => pyStr(attributeOf(item, attribute))).join(pyStr(separator));
    },
    format: (template: unknown, ...args: unknown[]) => pyFormat(String(template), args.length === 1 && isPlainObject(args[0]) ? args[0] : args),
    tojson: (value: unknown) => pyJson(value, true),
    // Jinja's groupby: (grouper, list) pairs sorted by the grouper, each also readable as `.grouper`/`.list`.
    groupby(seq: unknown, ...args: unknown[]) {
      const { positional, keywords } = keywordArgs(args);
      const attribute = (positional[0] ?? keywords.attribute) as string | number;
      const groups = new Map<unknown, unknown[]>();
      for (const item of toList(seq)) {
        const key = attributeOf(item, attribute) ?? keywords.default;
        if (!groups.has(key)) groups.set(key, []);
        groups.get(key)!.push(item);
      }
      return [...groups.entries()].sort(([a], [b]) => compareValues(a, b)).map(([grouper, list]) => Object.assign(pyTuple([grouper, list]), { grouper, list }));
    },
    // Jinja's `default(value, fallback, boolean=false)`: with `boolean`, any false value (Python's rules) is replaced.
    default(value: unknown, ...args: unknown[]) {
      const { positional, keywords } = keywordArgs(args);
      const fallback = positional[0] ?? keywords.default_value ?? '';
      const boolean = positional[1] ?? keywords.boolean ?? false;
      if (pyTruthy(boolean)) return pyTruthy(value) ? value : fallback;
      return value === undefined ? fallback : value;
    },
    d(value: unknown, ...args: unknown[]) { return filters.default!.call(this, value, ...args); },
    attr: (value: unknown, name: unknown) => (value === null || value === undefined ? undefined : (value as Record<string, unknown>)[String(name)]),
  };
  for (const [name, filter] of Object.entries(filters)) env.addFilter(name, filter);
  // dbt's context functions that are Python built-ins underneath.
  env.addGlobal('zip', (...seqs: unknown[]) => {
    const lists = seqs.map(toList);
    return Array.from({ length: Math.min(...lists.map((l) => l.length)) }, (_v, i) => lists.map((l) => l[i]));
  });
  env.addGlobal('set', (seq?: unknown) => pySet(toList(seq)));
  env.addGlobal('tojson', (value: unknown, ...args: unknown[]) => {
    const { keywords } = keywordArgs(args);
    return pyJson(value, keywords.sort_keys === true);
  });
  env.addGlobal('local_md5', (text: unknown) => createHash('md5').update(String(text)).digest('hex'));
  env.addGlobal('fromjson', (text: unknown, fallback: unknown = null) => {
    try {
      return JSON.parse(String(text));
    } catch {
      return fallback;
    }
  });
  const tests: Record<string, (value: unknown, ...args: any[]) => boolean> = {
    boolean: (value) => typeof value === 'boolean',
    true: (value) => value === true,
    false: (value) => value === false,
    integer: (value) => typeof value === 'number' && Number.isInteger(value),
    float: (value) => typeof value === 'number' && !Number.isInteger(value),
    sequence: (value) => typeof value === 'string' || Array.isArray(value) || isPlainObject(value),
    in: (value, container: unknown) => (typeof container === 'string' ? container.includes(String(value)) : toList(container).some((item) => pyEquals(item, value))),
    eq: (value, other) => pyEquals(value, other),
    equalto: (value, other) => pyEquals(value, other),
    '==': (value, other) => pyEquals(value, other),
    ne: (value, other) => !pyEquals(value, other),
    '!=': (value, other) => !pyEquals(value, other),
  };
  const addTest = (env as unknown as { addTest(name: string, test: (value: unknown, ...args: any[]) => boolean): void }).addTest.bind(env);
  for (const [name, test] of Object.entries(tests)) addTest(name, test);
}
