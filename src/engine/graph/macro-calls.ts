/**
 * Which macros a text calls, directly or through the macros it calls: a call is a name followed by `(` that names a
 * known macro, so Jinja built-ins and SQL functions are ignored. State selection (`state:modified`) uses it to tell
 * whether a node's macros changed.
 */
const CALL = /([A-Za-z_][\w]*)\s*\(/g;

/**
 * @param macros the macros that count, by name → their source text.
 * @example
 * macrosCalledBy("select {{ cents('x') }}", new Map([['cents', '{% macro cents(c) %}{{ round(c) }}{% endmacro %}'], ['round', '…']]));
 * // Set { 'cents', 'round' }
 */
export function macrosCalledBy(text: string, macros: ReadonlyMap<string, string>): Set<string> {
  const found = new Set<string>();
  const pending = [text];
  while (pending.length) {
    for (const match of pending.pop()!.matchAll(CALL)) {
      const name = match[1]!;
      if (found.has(name) || !macros.has(name)) continue;
      found.add(name);
      pending.push(macros.get(name)!);
    }
  }
  return found;
}
