/**
 * Redshift dialect on PostgreSQL: a pure SQL rewrite plus SQL functions ("shims") installed in the
 * `landfall_compat` schema. Rewrites never touch string literals, quoted identifiers, dollar-quoted
 * bodies or comments (see {@link tokenizeSql}).
 *
 * Covered: GETDATE(), SYSDATE, NVL (→ COALESCE), NVL2 (→ CASE), DATEADD/DATEDIFF (quoted or bare date parts),
 * LEN, CHARINDEX, DECODE (→ CASE), LISTAGG … WITHIN GROUP (→ string_agg), IDENTITY(seed, step), and the
 * DDL attributes DISTKEY, SORTKEY, DISTSTYLE, ENCODE, BACKUP and WITH NO SCHEMA BINDING (removed).
 */
import {
  type SqlToken,
  keywordOf,
  matchingParen,
  nextSignificant,
  previousSignificant,
  splitArguments,
  tokenizeSql,
} from './sql-tokenizer';

/** The schema that holds the shim functions. Calls to them are schema-qualified by the rewrite. */
export const COMPAT_SCHEMA = 'landfall_compat';

/** Redshift functions implemented as SQL functions in {@link COMPAT_SCHEMA}. */
const SHIMMED_FUNCTIONS = new Set(['getdate', 'dateadd', 'datediff', 'len', 'charindex']);

/** Functions whose first argument is a date part that Redshift accepts unquoted (`dateadd(day, 1, d)`). */
const DATE_PART_FUNCTIONS = new Set(['dateadd', 'datediff']);

const DISTRIBUTION_STYLES = new Set(['auto', 'even', 'key', 'all']);
const COLUMN_ENCODINGS = new Set([
  'auto', 'raw', 'az64', 'bytedict', 'delta', 'delta32k', 'lzo', 'mostly8', 'mostly16', 'mostly32',
  'runlength', 'text255', 'text32k', 'zstd',
]);

/** SYSDATE: the start of the current transaction in UTC, as a timestamp without time zone. */
const SYSDATE_SQL = "(transaction_timestamp() AT TIME ZONE 'UTC')";

/**
 * Rewrites Redshift-only syntax into PostgreSQL that works with the shims of {@link REDSHIFT_COMPAT_SHIMS_SQL}.
 * SQL without Redshift-only syntax comes back unchanged.
 *
 * @example
 * rewriteRedshiftSql("select dateadd(day, 1, sysdate)");
 * // "select landfall_compat.dateadd('day', 1, (transaction_timestamp() AT TIME ZONE 'UTC'))"
 */
export function rewriteRedshiftSql(sql: string): string {
  return rewriteTokens(tokenizeSql(sql));
}

function rewriteTokens(tokens: readonly SqlToken[]): string {
  let out = '';
  let i = 0;
  while (i < tokens.length) {
    const rewritten = rewriteAt(tokens, i);
    if (rewritten) {
      out += rewritten.text;
      i = rewritten.next;
    } else {
      out += tokens[i].text;
      i++;
    }
  }
  return out;
}

interface Rewrite {
  text: string;
  /** Index of the first token after the rewritten span. */
  next: number;
}

function rewriteAt(tokens: readonly SqlToken[], i: number): Rewrite | undefined {
  const keyword = keywordOf(tokens[i]);
  if (keyword === undefined) return undefined;
  const previous = tokens[previousSignificant(tokens, i)];
  if (previous?.kind === 'punctuation' && previous.text === '.') return undefined; // qualified name: not ours
  const afterIndex = nextSignificant(tokens, i + 1);
  const after = tokens[afterIndex];
  const isCall = after?.kind === 'punctuation' && after.text === '(';
  const afterKeyword = keywordOf(after);

  if (isCall) {
    const close = matchingParen(tokens, afterIndex);
    if (keyword === 'nvl') return { text: 'coalesce', next: i + 1 };
    if (keyword === 'nvl2') return rewriteNvl2(tokens, afterIndex, close);
    if (keyword === 'decode') return rewriteDecode(tokens, afterIndex, close);
    if (keyword === 'listagg') return rewriteListagg(tokens, afterIndex, close);
    if (keyword === 'identity') return rewriteIdentity(tokens, i, afterIndex, close);
    if (keyword === 'distkey' || keyword === 'sortkey') return { text: '', next: close + 1 };
    if (SHIMMED_FUNCTIONS.has(keyword)) {
      const args = splitArguments(tokens, afterIndex, close);
      if (DATE_PART_FUNCTIONS.has(keyword)) args[0] = quoteBareDatePart(args[0]);
      const argumentText = args.map(rewriteTokens).join(',');
      return { text: `${COMPAT_SCHEMA}.${keyword}(${argumentText})`, next: close + 1 };
    }
    return undefined;
  }

  switch (keyword) {
    case 'sysdate':
      return { text: SYSDATE_SQL, next: i + 1 };
    case 'compound':
    case 'interleaved':
      return afterKeyword === 'sortkey' ? { text: '', next: afterIndex } : undefined;
    case 'sortkey':
      return afterKeyword === 'auto' ? { text: '', next: afterIndex + 1 } : { text: '', next: i + 1 };
    case 'distkey':
      return { text: '', next: i + 1 };
    case 'diststyle':
      return DISTRIBUTION_STYLES.has(afterKeyword ?? '') ? { text: '', next: afterIndex + 1 } : undefined;
    case 'encode':
      return COLUMN_ENCODINGS.has(afterKeyword ?? '') ? { text: '', next: afterIndex + 1 } : undefined;
    case 'backup':
      return afterKeyword === 'yes' || afterKeyword === 'no' ? { text: '', next: afterIndex + 1 } : undefined;
    case 'with':
      return rewriteNoSchemaBinding(tokens, afterIndex);
    default:
      return undefined;
  }
}

