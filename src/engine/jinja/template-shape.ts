/**
 * A template's *shape*: its Jinja source with the literals that differ between otherwise identical models taken out
 * as parameters, so nunjucks compiles each shape once instead of each file (2,000 realistic models share a handful
 * of shapes; compiling them was a third of a cold compile).
 *
 * Taken out, each as a name bound in the render's context:
 * - string literals inside `{{ }}` and `{% %}` (`ref('orders')`, `config(materialized='view')`, `source('a', 'b')`)
 *   without a backslash or a line break, and integer literals (`xs[0]`, `range(3)`);
 * - the SQL text between tags, except its leading and trailing whitespace, which stays in the shape so that
 *   nunjucks' whitespace control (`{%-`, `-%}`) trims exactly what it trimmed before: the text `ws1 core ws2` becomes
 *   `ws1{{ p }}ws2`, and nunjucks trims ws1 and ws2 as it trimmed them around the core (the core starts and ends
 *   with a non-space, which no trim reaches).
 * Kept as they are: comments, `{% raw %}`/`{% verbatim %}` regions, floats, literals after a `.`, strings with escapes.
 * A replacement keeps the line count, so an error's line number is the file's.
 *
 * The scanner follows nunjucks' lexer (node_modules/nunjucks/src/lexer.js): a tag ends at the first `%}`/`}}` outside
 * a string, whichever tag opened; a word runs to whitespace or one of its delimiters. Anything it does not model (a
 * regex literal `r/…/`, an unterminated tag or string, `#}` in text, the parameter prefix in the source) makes the
 * template unshapeable: it is compiled from its own source, as before.
 *
 * @example
 * shapeOf("select {{ ref('a') }}") // { source: "{{ __lfp0 }} {{ ref(__lfp1) }}", params: { __lfp0: 'select', __lfp1: 'a' } }
 */

/** The prefix of parameter names; a source that contains it is never shaped. */
export const SHAPE_PARAM_PREFIX = '__lfp';

export interface TemplateShape {
  /** The source with parameters in place of literals and text: the key compiled code is kept under. */
  source: string;
  /** Each parameter's value, by name. */
  params: Record<string, string | number>;
}

/** Character classes of nunjucks' lexer, by char code: 1 whitespace, 2 delimiter. */
const CHAR_CLASS = new Uint8Array(256);
for (const c of ' \n\t\r\u00A0') CHAR_CLASS[c.charCodeAt(0)] = 1;
for (const c of '()[]{}%*-+~/#,:|.<>=!') CHAR_CLASS[c.charCodeAt(0)] = 2;
const classOf = (code: number): number => (code < 256 ? CHAR_CLASS[code]! : 0);
const isWhitespace = (c: string): boolean => classOf(c.charCodeAt(0)) === 1;
const isDelimiter = (c: string): boolean => classOf(c.charCodeAt(0)) === 2;

/** The tag end at `at` (`%}`, `-%}`, `}}`, `-}}`: nunjucks ends any tag at either), or undefined. */
function tagEndAt(src: string, at: number): string | undefined {
  const c = src[at];
  if (c === '%' || c === '}') return src[at + 1] === '}' ? `${c}}` : undefined;
  if (c === '-' && src[at + 2] === '}' && (src[at + 1] === '%' || src[at + 1] === '}')) return `-${src[at + 1]}}`;
  return undefined;
}
const RAW_OPENING = /^\{%-?\s*(raw|verbatim)\s*-?%\}/;

class Unshapeable extends Error {}

/** The template's shape, or undefined when it has nothing to share or cannot be shaped exactly (see the file comment). */
export function shapeOf(source: string): TemplateShape | undefined {
  if (source.includes(SHAPE_PARAM_PREFIX)) return undefined;
  try {
    return new ShapeScanner(source).scan();
  } catch (error) {
    if (error instanceof Unshapeable) return undefined;
    throw error;
  }
}

class ShapeScanner {
  private out = '';
  private readonly params: Record<string, string | number> = {};
  private count = 0;
  private i = 0;

  constructor(private readonly src: string) {}

  scan(): TemplateShape | undefined {
    const src = this.src;
    while (this.i < src.length) {
      const tag = this.nextTagStart(this.i);
      this.text(src.slice(this.i, tag));
      if (tag >= src.length) break;
      this.i = tag;
      const opener = src[tag + 1];
      if (opener === '#') this.verbatimUntil('#}', tag + 2);
      else if (opener === '%' && RAW_OPENING.test(src.slice(tag, tag + 40))) this.raw(tag);
      else this.code();
    }
    if (this.count === 0) return undefined;
    return { source: this.out, params: this.params };
  }

