/**
 * Redshift dialect on PostgreSQL: a pure SQL rewrite plus SQL functions ("shims", see redshift-shims.ts)
 * installed in the `landfall_compat` schema. Rewrites work on tokens (see {@link tokenizeSql}), so they never
 * touch string literals, quoted identifiers, dollar-quoted bodies or comments, and they follow nested
 * parentheses. The coverage table is in src/local/README.md.
 */
import { COMPAT_SCHEMA, DATE_PART_ALIASES, EXTRACT_ONLY_DATE_PARTS } from './redshift-shims';
import {
  type SqlToken,
  isTrivia,
  keywordOf,
  matchingParen,
  nextSignificant,
  previousSignificant,
  splitArguments,
  tokenizeSql,
} from './sql-tokenizer';

export { COMPAT_SCHEMA, REDSHIFT_COMPAT_SHIMS_SQL, REDSHIFT_COMPAT_SHIMS_VERSION } from './redshift-shims';

/** Redshift functions implemented as SQL functions in {@link COMPAT_SCHEMA}; calls are schema-qualified. */
const SHIMMED_FUNCTIONS = new Set([
  'getdate', 'dateadd', 'datediff', 'len', 'charindex', 'convert_timezone', 'trunc', 'add_months', 'last_day',
  'months_between', 'strtol', 'is_valid_json', 'is_valid_json_array', 'json_extract_array_element_text',
  'json_array_length', 'json_parse', 'json_serialize', 'regexp_substr', 'regexp_replace', 'pg_get_late_binding_view_cols', 'default_iam_role',
]);

/** Functions whose first argument is a date part that Redshift accepts unquoted (`dateadd(day, 1, d)`). */
const DATE_PART_FUNCTIONS = new Set(['dateadd', 'datediff']);

/** Redshift date part names → the name PostgreSQL's DATE_TRUNC/DATE_PART understand. */
const POSTGRES_DATE_PART = new Map<string, string>([
  ...Object.entries(DATE_PART_ALIASES).flatMap(([unit, names]) => names.map((name): [string, string] => [name, unit])),
  ...Object.entries(EXTRACT_ONLY_DATE_PARTS),
]);

/** Words after which `SUPER` names a column's type in CREATE/ALTER TABLE. */
const COLUMN_DEFINITION_FOLLOWERS = new Set([
  ',', ')', ';', 'not', 'null', 'default', 'encode', 'primary', 'unique', 'references', 'constraint', 'check', 'collate',
]);

const SET_OPERATORS = new Set(['union', 'intersect', 'except', 'minus']);

const DISTRIBUTION_STYLES = new Set(['auto', 'even', 'key', 'all']);
const COLUMN_ENCODINGS = new Set([
  'auto', 'raw', 'az64', 'bytedict', 'delta', 'delta32k', 'lzo', 'mostly8', 'mostly16', 'mostly32',
  'runlength', 'text255', 'text32k', 'zstd',
]);

/** Redshift's longest VARCHAR and CHAR, which `(MAX)` stands for. */
const VARCHAR_MAX = 65535;
const CHAR_MAX = 4096;

/** SYSDATE: the start of the current transaction in UTC, as a timestamp without time zone. */
const SYSDATE_SQL = "(transaction_timestamp() AT TIME ZONE 'UTC')";

/**
 * Rewrites Redshift-only syntax into PostgreSQL that works with the shims of {@link REDSHIFT_COMPAT_SHIMS_SQL}.
 * SQL without Redshift-only syntax comes back unchanged.
 *
 * @example
 * rewriteRedshiftSql("select dateadd(day, 1, sysdate)");
 * // "select landfall_compat.dateadd('day', 1, (transaction_timestamp() AT TIME ZONE 'UTC'))"
 * rewriteRedshiftSql('select top 5 name from t order by name');
 * // "select name from t order by name LIMIT 5"
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
    const rewriteCall = CALL_REWRITES[keyword];
    if (rewriteCall) return rewriteCall({ tokens, i, open: afterIndex, close });
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
    case 'approximate':
      return afterKeyword === 'count' || afterKeyword === 'percentile_disc' ? { text: '', next: afterIndex } : undefined;
    case 'select':
      return rewriteTop(tokens, i, afterIndex);
    case 'minus':
      return startsQuery(tokens, afterIndex) ? { text: 'EXCEPT', next: i + 1 } : undefined;
    case 'nvarchar':
      return { text: 'varchar', next: i + 1 };
    case 'character':
      return afterKeyword === 'varying' ? rewriteMaxLength(tokens, afterIndex, 'varchar', VARCHAR_MAX) : undefined;
    case 'super':
      return isTypePosition(tokens, i) ? { text: 'jsonb', next: i + 1 } : undefined;
    default:
      return undefined;
  }
}

interface Call {
  tokens: readonly SqlToken[];
  /** Index of the function name. */
  i: number;
  /** Indexes of the call's parentheses. */
  open: number;
  close: number;
}

