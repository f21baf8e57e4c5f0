/**
 * Python's values as dbt's Jinja sees them: tuples and sets (marked JavaScript arrays), dicts (plain objects),
 * `str()`/`repr()` printing, `json.dumps`, and `==` by value. Pure; the operators are in python-operators.ts.
 */
import { nj } from './nunjucks-internals';
import { PyDatetime, PyTimedelta } from './python-datetime';

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

export function isSafeString(value: unknown): boolean {
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

export function dictEntries(value: Record<string, unknown>): [string, unknown][] {
  return Object.entries(value).filter(([key]) => key !== '__keywords');
}

export function toList(value: unknown): unknown[] {
  if (value === null || value === undefined) return [];
  if (Array.isArray(value)) return value;
  if (typeof value === 'string') return [...value];
  if (isPlainObject(value)) return dictEntries(value).map(([k]) => k);
  if (typeof value === 'object' && Symbol.iterator in value) return [...(value as Iterable<unknown>)];
  return [value];
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
export function printsDifferently(value: unknown): boolean {
  return value === null || typeof value === 'boolean' || Array.isArray(value) || isPlainObject(value);
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
