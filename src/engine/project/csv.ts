/**
 * RFC 4180 CSV: quoted fields, doubled quotes, CRLF or LF, and a one-character `delimiter` (dbt's seed
 * config, `,` by default). Empty unquoted fields are null.
 */
export function parseCsv(text: string, delimiter = ','): (string | null)[][] {
  const rows: (string | null)[][] = [];
  let row: (string | null)[] = [];
  let field = '';
  let quoted = false;
  let wasQuoted = false;
  let i = 0;
  const endField = () => {
    row.push(field === '' && !wasQuoted ? null : field);
    field = '';
    wasQuoted = false;
  };
  while (i < text.length) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 2;
        continue;
      }
      if (c === '"') quoted = false;
      else field += c;
      i++;
      continue;
    }
    if (c === '"') {
      quoted = true;
      wasQuoted = true;
    } else if (c === delimiter) endField();
    else if (c === '\n' || c === '\r') {
      endField();
      if (!(row.length === 1 && row[0] === null)) rows.push(row);
      row = [];
      if (c === '\r' && text[i + 1] === '\n') i++;
    } else field += c;
    i++;
  }
  if (field !== '' || wasQuoted || row.length > 0) {
    endField();
    rows.push(row);
  }
  return rows;
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