/** Calls rewritten by something other than schema qualification, by lower-case function name. */
const CALL_REWRITES: Readonly<Record<string, (call: Call) => Rewrite | undefined>> = {
  nvl: ({ i }) => ({ text: 'coalesce', next: i + 1 }),
  nvl2: ({ tokens, open, close }) => rewriteNvl2(tokens, open, close),
  decode: ({ tokens, open, close }) => rewriteDecode(tokens, open, close),
  listagg: ({ tokens, open, close }) => rewriteListagg(tokens, open, close),
  identity: ({ tokens, i, open, close }) => rewriteIdentity(tokens, i, open, close),
  distkey: ({ close }) => ({ text: '', next: close + 1 }),
  sortkey: ({ close }) => ({ text: '', next: close + 1 }),
  date_trunc: (call) => rewriteDatePartCall(call, 'date_trunc'),
  date_part: (call) => rewriteDatePartCall(call, 'date_part'),
  datepart: (call) => rewriteDatePartCall(call, 'date_part'),
  median: rewriteMedian,
  ratio_to_report: rewriteRatioToReport,
  json_extract_path_text: rewriteJsonExtractPathText,
  convert: rewriteConvert,
  minus: ({ tokens, i, open }) => (startsQuery(tokens, open) ? { text: 'EXCEPT', next: i + 1 } : undefined),
  varchar: ({ tokens, i }) => rewriteMaxLength(tokens, i, 'varchar', VARCHAR_MAX),
  nvarchar: ({ tokens, i }) => rewriteMaxLength(tokens, i, 'varchar', VARCHAR_MAX) ?? { text: 'varchar', next: i + 1 },
  char: ({ tokens, i }) => rewriteMaxLength(tokens, i, 'char', CHAR_MAX),
  nchar: ({ tokens, i }) => rewriteMaxLength(tokens, i, 'char', CHAR_MAX),
  character: ({ tokens, i }) => rewriteMaxLength(tokens, i, 'char', CHAR_MAX),
  bpchar: ({ tokens, i }) => rewriteMaxLength(tokens, i, 'char', CHAR_MAX),
};

/** The call's arguments, each rewritten and trimmed. */
function rewrittenArguments(tokens: readonly SqlToken[], open: number, close: number): string[] {
  return splitArguments(tokens, open, close).map((arg) => rewriteTokens(arg).trim());
}

/**
 * `DATE_TRUNC(month, d)`, `DATEPART(dow, d)`, `DATE_PART('qtr', d)`: a bare date part is quoted and Redshift's
 * names are mapped to PostgreSQL's (`dayofweek` → `dow`). DATE_TRUNC stays PostgreSQL's own function.
 */
function rewriteDatePartCall({ tokens, open, close }: Call, name: string): Rewrite {
  const [part, ...rest] = splitArguments(tokens, open, close);
  const significant = part.filter((token) => !isTrivia(token));
  let partText = rewriteTokens(part);
  if (significant.length === 1) {
    const token = significant[0];
    const word = token.kind === 'word' ? token.text.toLowerCase() : token.kind === 'string' ? /^'([^']*)'$/.exec(token.text)?.[1]?.toLowerCase() : undefined;
    const postgresPart = word === undefined ? undefined : POSTGRES_DATE_PART.get(word);
    if (postgresPart) partText = part.map((t) => (t === token ? `'${postgresPart}'` : t.text)).join('');
  }
  return { text: `${name}(${[partText, ...rest.map(rewriteTokens)].join(',')})`, next: close + 1 };
}

