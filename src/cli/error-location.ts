/**
 * Where in the SQL a database error is, and which line of the model file that is. The error text carries the
 * position (`Position: N`, as Redshift reports it, or PostgreSQL's `LINE n`), or at least the token it
 * stumbled on (`at or near "x"`, `column "x" does not exist`); we find that in the statement that ran, print
 * the line as psql does (`LINE 4: …` and a caret), and map it to the model file: the same text on a line of
 * the file, closest to the same line number (Jinja can shift lines; a line made by a macro maps to none).
 */

export interface SqlErrorLocation {
  /** Line of the statement (1-based), as the database numbers it. */
  statementLine: number;
  column: number;
  lineText: string;
  /** Line of the model/test file, when the statement's line is found there. */
  fileLine?: number;
}

const TOKEN_PATTERNS = [
  /at or near "((?:[^"]|"")+)"/i,
  /column "?([\w.]+)"? does not exist/i,
  /relation "?([\w."]+?)"? does not exist/i,
  /function ([\w.]+)\(/i,
  /operator does not exist: [^\n]*/i,
];

function offsetOf(error: string, statement: string): number | undefined {
  const position = /\bPosition:?\s+(\d+)/i.exec(error);
  if (position) {
    const offset = Number(position[1]) - 1;
    if (offset >= 0 && offset < statement.length) return offset;
  }
  for (const pattern of TOKEN_PATTERNS) {
    const token = pattern.exec(error)?.[1]?.replace(/""/g, '"');
    if (!token) continue;
    const last = token.split('.').pop()!.replace(/"/g, '');
    const escaped = last.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const found = new RegExp(`(^|[^\\w])(${escaped})(?![\\w])`, 'i').exec(statement) ?? new RegExp(escaped, 'i').exec(statement);
    if (found) return found.index + (found[1]?.length ?? 0);
  }
  return undefined;
}

/** The location of `error` in the first of `statements` it can be found in, mapped to `source` (the file's text). */
export function locateSqlError(error: string, statements: string[], source?: string): SqlErrorLocation | undefined {
  for (const statement of statements) {
    const offset = offsetOf(error, statement);
    if (offset === undefined) continue;
    const before = statement.slice(0, offset);
    const statementLine = before.split('\n').length;
    const lineStart = before.lastIndexOf('\n') + 1;
    const lineText = statement.slice(lineStart).split('\n')[0]!;
    return { statementLine, column: offset - lineStart + 1, lineText, ...(source ? { fileLine: fileLineOf(lineText, source, statementLine) } : {}) };
  }
  return undefined;
}

function fileLineOf(lineText: string, source: string, near: number): number | undefined {
  const wanted = lineText.trim();
  if (wanted === '') return undefined;
  const lines = source.split('\n');
  let best: number | undefined;
  lines.forEach((line, i) => {
    if (line.trim() === wanted && (best === undefined || Math.abs(i + 1 - near) < Math.abs(best - near))) best = i + 1;
  });
  return best;
}

/** psql's two lines (`LINE n: text` and a caret under the position) and where that is in the file. */
export function describeLocation(location: SqlErrorLocation, file: string | undefined): string[] {
  const prefix = `LINE ${location.statementLine}: `;
  const text = location.lineText.replace(/\t/g, ' ');
  return [
    `${prefix}${text}`,
    `${' '.repeat(prefix.length + location.column - 1)}^`,
    ...(file && location.fileLine !== undefined ? [`at ${file}:${location.fileLine}`] : file ? [`in ${file} (the line comes from Jinja; see the compiled SQL)`] : []),
  ];
}
