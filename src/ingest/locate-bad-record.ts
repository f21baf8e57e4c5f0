/**
 * Where in a landed object the first record that cannot load sits: 1-based line and column, and what is wrong there.
 * Used when an object's COPY failed on its own (the quarantine), so the alert can say "line 3, column 41: the record
 * is not closed" instead of only the warehouse's message. The rules are COPY's own: JSON 'auto' objects back to back
 * or one per line (Firehose concatenates them), RFC 4180 CSV with the route's delimiter and header lines.
 * Redshift records the same facts in SYS_LOAD_ERROR_DETAIL / STL_LOAD_ERRORS; reading the object gives them on every
 * warehouse, the local one included, without a query keyed by values from the event.
 */
import { readCsvRecords } from '../engine/csv-records';

export interface BadRecord {
  line: number;
  column: number;
  problem: string;
}

/** The position of character `offset` in `text`. */
function positionOf(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === '\n') {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/** The first JSON record that does not parse (or stray text between records), or undefined when all do. */
export function locateBadJsonRecord(text: string): BadRecord | undefined {
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') {
      if (depth === 0) return { ...positionOf(text, i), problem: 'a string outside any record' };
      inString = true;
    } else if (c === '{') {
      if (depth++ === 0) start = i;
    } else if (c === '}') {
      if (depth === 0) return { ...positionOf(text, i), problem: "a '}' that closes no record" };
      if (--depth === 0) {
        try {
          JSON.parse(text.slice(start, i + 1));
        } catch (error) {
          const at = /position (\d+)/.exec((error as Error).message);
          const offset = start + (at ? Number(at[1]) : 0);
          return { ...positionOf(text, offset), problem: `invalid JSON: ${(error as Error).message}` };
        }
      }
    } else if (depth === 0 && !/\s/.test(c)) {
      return { ...positionOf(text, i), problem: `unexpected '${c}' between records` };
    }
  }
  if (depth !== 0) return { ...positionOf(text, start), problem: 'the record starting here is not closed (truncated object?)' };
  return undefined;
}

/**
 * The first CSV line whose field count differs from the header's (when the route skips header lines: the last of them
 * names every column) or else from the first data line's. Quoted newlines respected; a blank line is a record, as
 * COPY reads it without IGNOREBLANKLINES (engine/csv-records.ts).
 */
export function locateBadCsvRecord(text: string, delimiter: string, headerLines: number): BadRecord | undefined {
  const { records, unclosedQuoteLine } = readCsvRecords(text, { delimiter, blankLines: 'record' });
  const complete = unclosedQuoteLine === undefined ? records : records.slice(0, -1);
  let expected = headerLines > 0 ? complete[headerLines - 1]?.fields.length : undefined;
  for (const { fields, line } of complete.slice(headerLines)) {
    expected ??= fields.length;
    if (fields.length !== expected) return { line, column: 1, problem: `${fields.length} fields where ${headerLines > 0 ? 'the header' : 'the first record'} has ${expected}` };
  }
  if (unclosedQuoteLine !== undefined) return { line: unclosedQuoteLine, column: 1, problem: 'a quoted field is not closed (truncated object?)' };
  return undefined;
}
