/**
 * Python's `re` module as dbt exposes it (`modules.re`), over JavaScript regular expressions.
 */
import { pyRepr, pyTuple } from './python-values';

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
