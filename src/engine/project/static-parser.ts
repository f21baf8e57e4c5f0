/**
 * dbt's "static parser" idea: most models use Jinja only as `{{ ref('x') }}`, `{{ source('a', 'b') }}` and
 * `{{ config(k=literal, …) }}`. Those calls are read here without rendering — about 20× cheaper than a
 * nunjucks compile and render — and any other Jinja (`{% … %}`, filters, variables, macros) falls back to
 * the full parse-time render, so results are identical either way.
 */

export type StaticCall =
  | { kind: 'ref'; name: string }
  | { kind: 'source'; sourceName: string; tableName: string }
  | { kind: 'config'; values: Record<string, unknown> };

const EXPRESSION = /\{\{([\s\S]*?)\}\}/g;
const CALL = /^\s*(ref|source|config)\s*\(([\s\S]*)\)\s*$/;

/** The calls of a template that uses only static ref/source/config, or undefined when it needs a render. */
export function parseStatically(text: string): StaticCall[] | undefined {
  if (text.includes('{%') || text.includes('{#')) return undefined;
  const expressions: string[] = [];
  const rest = text.replace(EXPRESSION, (_expression, inside: string) => {
    expressions.push(inside);
    return '';
  });
  // Anything left that looks like Jinja (an unclosed `{{`) goes to the real parser, which reports it.
  if (rest.includes('{{') || rest.includes('}}')) return undefined;
  const calls: StaticCall[] = [];
  for (const expression of expressions) {
    const call = CALL.exec(expression);
    if (!call) return undefined;
    const args = splitArguments(call[2]!);
    if (!args) return undefined;
    if (call[1] === 'config') {
      const values: Record<string, unknown> = {};
      for (const arg of args) {
        const kw = /^([A-Za-z_][A-Za-z0-9_]*)\s*=\s*([\s\S]+)$/.exec(arg);
        if (!kw) return undefined;
        const value = literal(kw[2]!.trim());
        if (value === NOT_LITERAL) return undefined;
        values[kw[1]!] = value;
      }
      calls.push({ kind: 'config', values });
      continue;
    }
    const strings = args.map((a) => literal(a));
    if (strings.some((s) => typeof s !== 'string')) return undefined;
    if (call[1] === 'ref' && (strings.length === 1 || strings.length === 2)) calls.push({ kind: 'ref', name: strings[strings.length - 1] as string });
    else if (call[1] === 'source' && strings.length === 2) calls.push({ kind: 'source', sourceName: strings[0] as string, tableName: strings[1] as string });
    else return undefined;
  }
  return calls;
}

const NOT_LITERAL = Symbol('not a literal');

function literal(text: string): unknown {
  const t = text.trim();
  if (/^'[^'\\]*'$/.test(t) || /^"[^"\\]*"$/.test(t)) return t.slice(1, -1);
  if (/^-?\d+(\.\d+)?$/.test(t)) return Number(t);
  if (t === 'true' || t === 'True') return true;
  if (t === 'false' || t === 'False') return false;
  if (t === 'none' || t === 'None') return null;
  if (t.startsWith('[') && t.endsWith(']')) {
    const items = splitArguments(t.slice(1, -1));
    if (!items) return NOT_LITERAL;
    const values = items.map(literal);
    return values.includes(NOT_LITERAL) ? NOT_LITERAL : values;
  }
  return NOT_LITERAL;
}

/** Split on top-level commas, respecting quotes and brackets; undefined for anything unbalanced. */
function splitArguments(text: string): string[] | undefined {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === '\'' || c === '"') quote = c;
    else if (c === '[' || c === '(' || c === '{') depth++;
    else if (c === ']' || c === ')' || c === '}') {
      if (--depth < 0) return undefined;
    } else if (c === ',' && depth === 0) {
      parts.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  if (quote || depth !== 0) return undefined;
  const last = text.slice(start).trim();
  if (last !== '') parts.push(last);
  return parts;
}
