/**
 * A small, lossless SQL tokenizer: joining the tokens' `text` gives back the input exactly.
 * It knows just enough PostgreSQL/Redshift lexical rules to tell code apart from string literals,
 * quoted identifiers, dollar-quoted bodies and comments, so that rewrites and `:name` parameter
 * binding never touch text inside them.
 */
export type SqlTokenKind =
  | 'word'
  | 'quoted-identifier'
  | 'string'
  | 'comment'
  | 'whitespace'
  | 'number'
  /** `:name` (a Data API named parameter, or an array slice bound such as `a[1:2]`). */
  | 'named-parameter'
  /** `$1`, `$2`, … */
  | 'positional-parameter'
  | 'punctuation'
  | 'operator';

export interface SqlToken {
  kind: SqlTokenKind;
  text: string;
}

const WORD_START = /[A-Za-z_\u0080-\uffff]/;
const WORD_PART = /[A-Za-z0-9_$\u0080-\uffff]/;
const NAME_PART = /[A-Za-z0-9_]/;
const DIGIT = /[0-9]/;
const PUNCTUATION = new Set(['(', ')', ',', ';', '[', ']', '.']);

/**
 * Splits SQL into tokens.
 *
 * @example
 * tokenizeSql("select ':x', :x::int").filter((t) => t.kind === 'named-parameter').map((t) => t.text); // [':x']
 */
export function tokenizeSql(sql: string): SqlToken[] {
  const tokens: SqlToken[] = [];
  let i = 0;
  const push = (kind: SqlTokenKind, end: number) => {
    tokens.push({ kind, text: sql.slice(i, end) });
    i = end;
  };
  while (i < sql.length) {
    const c = sql[i];
    const next = sql[i + 1];
    if (/\s/.test(c)) {
      let end = i + 1;
      while (end < sql.length && /\s/.test(sql[end])) end++;
      push('whitespace', end);
    } else if (c === '-' && next === '-') {
      const newline = sql.indexOf('\n', i);
      push('comment', newline === -1 ? sql.length : newline);
    } else if (c === '/' && next === '*') {
      push('comment', endOfBlockComment(sql, i));
    } else if ((c === 'e' || c === 'E') && next === "'") {
      push('string', endOfQuoted(sql, i + 1, "'", true));
    } else if (c === "'") {
      push('string', endOfQuoted(sql, i, "'", false));
    } else if (c === '"') {
      push('quoted-identifier', endOfQuoted(sql, i, '"', false));
    } else if (c === '$' && next !== undefined && DIGIT.test(next)) {
      let end = i + 1;
      while (end < sql.length && DIGIT.test(sql[end])) end++;
      push('positional-parameter', end);
    } else if (c === '$' && dollarTagAt(sql, i) !== undefined) {
      const tag = dollarTagAt(sql, i)!;
      const close = sql.indexOf(tag, i + tag.length);
      push('string', close === -1 ? sql.length : close + tag.length);
    } else if (c === ':' && next === ':') {
      push('operator', i + 2);
    } else if (c === ':' && next !== undefined && NAME_PART.test(next)) {
      let end = i + 1;
      while (end < sql.length && NAME_PART.test(sql[end])) end++;
      push('named-parameter', end);
    } else if (WORD_START.test(c)) {
      let end = i + 1;
      while (end < sql.length && WORD_PART.test(sql[end])) end++;
      push('word', end);
    } else if (DIGIT.test(c) || (c === '.' && next !== undefined && DIGIT.test(next))) {
      const match = /^(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/.exec(sql.slice(i))!;
      push('number', i + match[0].length);
    } else if (PUNCTUATION.has(c)) {
      push('punctuation', i + 1);
    } else {
      push('operator', i + 1);
    }
  }
  return tokens;
}

/** True for tokens that carry no meaning (whitespace and comments). */
export function isTrivia(token: SqlToken): boolean {
  return token.kind === 'whitespace' || token.kind === 'comment';
}

/** The index of the first non-trivia token at or after `from` (tokens.length when none). */
export function nextSignificant(tokens: readonly SqlToken[], from: number): number {
  let i = from;
  while (i < tokens.length && isTrivia(tokens[i])) i++;
  return i;
}

/** The index of the last non-trivia token before `before` (-1 when none). */
export function previousSignificant(tokens: readonly SqlToken[], before: number): number {
  let i = before - 1;
  while (i >= 0 && isTrivia(tokens[i])) i--;
  return i;
}

/** Given the index of a `(` token, the index of its matching `)` (tokens.length when unbalanced). */
export function matchingParen(tokens: readonly SqlToken[], open: number): number {
  let depth = 0;
  for (let i = open; i < tokens.length; i++) {
    const text = tokens[i].kind === 'punctuation' ? tokens[i].text : '';
    if (text === '(') depth++;
    else if (text === ')' && --depth === 0) return i;
  }
  return tokens.length;
}

/** Splits the tokens strictly between a `(` and its `)` on top-level commas. */
export function splitArguments(tokens: readonly SqlToken[], open: number, close: number): SqlToken[][] {
  const args: SqlToken[][] = [[]];
  let depth = 0;
  for (let i = open + 1; i < close; i++) {
    const token = tokens[i];
    if (token.kind === 'punctuation' && (token.text === '(' || token.text === '[')) depth++;
    if (token.kind === 'punctuation' && (token.text === ')' || token.text === ']')) depth--;
    if (depth === 0 && token.kind === 'punctuation' && token.text === ',') args.push([]);
    else args[args.length - 1].push(token);
  }
  return args;
}

/** Lower-cased text of a word token, undefined for any other token. */
export function keywordOf(token: SqlToken | undefined): string | undefined {
  return token?.kind === 'word' ? token.text.toLowerCase() : undefined;
}

function endOfBlockComment(sql: string, start: number): number {
  let depth = 0;
  let i = start;
  while (i < sql.length) {
    if (sql[i] === '/' && sql[i + 1] === '*') {
      depth++;
      i += 2;
    } else if (sql[i] === '*' && sql[i + 1] === '/') {
      depth--;
      i += 2;
      if (depth === 0) return i;
    } else i++;
  }
  return sql.length;
}

/** End (exclusive) of a literal opened by `quote` at `start`; a doubled quote is an escaped quote. */
function endOfQuoted(sql: string, start: number, quote: string, backslashEscapes: boolean): number {
  let i = start + 1;
  while (i < sql.length) {
    if (backslashEscapes && sql[i] === '\\') i += 2;
    else if (sql[i] === quote && sql[i + 1] === quote) i += 2;
    else if (sql[i] === quote) return i + 1;
    else i++;
  }
  return sql.length;
}

/** `$tag$` or `$$` starting at `start`, if there is one. */
function dollarTagAt(sql: string, start: number): string | undefined {
  const match = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(start, start + 64));
  return match?.[0];
}
