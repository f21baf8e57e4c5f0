/**
 * Redshift function calls rewritten for PostgreSQL (the rest of the dialect is in redshift-compat.ts): calls of the
 * shims in {@link COMPAT_SCHEMA} schema-qualified, and the calls PostgreSQL spells otherwise (NVL2, DECODE, LISTAGG,
 * MEDIAN, RATIO_TO_REPORT, CONVERT, DATE_PART names, `VARCHAR(MAX)`, …) rewritten. Arguments are rewritten with the
 * caller's `rewrite`, so nested Redshift syntax is handled too.
 */
import { COMPAT_SCHEMA, DATE_PART_ALIASES, EXTRACT_ONLY_DATE_PARTS } from './redshift-shims';
import { type SqlToken, isTrivia, keywordOf, matchingParen, nextSignificant, previousSignificant, splitArguments } from './sql-tokenizer';

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

/** Redshift's longest VARCHAR and CHAR, which `(MAX)` stands for. */
export const VARCHAR_MAX = 65535;
const CHAR_MAX = 4096;

export interface Rewrite {
  text: string;
  /** Index of the first token after the rewritten span. */
  next: number;
}

export interface Call {
  tokens: readonly SqlToken[];
  /** Rewrites a span of tokens (an argument, a window, an ORDER BY) with every Redshift rewrite. */
  rewrite: (tokens: readonly SqlToken[]) => string;
  /** Index of the function name. */
  i: number;
  /** Indexes of the call's parentheses. */
  open: number;
  close: number;
}

/** Calls rewritten by something other than schema qualification, by lower-case function name. */
const CALL_REWRITES: Readonly<Record<string, (call: Call) => Rewrite | undefined>> = {
  nvl: ({ i }) => ({ text: 'coalesce', next: i + 1 }),
  nvl2: rewriteNvl2,
  decode: rewriteDecode,
  listagg: rewriteListagg,
  identity: rewriteIdentity,
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
function rewrittenArguments({ tokens, open, close, rewrite }: Call): string[] {
  return splitArguments(tokens, open, close).map((arg) => rewrite(arg).trim());
}

/**
 * `DATE_TRUNC(month, d)`, `DATEPART(dow, d)`, `DATE_PART('qtr', d)`: a bare date part is quoted and Redshift's
 * names are mapped to PostgreSQL's (`dayofweek` → `dow`). DATE_TRUNC stays PostgreSQL's own function.
 */
function rewriteDatePartCall({ tokens, open, close, rewrite }: Call, name: string): Rewrite {
  const [part, ...rest] = splitArguments(tokens, open, close);
  const significant = part.filter((token) => !isTrivia(token));
  let partText = rewrite(part);
  if (significant.length === 1) {
    const token = significant[0];
    const word = token.kind === 'word' ? token.text.toLowerCase() : token.kind === 'string' ? /^'([^']*)'$/.exec(token.text)?.[1]?.toLowerCase() : undefined;
    const postgresPart = word === undefined ? undefined : POSTGRES_DATE_PART.get(word);
    if (postgresPart) partText = part.map((t) => (t === token ? `'${postgresPart}'` : t.text)).join('');
  }
  return { text: `${name}(${[partText, ...rest.map(rewrite)].join(',')})`, next: close + 1 };
}

/** `MEDIAN(x)` → `percentile_cont(0.5) WITHIN GROUP (ORDER BY x)`. As a window function (`OVER`) it is left alone. */
function rewriteMedian(call: Call): Rewrite | undefined {
  const { tokens, close } = call;
  const args = rewrittenArguments(call);
  if (args.length !== 1 || keywordOf(tokens[nextSignificant(tokens, close + 1)]) === 'over') return undefined;
  return { text: `percentile_cont(0.5) WITHIN GROUP (ORDER BY ${args[0]})`, next: close + 1 };
}

/** `RATIO_TO_REPORT(x) OVER (…)` → `x` divided by its window sum, as a float8 (NULL when the sum is 0). */
function rewriteRatioToReport(call: Call): Rewrite | undefined {
  const { tokens, close, rewrite } = call;
  const args = rewrittenArguments(call);
  const overIndex = nextSignificant(tokens, close + 1);
  const windowOpen = nextSignificant(tokens, overIndex + 1);
  if (args.length !== 1 || keywordOf(tokens[overIndex]) !== 'over' || tokens[windowOpen]?.text !== '(') return undefined;
  const windowClose = matchingParen(tokens, windowOpen);
  const window = rewrite(tokens.slice(windowOpen + 1, windowClose)).trim();
  return {
    text: `((${args[0]})::float8 / NULLIF(sum(${args[0]}) OVER (${window}), 0))`,
    next: windowClose + 1,
  };
}

