/**
 * The nunjucks environment dbt's Jinja renders in: jinja-compat and the Python syntax installed once per process,
 * member lookups that answer Python string methods and objects speaking for themselves ({@link JINJA_MEMBER}),
 * `{% do %}`, and the filters and tests dbt templates use that nunjucks lacks.
 */
import nunjucks from 'nunjucks';
import { installPythonCompat } from './python-compat';
import { installPythonSyntax } from './python-syntax';

// `installJinjaCompat` patches nunjucks' runtime once per process; do it before any template compiles.
nunjucks.installJinjaCompat();
installPythonSyntax();

export const runtime = (nunjucks as unknown as { runtime: { memberLookup: (this: unknown, obj: unknown, key: unknown, ...slice: unknown[]) => unknown } }).runtime;
const compatMemberLookup = runtime.memberLookup;

const STRING_METHODS: Record<string, (s: string, ...args: any[]) => unknown> = {
  upper: (s) => s.toUpperCase(),
  lower: (s) => s.toLowerCase(),
  strip: (s, chars?: string) => (chars ? trimChars(s, chars) : s.trim()),
  lstrip: (s) => s.trimStart(),
  rstrip: (s) => s.trimEnd(),
  startswith: (s, p: string) => s.startsWith(p),
  endswith: (s, p: string) => s.endsWith(p),
  replace: (s, a: string, b: string) => s.split(a).join(b),
  split: (s, sep?: string) => (sep === undefined ? s.trim().split(/\s+/) : s.split(sep)),
  join: (s, items: unknown[]) => items.map(String).join(s),
  format: (s, ...args: unknown[]) => {
    let i = 0;
    return s.replace(/\{(\d*)\}/g, (_m, n: string) => String(args[n === '' ? i++ : Number(n)]));
  },
};

function trimChars(s: string, chars: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && chars.includes(s[start]!)) start++;
  while (end > start && chars.includes(s[end - 1]!)) end--;
  return s.slice(start, end);
}

/**
 * Objects that answer Jinja's `x.name` and `x[key]` themselves, as Python objects do through
 * `__getattr__`/`__getitem__` (agate tables, rows and columns): nunjucks compiles both to one lookup,
 * which calls `obj[JINJA_MEMBER](key)` instead of its own rules (jinja-compat would otherwise answer
 * `.values()`/`.keys()` with the object's own properties).
 */
export const JINJA_MEMBER: unique symbol = Symbol('landfall.jinjaMember');

export interface JinjaMembers {
  [JINJA_MEMBER](key: string | number): unknown;
}

/** What changes a dict in place (jinja-compat's dict methods; Jinja has no item assignment). */
const DICT_MUTATORS = new Set(['update', 'pop', 'popitem', 'setdefault']);
const copiesOnWrite = new WeakMap<object, () => object>();

/**
 * A dict shared by renders that each must see as their own (a package's namespace, jinja/environment.ts): a method
 * that changes it in place changes the object `ownCopy` returns instead (the current render's copy).
 */
export function copyOnWrite(dict: object, ownCopy: () => object): void {
  copiesOnWrite.set(dict, ownCopy);
}

runtime.memberLookup = function memberLookup(obj: unknown, key: unknown, ...slice: unknown[]) {
  if (typeof key === 'string' && DICT_MUTATORS.has(key) && obj !== null && typeof obj === 'object') {
    const ownCopy = copiesOnWrite.get(obj);
    if (ownCopy) obj = ownCopy();
  }
  if (slice.length === 0 && obj !== null && typeof obj === 'object' && JINJA_MEMBER in obj && (typeof key === 'string' || typeof key === 'number')) {
    return (obj as JinjaMembers)[JINJA_MEMBER](key);
  }
  if (typeof obj === 'string' && typeof key === 'string' && Object.prototype.hasOwnProperty.call(STRING_METHODS, key)) {
    const method = STRING_METHODS[key]!;
    return (...args: unknown[]) => method(obj, ...args);
  }
  // jinja-compat reads `xs[1:3]` as a lookup with three more arguments (start, stop, step): pass them on.
  return compatMemberLookup.call(this, obj, key, ...slice);
};

/** `{% do expr %}`: evaluate for side effects, output nothing. */
class DoExtension {
  tags = ['do'];
  parse(parser: any, nodes: any) {
    const token = parser.nextToken();
    const expression = parser.parseExpression();
    parser.advanceAfterBlockEnd(token.value);
    return new nodes.CallExtension(this, 'run', new nodes.NodeList(token.lineno, token.colno, [expression]));
  }
  run() {
    return '';
  }
}

export function createEnvironment(): nunjucks.Environment {
  const env = new nunjucks.Environment([], { autoescape: false, throwOnUndefined: false, trimBlocks: false });
  env.addExtension('do', new DoExtension());
  env.addFilter('tojson', (value: unknown) => JSON.stringify(value));
  env.addFilter('as_text', (value: unknown) => String(value));
  env.addFilter('as_bool', (value: unknown) => value === true || value === 'true' || value === 'True');
  env.addFilter('as_number', (value: unknown) => Number(value));
  env.addFilter('map', function mapFilter(this: unknown, items: unknown, ...args: unknown[]) {
    return mapItems(env, this, items, args);
  });
  (env as unknown as { addTest(name: string, test: (value: unknown) => boolean): void }).addTest('none', (value) => value === null || value === undefined);
  env.addGlobal('__setattr', (target: Record<string, unknown>, key: string, value: unknown) => {
    target[key] = value;
    return '';
  });
  installPythonCompat(env);
  return env;
}

/**
 * Jinja's `map` filter, which nunjucks lacks: `xs | map(attribute='a.b')` (digits index: `attribute=0`),
 * with an optional `default`, or `xs | map('upper')` to apply another filter.
 */
function mapItems(env: nunjucks.Environment, filterThis: unknown, items: unknown, args: unknown[]): unknown[] {
  const last = args[args.length - 1];
  const keywords = last && typeof last === 'object' && Object.prototype.hasOwnProperty.call(last, '__keywords') ? (last as Record<string, unknown>) : undefined;
  const positional = keywords ? args.slice(0, -1) : args;
  const list = items === null || items === undefined ? [] : Array.from(items as Iterable<unknown>);
  if (keywords && 'attribute' in keywords) {
    const path = typeof keywords.attribute === 'number' ? [keywords.attribute] : String(keywords.attribute).split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p));
    return list.map((item) => {
      const value = path.reduce<unknown>((current, part) => runtime.memberLookup.call(undefined, current, part), item);
      return value === undefined && 'default' in keywords ? keywords.default : value;
    });
  }
  const filter = (env as unknown as { getFilter(name: string): (...a: unknown[]) => unknown }).getFilter(String(positional[0]));
  return list.map((item) => filter.call(filterThis, item, ...positional.slice(1)));
}
