/**
 * Python's binary operators where they differ from JavaScript's: `+` joins lists and moves datetimes, `-` subtracts
 * datetimes, `*` repeats strings and lists, `%` formats strings (printf style) or takes Python's modulo.
 */
import { PyDatetime, PyTimedelta } from './python-datetime';
import { isSafeString, pyRepr, pyStr } from './python-values';

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