/** `NVL2(expr, if_not_null, if_null)` → a CASE (a function could not take an untyped NULL as `expr`). */
function rewriteNvl2(tokens: readonly SqlToken[], open: number, close: number): Rewrite | undefined {
  const args = splitArguments(tokens, open, close).map((arg) => rewriteTokens(arg).trim());
  if (args.length !== 3) return undefined;
  return { text: `CASE WHEN (${args[0]}) IS NOT NULL THEN ${args[1]} ELSE ${args[2]} END`, next: close + 1 };
}

/** `DECODE(expr, search, result [, search, result]… [, default])` → a CASE that treats NULLs as equal. */
function rewriteDecode(tokens: readonly SqlToken[], open: number, close: number): Rewrite | undefined {
  const args = splitArguments(tokens, open, close).map((arg) => rewriteTokens(arg).trim());
  if (args.length < 3) return undefined; // PostgreSQL's own decode(bytea, format)
  const [expression, ...pairs] = args;
  let text = 'CASE';
  for (let k = 0; k + 1 < pairs.length; k += 2) {
    text += ` WHEN (${expression}) IS NOT DISTINCT FROM (${pairs[k]}) THEN ${pairs[k + 1]}`;
  }
  if (pairs.length % 2 === 1) text += ` ELSE ${pairs[pairs.length - 1]}`;
  return { text: `${text} END`, next: close + 1 };
}

/** `LISTAGG(x [, delimiter]) [WITHIN GROUP (ORDER BY …)]` → `string_agg((x)::text, delimiter [ORDER BY …])`. */
function rewriteListagg(tokens: readonly SqlToken[], open: number, close: number): Rewrite {
  const args = splitArguments(tokens, open, close).map((arg) => rewriteTokens(arg).trim());
  let value = args[0];
  let distinct = '';
  const distinctMatch = /^distinct\s+/i.exec(value);
  if (distinctMatch) {
    distinct = 'DISTINCT ';
    value = value.slice(distinctMatch[0].length);
  }
  const delimiter = args[1] ?? "''";
  let next = close + 1;
  let orderBy = '';
  const withinIndex = nextSignificant(tokens, next);
  const groupIndex = nextSignificant(tokens, withinIndex + 1);
  const groupOpen = nextSignificant(tokens, groupIndex + 1);
  if (
    keywordOf(tokens[withinIndex]) === 'within' &&
    keywordOf(tokens[groupIndex]) === 'group' &&
    tokens[groupOpen]?.text === '('
  ) {
    const groupClose = matchingParen(tokens, groupOpen);
    orderBy = ` ${rewriteTokens(tokens.slice(groupOpen + 1, groupClose)).trim()}`;
    next = groupClose + 1;
  }
  return { text: `string_agg(${distinct}(${value})::text, ${delimiter}${orderBy})`, next };
}

/** Redshift `IDENTITY(seed, step)` → PostgreSQL identity column options. */
function rewriteIdentity(tokens: readonly SqlToken[], i: number, open: number, close: number): Rewrite | undefined {
  const args = splitArguments(tokens, open, close).map((arg) => rewriteTokens(arg).trim());
  if (args.length !== 2) return undefined;
  const options = `IDENTITY (START WITH ${args[0]} INCREMENT BY ${args[1]})`;
  const afterAs = keywordOf(tokens[previousSignificant(tokens, i)]) === 'as';
  return { text: afterAs ? options : `GENERATED BY DEFAULT AS ${options}`, next: close + 1 };
}

