/**
 * The Jinja dialect dbt projects are written in, on top of nunjucks: jinja-compat (keyword arguments,
 * slices, dict/list methods), `{% do %}`, and the Python string methods SQL templates use.
 * Templates are compiled once per source text and cached.
 */
import nunjucks from 'nunjucks';

// `installJinjaCompat` patches nunjucks' runtime once per process; do it before any template compiles.
nunjucks.installJinjaCompat();

const runtime = (nunjucks as unknown as { runtime: { memberLookup: (obj: unknown, key: unknown) => unknown } }).runtime;
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

runtime.memberLookup = function memberLookup(obj: unknown, key: unknown) {
  if (typeof obj === 'string' && typeof key === 'string' && Object.prototype.hasOwnProperty.call(STRING_METHODS, key)) {
    const method = STRING_METHODS[key]!;
    return (...args: unknown[]) => method(obj, ...args);
  }
  return compatMemberLookup(obj, key);
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

function createEnvironment(): nunjucks.Environment {
  const env = new nunjucks.Environment([], { autoescape: false, throwOnUndefined: false, trimBlocks: false });
  env.addExtension('do', new DoExtension());
  env.addFilter('tojson', (value: unknown) => JSON.stringify(value));
  env.addFilter('as_text', (value: unknown) => String(value));
  env.addFilter('as_bool', (value: unknown) => value === true || value === 'true' || value === 'True');
  env.addFilter('as_number', (value: unknown) => Number(value));
  return env;
}

const environment = createEnvironment();
const compiled = new Map<string, nunjucks.Template>();

/** A render failure, with the file and the line in that file. */
export class TemplateRenderError extends Error {
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    readonly detail: string,
  ) {
    super(`${file}${line ? `:${line}` : ''}: ${detail}`);
    this.name = 'TemplateRenderError';
  }
}

/**
 * Render Jinja source with a context. `lineOffset` lines at the top of `source` (prepended macros) are
 * subtracted from reported line numbers.
 *
 * @example
 * renderTemplate('select {{ 1 + 1 }}', {}, { file: 'models/x.sql' }) // 'select 2'
 */
export function renderTemplate(
  source: string,
  context: Record<string, unknown>,
  where: { file: string; lineOffset?: number },
): string {
  let template = compiled.get(source);
  try {
    if (!template) {
      template = new nunjucks.Template(source, environment, where.file, true);
      compiled.set(source, template);
    }
    return template.render(context);
  } catch (error) {
    throw toRenderError(error, where);
  }
}

function toRenderError(error: unknown, where: { file: string; lineOffset?: number }): Error {
  if (error instanceof TemplateRenderError) return error;
  const raw = error instanceof Error ? error.message : String(error);
  const thrown = (error as { landfallError?: Error }).landfallError;
  // nunjucks wraps errors thrown by our globals; keep their own message.
  const located = /\[Line (\d+), Column (\d+)\]/.exec(raw);
  const offset = where.lineOffset ?? 0;
  const line = located ? Number(located[1]) - offset : undefined;
  const detail = (thrown?.message ?? raw.replace(/^\(.*?\)\s*/, '').replace(/\[Line \d+, Column \d+\]\s*/, ''))
    .replace(/^Error: /, '')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .join(' ');
  return new TemplateRenderError(where.file, line !== undefined && line > 0 ? line : undefined, detail);
}
