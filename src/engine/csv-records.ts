/**
 * The one CSV tokenizer (RFC 4180: quoted fields may hold the delimiter, line ends and doubled quotes; CRLF, LF or CR
 * ends a record; an unquoted empty field is null, a quoted one ''). Its callers differ only on a blank line, so that is
 * their option, each set to what the system it imitates does:
 * - dbt seeds: agate reads through Python's csv module, which returns a blank line as a record with no fields, and
 *   agate.Table pads a short row with None, so a blank line loads as a row of NULLs (checked with dbt-core 1.11's
 *   `agate_helper.from_csv`, and `dbt seed` on PostgreSQL); here that is `'record'` (`[null]`), widened by
 *   project/csv.ts.
 * - dbt unit-test fixtures in CSV (`'skip'`): dbt reads them with `csv.DictReader`, which skips blank lines.
 * - Redshift `COPY … CSV` (`'record'`, or `'skip'` with IGNOREBLANKLINES, which "ignores blank lines that only contain a
 *   line feed in a data file and does not try to load them":
 *   https://docs.aws.amazon.com/redshift/latest/dg/copy-parameters-data-conversion.html#copy-ignoreblanklines):
 *   without it COPY tries to load a blank line, here as a record of one empty field, which fails a table of more
 *   columns (inferred from that text, not measured on Redshift; a CRLF blank line is skipped here too).
 */
export interface CsvOptions {
  /** One character; `,` for seeds unless configured, `|` for COPY without CSV. */
  delimiter: string;
  blankLines: 'skip' | 'record';
}

export interface CsvRecord {
  fields: (string | null)[];
  /** The 1-based line the record starts on (a quoted line end inside a field counts). */
  line: number;
}

export interface CsvText {
  records: CsvRecord[];
  /** Set when the text ends inside a quoted field: the line of the record (the last one) it belongs to. */
  unclosedQuoteLine?: number;
}

/** Every record of `text`, with the line each starts on. */
export function readCsvRecords(text: string, options: CsvOptions): CsvText {
  const { delimiter, blankLines } = options;
  const records: CsvRecord[] = [];
  let fields: (string | null)[] = [];
  let field = '';
  let quoted = false;
  let wasQuoted = false;
  let line = 1;
  let recordLine = 1;
  const endField = () => {
    fields.push(field === '' && !wasQuoted ? null : field);
    field = '';
    wasQuoted = false;
  };
  const endRecord = () => {
    endField();
    const blank = fields.length === 1 && fields[0] === null;
    if (!blank || blankLines === 'record') records.push({ fields, line: recordLine });
    fields = [];
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; continue; }
      if (c === '"') quoted = false;
      else {
        field += c;
        if (c === '\n' || (c === '\r' && text[i + 1] !== '\n')) line++;
      }
    } else if (c === '"') {
      quoted = true;
      wasQuoted = true;
    } else if (c === delimiter) endField();
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      endRecord();
      line++;
      recordLine = line;
    } else field += c;
  }
  if (field !== '' || wasQuoted || fields.length > 0) endRecord();
  return quoted ? { records, unclosedQuoteLine: recordLine } : { records };
}

/** The fields of every record of `text` (see {@link readCsvRecords}). */
export function parseCsv(text: string, options: CsvOptions): (string | null)[][] {
  return readCsvRecords(text, options).records.map((record) => record.fields);
}