/** `WITH NO SCHEMA BINDING` (late-binding views) is dropped. */
function rewriteNoSchemaBinding(tokens: readonly SqlToken[], afterWith: number): Rewrite | undefined {
  const words = ['no', 'schema', 'binding'];
  let index = afterWith;
  for (const word of words) {
    if (keywordOf(tokens[index]) !== word) return undefined;
    index = nextSignificant(tokens, index + 1);
  }
  return { text: '', next: previousSignificant(tokens, index) + 1 };
}

/** A date part written as a bare word (`day`) becomes a string literal (`'day'`). */
function quoteBareDatePart(arg: SqlToken[]): SqlToken[] {
  const significant = arg.filter((token) => token.kind !== 'whitespace' && token.kind !== 'comment');
  if (significant.length !== 1 || significant[0].kind !== 'word') return arg;
  const word = significant[0];
  return arg.map((token) => (token === word ? { kind: 'string', text: `'${word.text.toLowerCase()}'` } : token));
}

/**
 * The shim functions, idempotent (CREATE OR REPLACE). Run once per database on open.
 * Date parts accept Redshift's abbreviations (d, day, days, mon, month, y, yr, h, hr, m, min, s, sec, …).
 */
export const REDSHIFT_COMPAT_SHIMS_SQL = `
CREATE SCHEMA IF NOT EXISTS ${COMPAT_SCHEMA};

CREATE OR REPLACE FUNCTION ${COMPAT_SCHEMA}.date_part_unit(part text) RETURNS text
LANGUAGE plpgsql IMMUTABLE AS $fn$
BEGIN
  CASE lower(trim(part))
    WHEN 'millennium', 'millennia', 'mil', 'mils' THEN RETURN 'millennium';
    WHEN 'century', 'centuries', 'c', 'cent', 'cents' THEN RETURN 'century';
    WHEN 'decade', 'decades', 'dec', 'decs' THEN RETURN 'decade';
    WHEN 'year', 'years', 'y', 'yr', 'yrs' THEN RETURN 'year';
    WHEN 'quarter', 'quarters', 'qtr', 'qtrs' THEN RETURN 'quarter';
    WHEN 'month', 'months', 'mon', 'mons' THEN RETURN 'month';
    WHEN 'week', 'weeks', 'w' THEN RETURN 'week';
    WHEN 'day', 'days', 'd' THEN RETURN 'day';
    WHEN 'hour', 'hours', 'h', 'hr', 'hrs' THEN RETURN 'hour';
    WHEN 'minute', 'minutes', 'm', 'min', 'mins' THEN RETURN 'minute';
    WHEN 'second', 'seconds', 's', 'sec', 'secs' THEN RETURN 'second';
    WHEN 'millisecond', 'milliseconds', 'ms', 'msec', 'msecs', 'msecond', 'mseconds', 'millisec', 'millisecs', 'millisecon' THEN RETURN 'millisecond';
    WHEN 'microsecond', 'microseconds', 'microsec', 'microsecs', 'microsecond', 'usecond', 'useconds', 'us', 'usec', 'usecs' THEN RETURN 'microsecond';
    ELSE RAISE EXCEPTION 'date part "%" is not supported', part;
  END CASE;
END
$fn$;

CREATE OR REPLACE FUNCTION ${COMPAT_SCHEMA}.date_part_interval(part text) RETURNS interval
LANGUAGE sql IMMUTABLE AS $fn$
  SELECT CASE ${COMPAT_SCHEMA}.date_part_unit(part)
    WHEN 'quarter' THEN interval '3 months'
    ELSE ('1 ' || ${COMPAT_SCHEMA}.date_part_unit(part))::interval
  END
$fn$;

CREATE OR REPLACE FUNCTION ${COMPAT_SCHEMA}.getdate() RETURNS timestamp
LANGUAGE sql STABLE AS $fn$ SELECT date_trunc('second', statement_timestamp() AT TIME ZONE 'UTC') $fn$;

CREATE OR REPLACE FUNCTION ${COMPAT_SCHEMA}.len(value text) RETURNS integer
LANGUAGE sql IMMUTABLE AS $fn$ SELECT length(value) $fn$;

CREATE OR REPLACE FUNCTION ${COMPAT_SCHEMA}.charindex(needle text, haystack text) RETURNS integer
LANGUAGE sql IMMUTABLE AS $fn$ SELECT strpos(haystack, needle) $fn$;

CREATE OR REPLACE FUNCTION ${COMPAT_SCHEMA}.dateadd(part text, amount bigint, value timestamp) RETURNS timestamp
LANGUAGE sql IMMUTABLE AS $fn$ SELECT value + amount * ${COMPAT_SCHEMA}.date_part_interval(part) $fn$;

CREATE OR REPLACE FUNCTION ${COMPAT_SCHEMA}.dateadd(part text, amount bigint, value date) RETURNS timestamp
LANGUAGE sql IMMUTABLE AS $fn$ SELECT value::timestamp + amount * ${COMPAT_SCHEMA}.date_part_interval(part) $fn$;

-- A text overload makes untyped literals ('2024-01-01') resolve to timestamp, as in Redshift, not timestamptz.
CREATE OR REPLACE FUNCTION ${COMPAT_SCHEMA}.dateadd(part text, amount bigint, value text) RETURNS timestamp
LANGUAGE sql STABLE AS $fn$ SELECT value::timestamp + amount * ${COMPAT_SCHEMA}.date_part_interval(part) $fn$;

CREATE OR REPLACE FUNCTION ${COMPAT_SCHEMA}.dateadd(part text, amount bigint, value timestamptz) RETURNS timestamptz
LANGUAGE sql STABLE AS $fn$ SELECT value + amount * ${COMPAT_SCHEMA}.date_part_interval(part) $fn$;

CREATE OR REPLACE FUNCTION ${COMPAT_SCHEMA}.datediff(part text, start_value timestamp, end_value timestamp) RETURNS bigint
LANGUAGE sql IMMUTABLE AS $fn$
  SELECT (CASE ${COMPAT_SCHEMA}.date_part_unit(part)
    WHEN 'millennium' THEN floor(extract(year FROM end_value) / 1000) - floor(extract(year FROM start_value) / 1000)
    WHEN 'century' THEN floor(extract(year FROM end_value) / 100) - floor(extract(year FROM start_value) / 100)
    WHEN 'decade' THEN floor(extract(year FROM end_value) / 10) - floor(extract(year FROM start_value) / 10)
    WHEN 'year' THEN extract(year FROM end_value) - extract(year FROM start_value)
    WHEN 'quarter' THEN (extract(year FROM end_value) * 4 + extract(quarter FROM end_value))
                      - (extract(year FROM start_value) * 4 + extract(quarter FROM start_value))
    WHEN 'month' THEN (extract(year FROM end_value) * 12 + extract(month FROM end_value))
                    - (extract(year FROM start_value) * 12 + extract(month FROM start_value))
    WHEN 'week' THEN (date_trunc('week', end_value)::date - date_trunc('week', start_value)::date) / 7
    WHEN 'day' THEN end_value::date - start_value::date
    WHEN 'hour' THEN extract(epoch FROM date_trunc('hour', end_value) - date_trunc('hour', start_value)) / 3600
    WHEN 'minute' THEN extract(epoch FROM date_trunc('minute', end_value) - date_trunc('minute', start_value)) / 60
    WHEN 'second' THEN extract(epoch FROM date_trunc('second', end_value) - date_trunc('second', start_value))
    WHEN 'millisecond' THEN extract(epoch FROM date_trunc('milliseconds', end_value) - date_trunc('milliseconds', start_value)) * 1000
    ELSE extract(epoch FROM end_value - start_value) * 1000000
  END)::bigint
$fn$;

CREATE OR REPLACE FUNCTION ${COMPAT_SCHEMA}.datediff(part text, start_value date, end_value date) RETURNS bigint
LANGUAGE sql IMMUTABLE AS $fn$ SELECT ${COMPAT_SCHEMA}.datediff(part, start_value::timestamp, end_value::timestamp) $fn$;

CREATE OR REPLACE FUNCTION ${COMPAT_SCHEMA}.datediff(part text, start_value text, end_value text) RETURNS bigint
LANGUAGE sql STABLE AS $fn$ SELECT ${COMPAT_SCHEMA}.datediff(part, start_value::timestamp, end_value::timestamp) $fn$;

CREATE OR REPLACE FUNCTION ${COMPAT_SCHEMA}.datediff(part text, start_value timestamptz, end_value timestamptz) RETURNS bigint
LANGUAGE sql STABLE AS $fn$
  SELECT ${COMPAT_SCHEMA}.datediff(part, start_value AT TIME ZONE 'UTC', end_value AT TIME ZONE 'UTC')
$fn$;
`;

/** Changes whenever the shims change, so an engine can skip reinstalling shims that are already current. */
export const REDSHIFT_COMPAT_SHIMS_VERSION = String(
  [...REDSHIFT_COMPAT_SHIMS_SQL].reduce((hash, char) => (hash * 31 + char.charCodeAt(0)) >>> 0, 7),
);