/** `MEDIAN(x)` → `percentile_cont(0.5) WITHIN GROUP (ORDER BY x)`. As a window function (`OVER`) it is left alone. */
function rewriteMedian({ tokens, open, close }: Call): Rewrite | undefined {
  const args = rewrittenArguments(tokens, open, close);
  if (args.length !== 1 || keywordOf(tokens[nextSignificant(tokens, close + 1)]) === 'over') return undefined;
  return { text: `percentile_cont(0.5) WITHIN GROUP (ORDER BY ${args[0]})`, next: close + 1 };
}

/** `RATIO_TO_REPORT(x) OVER (…)` → `x` divided by its window sum, as a float8 (NULL when the sum is 0). */
function rewriteRatioToReport({ tokens, open, close }: Call): Rewrite | undefined {
  const args = rewrittenArguments(tokens, open, close);
  const overIndex = nextSignificant(tokens, close + 1);
  const windowOpen = nextSignificant(tokens, overIndex + 1);
  if (args.length !== 1 || keywordOf(tokens[overIndex]) !== 'over' || tokens[windowOpen]?.text !== '(') return undefined;
  const windowClose = matchingParen(tokens, windowOpen);
  const window = rewriteTokens(tokens.slice(windowOpen + 1, windowClose)).trim();
  return {
    text: `((${args[0]})::float8 / NULLIF(sum(${args[0]}) OVER (${window}), 0))`,
    next: windowClose + 1,
  };
}

/** `JSON_EXTRACT_PATH_TEXT(json, 'a', 'b' [, null_if_invalid])`: the shim takes the flag before the path. */
function rewriteJsonExtractPathText({ tokens, open, close }: Call): Rewrite | undefined {
  const args = rewrittenArguments(tokens, open, close);
  const last = args[args.length - 1].toLowerCase();
  const hasFlag = last === 'true' || last === 'false';
  const [value, ...path] = hasFlag ? args.slice(0, -1) : args;
  if (path.length === 0) return undefined;
  return {
    text: `${COMPAT_SCHEMA}.json_extract_path_text(${value}, ${hasFlag ? last : 'false'}, ${path.join(', ')})`,
    next: close + 1,
  };
}

/** Redshift's `CONVERT(type, expr)` → `CAST(expr AS type)`. PostgreSQL's three-argument convert is left alone. */
function rewriteConvert({ tokens, open, close }: Call): Rewrite | undefined {
  const args = rewrittenArguments(tokens, open, close);
  if (args.length !== 2) return undefined;
  return { text: `CAST(${args[1]} AS ${args[0]})`, next: close + 1 };
}

/** `VARCHAR(MAX)` / `CHAR(MAX)` (the type word at `typeIndex`) → Redshift's longest length. */
function rewriteMaxLength(tokens: readonly SqlToken[], typeIndex: number, type: string, length: number): Rewrite | undefined {
  const open = nextSignificant(tokens, typeIndex + 1);
  if (tokens[open]?.text !== '(') return undefined;
  const max = nextSignificant(tokens, open + 1);
  const close = nextSignificant(tokens, max + 1);
  if (keywordOf(tokens[max]) !== 'max' || tokens[close]?.text !== ')') return undefined;
  return { text: `${type}(${length})`, next: close + 1 };
}

/**
 * `SELECT TOP n …` → `SELECT … LIMIT n`, the LIMIT placed at the end of that SELECT (before a closing
 * parenthesis, a semicolon or trailing comments). A TOP followed by UNION/INTERSECT/EXCEPT is left alone.
 */
function rewriteTop(tokens: readonly SqlToken[], selectIndex: number, topIndex: number): Rewrite | undefined {
  const countIndex = nextSignificant(tokens, topIndex + 1);
  if (keywordOf(tokens[topIndex]) !== 'top' || tokens[countIndex]?.kind !== 'number') return undefined;
  if (followsSetOperator(tokens, selectIndex)) return undefined;
  let depth = 0;
  let end = tokens.length;
  for (let k = countIndex + 1; k < tokens.length; k++) {
    const token = tokens[k];
    if (token.kind === 'punctuation' && token.text === '(') depth++;
    else if (token.kind === 'punctuation' && token.text === ')' && depth-- === 0) {
      end = k;
      break;
    } else if (depth === 0 && token.kind === 'punctuation' && token.text === ';') {
      end = k;
      break;
    } else if (depth === 0 && SET_OPERATORS.has(keywordOf(token) ?? '')) return undefined;
  }
  const lastSignificant = previousSignificant(tokens, end);
  const body = rewriteTokens(tokens.slice(countIndex + 1, lastSignificant + 1));
  const trailing = tokens.slice(lastSignificant + 1, end).map((token) => token.text).join('');
  return { text: `${tokens[selectIndex].text}${body} LIMIT ${tokens[countIndex].text}${trailing}`, next: end };
}

