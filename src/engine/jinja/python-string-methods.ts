/**
 * Python's `str` methods that JavaScript strings lack or name differently (`title`, `zfill`, `partition`, `format`, …),
 * found by the Python member lookup (nunjucks-python-patches.ts) when a template calls a method on a string.
 */
import { isPlainObject, pyStr } from './python-values';

export const PY_STRING_METHODS: Record<string, (s: string, ...args: any[]) => unknown> = {
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
