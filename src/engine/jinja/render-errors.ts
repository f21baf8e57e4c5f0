/**
 * Render failures as landfall reports them: the file and line of the template, or of the macro file a failing
 * macro comes from (the project's macro source carries a marker where each file starts), or dbt's macro library.
 */
import { DBT_MACRO_LIBRARY, displayMacroNames } from '../macros';

/** Where an error raised inside a macro happened: the template that defines the macro and the line in it (1-based). */
export interface MacroBlame {
  template: string;
  line: number;
}
export const BLAME: unique symbol = Symbol('landfall.macroBlame');

export function blameOf(error: unknown): MacroBlame | undefined {
  let current: unknown = error;
  // nunjucks wraps errors (TemplateError keeps the original as `cause`).
  for (let depth = 0; depth < 5 && current !== null && typeof current === 'object'; depth++) {
    if (BLAME in current) return (current as { [BLAME]: MacroBlame })[BLAME];
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * Marks where each macro file starts in a project's macro source, on the file's first line (a Jinja comment,
 * so it changes neither the output nor the line count). `macroFileMarker('macros/x.sql') + text`.
 */
export function macroFileMarker(file: string): string {
  return `{#landfall:file=${file.replace(/#/g, '')}#}`;
}
const MARKER = /\{#landfall:file=([^#]*)#\}/g;

/**
 * The macro file and line a line of the concatenated macro source (1-based) comes from, and the macro there.
 *
 * @example
 * macroOrigin(`${macroFileMarker('macros/a.sql')}{% macro a() %}\n{{ x() }}\n{% endmacro %}`, 2) // { file: 'macros/a.sql', line: 2, macro: 'a' }
 */
export function macroOrigin(macros: string, line: number): { file?: string; line: number; macro?: string } {
  const lines = macros.split('\n');
  let file: string | undefined;
  let start = 1;
  let macro: string | undefined;
  for (let i = 0; i < Math.min(line, lines.length); i++) {
    for (const m of lines[i]!.matchAll(MARKER)) {
      file = m[1];
      start = i + 1;
      macro = undefined;
    }
    const defined = /\{%-?\s*(?:macro|test)\s+([A-Za-z_]\w*)/.exec(lines[i]!);
    if (defined) macro = defined[1];
  }
  return { file, line: line - start + 1, macro };
}

/** A render failure, with the file and the line in that file. Package macros are named `package.macro`, as called. */
export class TemplateRenderError extends Error {
  readonly detail: string;

  constructor(
    readonly file: string,
    readonly line: number | undefined,
    detail: string,
  ) {
    const readable = displayMacroNames(detail);
    super(`${file}${line ? `:${line}` : ''}: ${readable}`);
    this.detail = readable;
    this.name = 'TemplateRenderError';
  }
}

/** The name the macros template compiles under (environment.ts's renderTemplate). */
export const MACROS_TEMPLATE = 'macros';
const LIBRARY_LINES = DBT_MACRO_LIBRARY.split('\n').length;

export function toRenderError(error: unknown, where: { file: string; lineOffset?: number; macros?: string }): Error {
  if (error instanceof TemplateRenderError) return error;
  const blame = blameOf(error);
  if (blame && blame.template === MACROS_TEMPLATE && where.macros !== undefined) {
    const base = toRenderError(Object.assign(new Error((error as Error).message ?? String(error)), { landfallError: (error as { landfallError?: Error }).landfallError }), { file: where.file });
    const detail = base instanceof TemplateRenderError ? base.detail : base.message;
    if (blame.line <= LIBRARY_LINES) return new TemplateRenderError(where.file, undefined, `${detail} (in dbt's macro library, src/engine/macros)`);
    const origin = macroOrigin(where.macros, blame.line - LIBRARY_LINES);
    const inMacro = origin.macro ? `in macro ${origin.macro}, ` : '';
    return new TemplateRenderError(origin.file ?? 'macros', origin.line, `${detail} (${inMacro}called by ${where.file})`);
  }
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
  // A syntax error in the macro source: blame the macro file and its own line.
  if (raw.startsWith(`(${MACROS_TEMPLATE})`) && located && where.macros !== undefined && Number(located[1]) > LIBRARY_LINES) {
    const origin = macroOrigin(where.macros, Number(located[1]) - LIBRARY_LINES);
    return new TemplateRenderError(origin.file ?? 'macros', origin.line, `${detail} (while rendering ${where.file})`);
  }
  return new TemplateRenderError(where.file, line !== undefined && line > 0 ? line : undefined, detail);
}
