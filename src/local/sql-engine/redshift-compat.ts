/**
 * Redshift dialect on PostgreSQL: a pure SQL rewrite plus SQL functions ("shims", see redshift-shims.ts)
 * installed in the `landfall_compat` schema. Rewrites work on tokens (see {@link tokenizeSql}), so they never
 * touch string literals, quoted identifiers, dollar-quoted bodies or comments, and they follow nested
 * parentheses. This file rewrites keywords and clauses (SYSDATE, TOP, MINUS, table attributes, SUPER, …) and hands
 * function calls to redshift-call-rewrites.ts. The coverage table is in src/local/README.md.
 */
import { type Rewrite, VARCHAR_MAX, rewriteCall, rewriteMaxLength, startsQuery } from './redshift-call-rewrites';
import { type SqlToken, keywordOf, matchingParen, nextSignificant, previousSignificant, tokenizeSql } from './sql-tokenizer';

export { COMPAT_SCHEMA, REDSHIFT_COMPAT_SHIMS_SQL, REDSHIFT_COMPAT_SHIMS_VERSION } from './redshift-shims';

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

function rewriteAt(tokens: readonly SqlToken[], i: number): Rewrite | undefined {
  const keyword = keywordOf(tokens[i]);
  if (keyword === undefined) return undefined;
  const previous = tokens[previousSignificant(tokens, i)];
  if (previous?.kind === 'punctuation' && previous.text === '.') return undefined; // qualified name: not ours
  const afterIndex = nextSignificant(tokens, i + 1);
  const after = tokens[afterIndex];
  const isCall = after?.kind === 'punctuation' && after.text === '(';
  const afterKeyword = keywordOf(after);

  if (isCall) return rewriteCall({ tokens, i, open: afterIndex, close: matchingParen(tokens, afterIndex), rewrite: rewriteTokens }, keyword);

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

