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
 * {@link installPythonCompat} patches the nunjucks compiler and runtime once (nunjucks-python-patches.ts) and adds
 * the filters, tests and globals below to an environment. The values are in python-values.ts, the operators in
 * python-operators.ts, string methods in python-string-methods.ts, `modules.re` in python-re-module.ts.
 */
import { createHash } from 'node:crypto';
import nunjucks from 'nunjucks';
import { nj } from './nunjucks-internals';
import { patchNunjucks } from './nunjucks-python-patches';
import { pyFormat } from './python-operators';
import { pyTruthy } from './python-syntax';
import { dictEntries, isPlainObject, pyEquals, pyJson, pySet, pyStr, pyTuple, toList } from './python-values';

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
