import { parseCsv as parseCsvRecords } from '../csv-records';

/**
 * A seed's CSV as dbt loads it (header first; `delimiter` is dbt's seed config, `,` by default): a blank line is a
 * row of NULLs, as agate pads the empty record Python's csv module reads there; with `'skip'`, blank lines are left
 * out, as dbt's `csv.DictReader` does for a unit-test fixture. The engine's one tokenizer: csv-records.ts.
 */
export function parseCsv(text: string, delimiter = ',', blankLines: 'null row' | 'skip' = 'null row'): (string | null)[][] {
  const rows = parseCsvRecords(text, { delimiter, blankLines: blankLines === 'skip' ? 'skip' : 'record' });
  const width = rows[0]?.length ?? 0;
  return rows.map((row, i) => (i > 0 && row.length === 1 && row[0] === null ? Array<null>(width).fill(null) : row));
}

/**
 * A seed cell as dbt loads it: agate reads an empty field, quoted or not, blanks, and `null` in any case
 * as NULL.
 *
 * @example
 * seedCellValue('NULL') // null
 */
export function seedCellValue(value: string | null): string | null {
  return value === null || /^\s*(null)?\s*$/i.test(value) ? null : value;
}

/**
 * The SQL type dbt's seed loader infers for a column's values (agate's type tester, then dbt-postgres's
 * type for it): whole numbers `integer` (`bigint` past its range, where dbt would fail to load), other
 * numbers `double precision` (dbt's `float8`), `YYYY-MM-DD` dates, timestamps written `YYYY-MM-DD HH:MM:SS`
 * or in ISO 8601 with a `T` (one form for the whole column), `true`/`false` in any case, else `text`.
 */
export function inferSeedType(values: (string | null)[]): string {
  const present = values.map(seedCellValue).filter((v): v is string => v !== null).map((v) => v.trim());
  if (present.length === 0) return 'text';
  if (present.every((v) => /^[-+]?\d+$/.test(v))) {
    return present.every((v) => Math.abs(Number(v)) < 2 ** 31) ? 'integer' : 'bigint';
  }
  if (present.every((v) => /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(v))) return 'double precision';
  if (present.every((v) => /^\d{4}-\d{2}-\d{2}$/.test(v))) return 'date';
  if (present.every((v) => /^\d{4}-\d{2}-\d{2} \d{1,2}:\d{1,2}:\d{1,2}$/.test(v))) return 'timestamp without time zone';
  if (present.every((v) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}([.,]\d+)?)?(Z|[+-]\d{2}(:?\d{2})?)?$/.test(v))) return 'timestamp without time zone';
  if (present.every((v) => /^(true|false)$/i.test(v))) return 'boolean';
  return 'text';
}