/** `JSON_EXTRACT_PATH_TEXT(json, 'a', 'b' [, null_if_invalid])`: the shim takes the flag before the path. */
function rewriteJsonExtractPathText(call: Call): Rewrite | undefined {
  const { close } = call;
  const args = rewrittenArguments(call);
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
function rewriteConvert(call: Call): Rewrite | undefined {
  const { close } = call;
  const args = rewrittenArguments(call);
  if (args.length !== 2) return undefined;
  return { text: `CAST(${args[1]} AS ${args[0]})`, next: close + 1 };
}

/** `VARCHAR(MAX)` / `CHAR(MAX)` (the type word at `typeIndex`) → Redshift's longest length. */
export function rewriteMaxLength(tokens: readonly SqlToken[], typeIndex: number, type: string, length: number): Rewrite | undefined {
  const open = nextSignificant(tokens, typeIndex + 1);
  if (tokens[open]?.text !== '(') return undefined;
  const max = nextSignificant(tokens, open + 1);
  const close = nextSignificant(tokens, max + 1);
  if (keywordOf(tokens[max]) !== 'max' || tokens[close]?.text !== ')') return undefined;
  return { text: `${type}(${length})`, next: close + 1 };
}

/** Whether a query starts at `index` (`SELECT …` or `(SELECT …`), as after Redshift's MINUS. */
export function startsQuery(tokens: readonly SqlToken[], index: number): boolean {
  const token = tokens[index];
  if (keywordOf(token) === 'select') return true;
  return token?.text === '(' && keywordOf(tokens[nextSignificant(tokens, index + 1)]) === 'select';
}

/** `NVL2(expr, if_not_null, if_null)` → a CASE (a function could not take an untyped NULL as `expr`). */
function rewriteNvl2(call: Call): Rewrite | undefined {
  const { close } = call;
  const args = rewrittenArguments(call);
  if (args.length !== 3) return undefined;
  return { text: `CASE WHEN (${args[0]}) IS NOT NULL THEN ${args[1]} ELSE ${args[2]} END`, next: close + 1 };
}

/** `DECODE(expr, search, result [, search, result]… [, default])` → a CASE that treats NULLs as equal. */
function rewriteDecode(call: Call): Rewrite | undefined {
  const { close } = call;
  const args = rewrittenArguments(call);
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
function rewriteListagg(call: Call): Rewrite {
  const { tokens, close, rewrite } = call;
  const args = rewrittenArguments(call);
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
    orderBy = ` ${rewrite(tokens.slice(groupOpen + 1, groupClose)).trim()}`;
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
function rewriteIdentity(call: Call): Rewrite | undefined {
  const { tokens, i, close } = call;
  const args = rewrittenArguments(call);
  if (args.length !== 2) return undefined;
  // PostgreSQL's sequences start at 1 by default: a seed of 0 (Redshift's documented example) needs a bound.
  const bound = args[1].startsWith('-') ? 'MAXVALUE' : 'MINVALUE';
  const options = `IDENTITY (START WITH ${args[0]} INCREMENT BY ${args[1]} ${bound} ${args[0]})`;
  const afterAs = keywordOf(tokens[previousSignificant(tokens, i)]) === 'as';
  return { text: afterAs ? options : `GENERATED BY DEFAULT AS ${options}`, next: close + 1 };
}

/** A date part written as a bare word (`day`) becomes a string literal (`'day'`). */
function quoteBareDatePart(arg: SqlToken[]): SqlToken[] {
  const significant = arg.filter((token) => token.kind !== 'whitespace' && token.kind !== 'comment');
  if (significant.length !== 1 || significant[0].kind !== 'word') return arg;
  const word = significant[0];
  return arg.map((token) => (token === word ? { kind: 'string', text: `'${word.text.toLowerCase()}'` } : token));
}

/**
 * The rewrite of the call whose name (lower case) is `name`, or undefined when PostgreSQL takes it as written.
 * @example
 * rewriteCall({ tokens, i, open, close, rewrite }, 'dateadd'); // landfall_compat.dateadd('day', 1, d)
 */
export function rewriteCall(call: Call, name: string): Rewrite | undefined {
  const special = CALL_REWRITES[name];
  if (special) return special(call);
  if (!SHIMMED_FUNCTIONS.has(name)) return undefined;
  const args = splitArguments(call.tokens, call.open, call.close);
  if (DATE_PART_FUNCTIONS.has(name)) args[0] = quoteBareDatePart(args[0]);
  return { text: `${COMPAT_SCHEMA}.${name}(${args.map(call.rewrite).join(',')})`, next: call.close + 1 };
}