  /** Where the next `{{`, `{%` or `{#` starts (the source's length when none). */
  private nextTagStart(from: number): number {
    const src = this.src;
    for (let at = src.indexOf('{', from); at !== -1; at = src.indexOf('{', at + 1)) {
      const next = src[at + 1];
      if (next === '{' || next === '%' || next === '#') return at;
    }
    return src.length;
  }

  private param(value: string | number, lines = 0): string {
    const name = `${SHAPE_PARAM_PREFIX}${this.count++}`;
    this.params[name] = value;
    return lines === 0 ? name : `${name}${'\n'.repeat(lines)}`;
  }

  /** Text between tags: its core becomes a parameter, its surrounding whitespace stays (see the file comment). */
  private text(text: string): void {
    if (text.includes('#}')) throw new Unshapeable(); // nunjucks rejects it: let it say so
    const leading = /^\s*/.exec(text)![0];
    if (leading.length === text.length) {
      this.out += text;
      return;
    }
    const trailing = /\s*$/.exec(text)![0];
    const core = text.slice(leading.length, text.length - trailing.length);
    const lines = countLines(core);
    this.out += `${leading}{{ ${this.param(core, lines)} }}${trailing}`;
  }

  /** A comment, kept as it is. */
  private verbatimUntil(end: string, from: number): void {
    const close = this.src.indexOf(end, from);
    if (close === -1) throw new Unshapeable();
    this.out += this.src.slice(this.i, close + end.length);
    this.i = close + end.length;
  }

  /**
   * A `{% raw %}` region through its matching `{% endraw %}`, kept as it is. Nesting is counted as nunjucks' parseRaw
   * counts it (its pattern: `{%\s*(raw|endraw)\s*%}`, no whitespace control inside).
   */
  private raw(start: number): void {
    const src = this.src;
    const name = RAW_OPENING.exec(src.slice(start, start + 40))![1]!;
    const inner = new RegExp(`\\{%\\s*(${name}|end${name})\\s*(?=%\\})%\\}`, 'g');
    inner.lastIndex = src.indexOf('%}', start) + 2;
    let level = 1;
    for (let match = inner.exec(src); match; match = inner.exec(src)) {
      level += match[1] === name ? 1 : -1;
      if (level === 0) {
        this.out += src.slice(start, match.index);
        this.i = match.index;
        // the closing tag as a tag of its own (it may carry whitespace control)
        const close = src.indexOf('%}', match.index);
        this.out += src.slice(match.index, close + 2);
        this.i = close + 2;
        return;
      }
    }
    throw new Unshapeable();
  }

  /** A `{{ … }}` or `{% … %}` tag, as nunjucks' lexer reads code. */
  private code(): void {
    const src = this.src;
    let at = this.i + 2;
    if (src[at] === '-') at++;
    this.out += src.slice(this.i, at);
    let previous = '';
    while (at < src.length) {
      const c = src[at]!;
      if (c === '"' || c === "'") {
        let end = at + 1;
        while (end < src.length && src[end] !== c) end += src[end] === '\\' ? 2 : 1;
        if (end >= src.length) throw new Unshapeable();
        const body = src.slice(at + 1, end);
        const literal = previous !== '.' && !/[\\\n\r]/.test(body);
        this.out += literal ? this.param(body) : src.slice(at, end + 1);
        at = end + 1;
        previous = 'string';
        continue;
      }
      if (isWhitespace(c)) {
        this.out += c;
        at++;
        continue;
      }
      const tagEnd = tagEndAt(src, at);
      if (tagEnd) {
        this.out += tagEnd;
        this.i = at + tagEnd.length;
        return;
      }
      if (c === 'r' && src[at + 1] === '/') throw new Unshapeable(); // a regex literal: not modelled
      if (isDelimiter(c)) {
        this.out += c;
        at++;
        previous = c;
        continue;
      }
      let end = at;
      while (end < src.length && classOf(src.charCodeAt(end)) === 0) end++;
      const word = src.slice(at, end);
      // An integer, not a float's whole part (`1.5`) nor an attribute (`x.0`).
      const integer = isDigits(word) && src[end] !== '.' && previous !== '.';
      this.out += integer ? this.param(parseInt(word, 10)) : word;
      at = end;
      previous = 'word';
    }
    throw new Unshapeable(); // the tag never ends
  }
}

function isDigits(word: string): boolean {
  for (let k = 0; k < word.length; k++) {
    const code = word.charCodeAt(k);
    if (code < 48 || code > 57) return false;
  }
  return word.length > 0;
}

function countLines(text: string): number {
  let lines = 0;
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) lines++;
  return lines;
}