/** Whether the SELECT at `selectIndex` is a later branch of UNION/INTERSECT/EXCEPT (`union all select`). */
function followsSetOperator(tokens: readonly SqlToken[], selectIndex: number): boolean {
  let index = previousSignificant(tokens, selectIndex);
  if (tokens[index]?.text === '(') index = previousSignificant(tokens, index);
  const word = keywordOf(tokens[index]);
  if (word === 'all' || word === 'distinct') return SET_OPERATORS.has(keywordOf(tokens[previousSignificant(tokens, index)]) ?? '');
  return SET_OPERATORS.has(word ?? '');
}

/** Whether a query starts at `index` (`SELECT …` or `(SELECT …`), as after Redshift's MINUS. */
function startsQuery(tokens: readonly SqlToken[], index: number): boolean {
  const token = tokens[index];
  if (keywordOf(token) === 'select') return true;
  return token?.text === '(' && keywordOf(tokens[nextSignificant(tokens, index + 1)]) === 'select';
}

/**
 * Whether the word at `i` stands where a type goes: after `::`, as `CAST(x AS super)`, or after a column
 * name in CREATE/ALTER TABLE.
 */
function isTypePosition(tokens: readonly SqlToken[], i: number): boolean {
  const previous = tokens[previousSignificant(tokens, i)];
  const next = tokens[nextSignificant(tokens, i + 1)];
  if (previous?.kind === 'operator' && previous.text === '::') return true;
  if (keywordOf(previous) === 'as') return next?.text === ')';
  const isColumnName = previous?.kind === 'word' || previous?.kind === 'quoted-identifier';
  const followsColumn = next === undefined || COLUMN_DEFINITION_FOLLOWERS.has(next.kind === 'word' ? next.text.toLowerCase() : next.text);
  if (!isColumnName || !followsColumn) return false;
  const statement = statementKeyword(tokens, i);
  return statement === 'create' || statement === 'alter';
}

/** The first word of the statement that holds token `i`. */
function statementKeyword(tokens: readonly SqlToken[], i: number): string | undefined {
  let start = i;
  while (start > 0 && !(tokens[start - 1].kind === 'punctuation' && tokens[start - 1].text === ';')) start--;
  return keywordOf(tokens[nextSignificant(tokens, start)]);
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
  // LISTAGG(DISTINCT x) … ORDER BY x: PostgreSQL wants the ORDER BY expression to be the argument itself, (x)::text.
  const ordered = /^ order\s+by\s+([\s\S]*?)(\s+(?:asc|desc))?(\s+nulls\s+(?:first|last))?$/i.exec(orderBy);
  const normalized = (text: string) => text.replace(/\s+/g, ' ').trim().toLowerCase();
  if (distinct && ordered && normalized(ordered[1]!) === normalized(value)) {
    orderBy = ` ORDER BY (${value})::text${ordered[2] ?? ''}${ordered[3] ?? ''}`;
  }
  return { text: `string_agg(${distinct}(${value})::text, ${delimiter}${orderBy})`, next };
}

/** Redshift `IDENTITY(seed, step)` → PostgreSQL identity column options. */
function rewriteIdentity(tokens: readonly SqlToken[], i: number, open: number, close: number): Rewrite | undefined {
  const args = splitArguments(tokens, open, close).map((arg) => rewriteTokens(arg).trim());
  if (args.length !== 2) return undefined;
  // PostgreSQL's sequences start at 1 by default: a seed of 0 (Redshift's documented example) needs a bound.
  const bound = args[1].startsWith('-') ? 'MAXVALUE' : 'MINVALUE';
  const options = `IDENTITY (START WITH ${args[0]} INCREMENT BY ${args[1]} ${bound} ${args[0]})`;
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
