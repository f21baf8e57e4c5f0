/**
 * Formats rows as an aligned plain-text table in the style of psql, for monospace mail readers:
 *
 * ```
 *  id | amount | currency
 * ----+--------+----------
 *   1 |  -5.25 | EUR
 *   2 |   NULL | NULL
 * ```
 *
 * Numbers are right-aligned, other values left-aligned, `null` shows as `NULL`, line breaks show as
 * `↵` and other control characters as spaces, and cells longer than `maxCellWidth` are cut with `…`.
 */
import { truncateCharacters } from './email-limits';
import type { SampleCell } from './run-failure-report';

export interface TextTableOptions {
  /** Longest cell, in characters; default 40. */
  maxCellWidth?: number;
}

/**
 * @example
 * formatTextTable({ columns: ['id', 'amount'], rows: [[1, -5.25]] });
 * // ' id | amount\n----+--------\n  1 |  -5.25'
 */
export function formatTextTable(
  table: { columns: ReadonlyArray<string | { name: string }>; rows: ReadonlyArray<ReadonlyArray<SampleCell>> },
  options: TextTableOptions = {},
): string {
  const maxCellWidth = options.maxCellWidth ?? 40;
  const headers = table.columns.map((column) => truncateCharacters(visible(typeof column === 'string' ? column : column.name), maxCellWidth));
  const cells = table.rows.map((row) => headers.map((_, index) => formatCell(row[index] ?? null, maxCellWidth)));
  const widths = headers.map((header, index) => Math.max(width(header), ...cells.map((row) => width(row[index].text))));

  const headerLine = headers.map((header, index) => ` ${pad(header, widths[index], 'left')} `).join('|');
  const separator = widths.map((columnWidth) => '-'.repeat(columnWidth + 2)).join('+');
  const rowLines = cells.map((row) => row.map((cell, index) => ` ${pad(cell.text, widths[index], cell.align)} `).join('|'));
  return [headerLine, separator, ...rowLines].map((line) => line.trimEnd()).join('\n');
}

function formatCell(value: SampleCell, maxCellWidth: number): { text: string; align: 'left' | 'right' } {
  if (value === null) return { text: 'NULL', align: 'right' };
  if (typeof value === 'number') return { text: truncateCharacters(String(value), maxCellWidth), align: 'right' };
  return { text: truncateCharacters(visible(String(value)), maxCellWidth), align: 'left' };
}

/** Keeps a cell on one line: line breaks become `↵`, other control characters spaces. */
function visible(text: string): string {
  return text.replace(/\r\n|\n|\r/g, '↵').replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');
}

function width(text: string): number {
  return [...text].length;
}

function pad(text: string, columnWidth: number, align: 'left' | 'right'): string {
  const padding = ' '.repeat(columnWidth - width(text));
  return align === 'left' ? text + padding : padding + text;
}
