/**
 * Strict Redshift mode, the part that needs no catalog: SQL that PostgreSQL runs but Redshift refuses, found on
 * tokens (never inside literals, quoted identifiers or comments) and answered with Redshift's error text. Each rule
 * names the Redshift documentation page it follows; the list is in src/local/README.md.
 * The catalog-dependent rules (dist/sort key columns, replacing a view's columns) are in redshift-strict.ts.
 */
import { type SqlToken, keywordOf, matchingParen, nextSignificant, previousSignificant, tokenizeSql } from './sql-tokenizer';

/** A statement Redshift would refuse: its error text (without `ERROR: `) and the rule's documentation page. */
export interface RedshiftRejection {
  message: string;
  doc: string;
}

const DOCS = 'https://docs.aws.amazon.com/redshift/latest/dg/';

/**
 * PostgreSQL functions Redshift lacks (c_unsupported-postgresql-functions, "These PostgreSQL functions are not
 * supported in Amazon Redshift"), minus names Redshift has a function of its own for (CONVERT, DECODE).
 */
const UNSUPPORTED_FUNCTIONS = new Set([
  'string_agg', 'array_agg', 'every', 'xmlagg', 'xml_agg', 'corr', 'covar_pop', 'covar_samp', 'regr_avgx', 'regr_avgy',
  'regr_count', 'regr_intercept', 'regr_r2', 'regr_slope', 'regr_sxx', 'regr_sxy', 'regr_syy', 'clock_timestamp',
  'justify_days', 'justify_hours', 'justify_interval', 'pg_sleep', 'transaction_timestamp', 'div', 'setseed',
  'width_bucket', 'generate_subscripts', 'bit_length', 'overlay', 'convert_from', 'convert_to', 'to_ascii',
  'array_to_string', 'string_to_array', 'array_length', 'array_append', 'array_cat', 'unnest', 'array_position',
  'jsonb_build_object', 'json_build_object', 'jsonb_agg', 'json_agg', 'jsonb_object_agg', 'json_object_agg',
  'to_regclass', 'pg_advisory_lock', 'pg_advisory_xact_lock', 'regexp_matches', 'regexp_split_to_table',
  'regexp_split_to_array', 'jsonb_array_elements', 'json_array_elements', 'jsonb_each', 'json_each', 'jsonb_set',
  'jsonb_extract_path', 'jsonb_extract_path_text', 'json_extract_path', 'jsonb_typeof', 'to_jsonb', 'to_json',
  'row_to_json', 'array_remove', 'array_prepend', 'cardinality', 'gen_random_uuid', 'uuid_generate_v4', 'nextval',
  'currval', 'setval', 'format', 'string_to_table', 'xmlelement', 'xmlforest',
]);

/** Deprecated leader-node-only date functions written without parentheses, and those called (c_SQL_functions_leader_node_only). */
const LEADER_NODE_ONLY_CLOCKS = new Set(['current_timestamp', 'current_time', 'localtime']);
const LEADER_NODE_ONLY_CALLS = new Set(['now', 'age', 'isfinite']);

/** PostgreSQL types Redshift lacks (c_unsupported-postgresql-datatypes), as written after `::` or in CAST(… AS …). */
const UNSUPPORTED_TYPES = new Set([
  'json', 'jsonb', 'uuid', 'bytea', 'money', 'inet', 'cidr', 'macaddr', 'xml', 'tsvector', 'tsquery', 'hstore',
  'serial', 'bigserial', 'smallserial', 'serial4', 'serial8', 'bit', 'varbit', 'regclass', 'oid', 'point', 'line',
  'box', 'polygon', 'circle', 'int4range', 'int8range', 'numrange', 'tsrange', 'tstzrange', 'daterange', 'txid_snapshot',
]);

const syntaxError = (token: SqlToken | undefined, doc: string): RedshiftRejection => ({
  message: token ? `syntax error at or near "${token.text}"` : 'syntax error at end of input',
  doc,
});

/** Splits tokens into statements on top-level `;` (each without its `;`). */
export function splitStatements(tokens: readonly SqlToken[]): SqlToken[][] {
  const statements: SqlToken[][] = [[]];
  let depth = 0;
  for (const token of tokens) {
    if (token.kind === 'punctuation' && token.text === '(') depth++;
    if (token.kind === 'punctuation' && token.text === ')') depth--;
    if (depth === 0 && token.kind === 'punctuation' && token.text === ';') statements.push([]);
    else statements[statements.length - 1]!.push(token);
  }
  return statements.filter((s) => s.some((t) => t.kind !== 'whitespace' && t.kind !== 'comment'));
}

/** The lower-cased keywords of the significant tokens from `from` on, for matching statement shapes. */
export function significantWords(tokens: readonly SqlToken[], from = 0, count = 8): (string | undefined)[] {
  const words: (string | undefined)[] = [];
  for (let i = nextSignificant(tokens, from); i < tokens.length && words.length < count; i = nextSignificant(tokens, i + 1)) {
    words.push(keywordOf(tokens[i]) ?? tokens[i]!.text);
  }
  return words;
}

const isPunctuation = (token: SqlToken | undefined, text: string) => token?.kind === 'punctuation' && token.text === text;

/** After a (possibly qualified) name starting at `i`: the index of the first significant token past it. */
export function skipQualifiedName(tokens: readonly SqlToken[], i: number): number {
  let at = nextSignificant(tokens, i);
  for (;;) {
    const token = tokens[at];
    if (!token || (token.kind !== 'word' && token.kind !== 'quoted-identifier')) return at;
    const next = nextSignificant(tokens, at + 1);
    if (!isPunctuation(tokens[next], '.')) return next;
    at = nextSignificant(tokens, next + 1);
  }
}

/**
 * The first thing in `sql` Redshift would refuse, or undefined. `inTransactionBlock`: the statement runs inside a
 * transaction (a BatchExecuteStatement, which the Data API runs as one transaction, or after BEGIN).
 *
 * @example
 * findRedshiftRejection('merge into t as d using s on d.id = s.id when matched then delete', { inTransactionBlock: false })
 * // { message: 'syntax error at or near "as"', doc: '…/r_MERGE.html' }
 */
export function findRedshiftRejection(sql: string, context: { inTransactionBlock: boolean }): RedshiftRejection | undefined {
  let inBlock = context.inTransactionBlock;
  for (const statement of splitStatements(tokenizeSql(sql))) {
    const [first, second] = significantWords(statement, 0, 2);
    if (first === 'begin' || (first === 'start' && second === 'transaction')) inBlock = true;
    const rejection = rejectStatement(statement, inBlock);
    if (rejection) return rejection;
    if (first === 'commit' || first === 'end' || first === 'rollback' || first === 'abort') inBlock = context.inTransactionBlock;
  }
  return undefined;
}

function rejectStatement(tokens: readonly SqlToken[], inTransactionBlock: boolean): RedshiftRejection | undefined {
  const words = significantWords(tokens, 0, 6);
  const start = nextSignificant(tokens, 0);
  if (words[0] === 'merge') {
    const rejection = rejectMerge(tokens, start);
    if (rejection) return rejection;
  }
  if (words[0] === 'alter' && words[1] === 'table') {
    const rejection = rejectAlterColumnType(tokens, start, inTransactionBlock);
    if (rejection) return rejection;
  }
  if (words[0] === 'create' && (words[1] === 'index' || (words[1] === 'unique' && words[2] === 'index'))) {
    return { message: 'CREATE INDEX is not supported', doc: `${DOCS}c_unsupported-postgresql-features.html` };
  }
  if (words[0] === 'do') return syntaxError(tokens[start], `${DOCS}c_SQL_commands.html`);
  if (words[0] === 'create') {
    const what = words.slice(1).find((w) => !['or', 'replace', 'temp', 'temporary', 'unlogged', 'unique', 'local', 'global', 'recursive'].includes(w ?? '')) ?? '';
    if (['sequence', 'extension', 'trigger', 'type', 'rule', 'domain', 'tablespace', 'collation', 'publication', 'subscription', 'policy'].includes(what)
      || (what === 'table' && words.includes('unlogged'))) {
      return { message: `CREATE ${words.slice(1, words.indexOf(what) + 1).join(' ').toUpperCase()} is not supported`, doc: `${DOCS}c_unsupported-postgresql-features.html` };
    }
    if (what === 'table') {
      const rejection = rejectTableDefinition(tokens, start);
      if (rejection) return rejection;
    }
  }
  if (words[0] === 'listen' || words[0] === 'notify' || words[0] === 'unlisten') return syntaxError(tokens[start], `${DOCS}c_SQL_commands.html`);
  if (words[0] === 'create' && (words.includes('function'))) {
    const rejection = rejectFunctionLanguage(tokens);
    if (rejection) return rejection;
  }
  const referencesTable = /\b(from|join|into|update|table)\b/.test(words.join(' ')) || tokens.some((t) => ['from', 'join'].includes(keywordOf(t) ?? ''));
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    const keyword = keywordOf(token);
    if (token.kind === 'operator' && token.text === ':' && tokens[i + 1]?.text === ':') continue;
    if (token.kind === 'operator' && token.text === '::') {
      const typeIndex = nextSignificant(tokens, i + 1);
      const rejection = rejectType(tokens, typeIndex);
      if (rejection) return rejection;
      continue;
    }
    if (keyword === undefined) continue;
    const previous = tokens[previousSignificant(tokens, i)];
    if (isPunctuation(previous, '.')) continue; // a qualified name's part, e.g. t.every
    const nextIndex = nextSignificant(tokens, i + 1);
    const next = tokens[nextIndex];
    const nextKeyword = keywordOf(next);
    const isCall = isPunctuation(next, '(');

    if (isCall && UNSUPPORTED_FUNCTIONS.has(keyword)) {
      return { message: `function ${keyword} does not exist (Amazon Redshift does not support the PostgreSQL function ${keyword.toUpperCase()}())`, doc: `${DOCS}c_unsupported-postgresql-functions.html` };
    }
    const writesTable = ['insert', 'create', 'update', 'delete', 'merge'].includes(words[0] ?? '');
    // CURRENT_TIMESTAMP, NOW(), … are deprecated leader-node-only functions: with a user table in the query (or
    // writing one) Redshift refuses them (c_SQL_functions_leader_node_only.html); GETDATE()/SYSDATE run on compute nodes.
    if ((writesTable || referencesTable) && (LEADER_NODE_ONLY_CLOCKS.has(keyword) || (isCall && LEADER_NODE_ONLY_CALLS.has(keyword)))) {
      return { message: 'Specified types or functions (one per INFO message) not supported on Redshift tables.', doc: `${DOCS}c_SQL_functions_leader_node_only.html` };
    }
    if (isCall && keyword === 'generate_series' && (writesTable || (referencesTable && tokens.some((t, j) => j !== i && ['from', 'join'].includes(keywordOf(t) ?? '') && !isGenerateSeriesSource(tokens, j))))) {
      // generate_series runs on the leader node only: with a table in the query Redshift refuses it.
      return { message: 'Specified types or functions (one per INFO message) not supported on Redshift tables.', doc: `${DOCS}c_sql-functions-leader-node.html` };
    }
    if (isCall && keyword === 'cast') {
      const close = matchingParen(tokens, nextIndex);
      for (let j = close - 1; j > nextIndex; j--) {
        if (keywordOf(tokens[j]) === 'as') {
          const rejection = rejectType(tokens, nextSignificant(tokens, j + 1));
          if (rejection) return rejection;
          break;
        }
      }
    }
    if (keyword === 'filter' && isPunctuation(next, '(') && keywordOf(tokens[nextSignificant(tokens, nextIndex + 1)]) === 'where' && isPunctuation(previous, ')')) {
      return syntaxError(next, `${DOCS}c_Aggregate_Functions.html`);
    }
    if (keyword === 'on' && nextKeyword === 'conflict') return syntaxError(token, `${DOCS}r_INSERT_30.html`);
    if (keyword === 'returning' && ['insert', 'update', 'delete'].includes(words[0] ?? '')) return syntaxError(token, `${DOCS}r_INSERT_30.html`);
    if (keyword === 'in') {
      // `(a, b) in (select …)` and `(a, b) not in (select …)`
      const notIndex = keywordOf(previous) === 'not' ? previousSignificant(tokens, i) : i;
      if (isPunctuation(tokens[previousSignificant(tokens, notIndex)], ')')) {
        const rejection = rejectRowIn(tokens, notIndex, nextIndex);
        if (rejection) return rejection;
      }
    }
    if (keyword === 'distinct' && nextKeyword === 'on' && keywordOf(previous) === 'select') return syntaxError(next, `${DOCS}r_SELECT_synopsis.html`);
    if (keyword === 'is' && nextKeyword === 'distinct') {
      return { message: 'IS DISTINCT FROM is not supported', doc: `${DOCS}c_unsupported-postgresql-functions.html` };
    }
    if (keyword === 'is' && nextKeyword === 'not' && keywordOf(tokens[nextSignificant(tokens, nextIndex + 1)]) === 'distinct') {
      return { message: 'IS NOT DISTINCT FROM is not supported', doc: `${DOCS}c_unsupported-postgresql-functions.html` };
    }
    if (keyword === 'array' && isPunctuation(next, '[')) {
      return { message: 'array constructors are not supported (ARRAY[…]); use the SUPER function ARRAY(…)', doc: `${DOCS}c_unsupported-postgresql-features.html` };
    }
    if (keyword === 'values' && (isPunctuation(previous, '(') || ['from', 'join'].includes(keywordOf(previous) ?? ''))) {
      return { message: 'VALUES lists used as constant tables are not supported', doc: `${DOCS}c_unsupported-postgresql-features.html` };
    }
    if (keyword === 'lateral' && ['join', ','].includes(keywordOf(previous) ?? previous?.text ?? '')) {
      return syntaxError(token, `${DOCS}r_FROM_clause30.html`);
    }
  }
  return undefined;
}

/** `generate_series` as the FROM item right after `from`/`join` at index `fromIndex` (the one case Redshift allows). */
function isGenerateSeriesSource(tokens: readonly SqlToken[], fromIndex: number): boolean {
  return keywordOf(tokens[nextSignificant(tokens, fromIndex + 1)]) === 'generate_series';
}

/** `MERGE INTO target_table USING source_table [ [ AS ] alias ]` (r_MERGE): no target alias, a table as the source. */
function rejectMerge(tokens: readonly SqlToken[], start: number): RedshiftRejection | undefined {
  const doc = `${DOCS}r_MERGE.html`;
  const into = nextSignificant(tokens, start + 1);
  if (keywordOf(tokens[into]) !== 'into') return syntaxError(tokens[into], doc);
  const afterTarget = skipQualifiedName(tokens, into + 1);
  if (keywordOf(tokens[afterTarget]) !== 'using') return syntaxError(tokens[afterTarget], doc);
  const source = nextSignificant(tokens, afterTarget + 1);
  if (isPunctuation(tokens[source], '(')) return syntaxError(tokens[source], doc); // a subquery: the source must be a table
  return undefined;
}

/** `( a, b ) [NOT] IN ( SELECT …` — Redshift's IN table_subquery "is limited to only one column in its select list" (r_in_condition). */
function rejectRowIn(tokens: readonly SqlToken[], inIndex: number, afterIn: number): RedshiftRejection | undefined {
  if (!isPunctuation(tokens[afterIn], '(')) return undefined;
  const firstInside = nextSignificant(tokens, afterIn + 1);
  if (!['select', 'with'].includes(keywordOf(tokens[firstInside]) ?? '')) return undefined;
  // The tuple before IN: a parenthesised list with a top-level comma.
  const close = previousSignificant(tokens, inIndex);
  let depth = 0;
  let commas = 0;
  for (let j = close; j >= 0; j--) {
    const token = tokens[j]!;
    if (isPunctuation(token, ')')) depth++;
    else if (isPunctuation(token, '(')) {
      depth--;
      if (depth === 0) {
        // `f(a, b) in (…)` is a call's value, not a row.
        const before = tokens[previousSignificant(tokens, j)];
        if (before?.kind === 'word' && !['and', 'or', 'not', 'where', 'on', 'when', 'having', 'select'].includes(keywordOf(before)!)) return undefined;
        break;
      }
    } else if (depth === 1 && isPunctuation(token, ',')) commas++;
  }
  if (commas === 0) return undefined;
  return { message: 'This type of IN/NOT IN query is not supported yet: an IN table_subquery takes one column', doc: `${DOCS}r_in_condition.html` };
}

/**
 * `ALTER TABLE … ALTER COLUMN c TYPE varchar(n)` (r_ALTER_TABLE): only VARCHAR sizes, and not within a transaction
 * block (BatchExecuteStatement is one).
 */
function rejectAlterColumnType(tokens: readonly SqlToken[], start: number, inTransactionBlock: boolean): RedshiftRejection | undefined {
  const doc = `${DOCS}r_ALTER_TABLE.html`;
  for (let i = start; i < tokens.length; i++) {
    if (keywordOf(tokens[i]) !== 'type') continue;
    const before = significantWordsBefore(tokens, i, 3);
    if (!before.includes('alter')) continue;
    if (inTransactionBlock) return { message: 'ALTER TABLE ALTER COLUMN cannot run inside a transaction block', doc };
    const typeIndex = nextSignificant(tokens, i + 1);
    const type = keywordOf(tokens[typeIndex]);
    const second = keywordOf(tokens[nextSignificant(tokens, typeIndex + 1)]);
    const isVarchar = type === 'varchar' || type === 'nvarchar' || (type === 'character' && second === 'varying');
    if (!isVarchar) return { message: `ALTER COLUMN TYPE changes only the size of a VARCHAR column (got ${tokens[typeIndex]?.text ?? 'nothing'})`, doc };
    if (tokens.slice(typeIndex).some((t) => keywordOf(t) === 'using')) return syntaxError(tokens.find((t) => keywordOf(t) === 'using'), doc);
  }
  return undefined;
}

function significantWordsBefore(tokens: readonly SqlToken[], before: number, count: number): string[] {
  const words: string[] = [];
  for (let i = previousSignificant(tokens, before); i >= 0 && words.length < count; i = previousSignificant(tokens, i)) {
    words.push(keywordOf(tokens[i]) ?? tokens[i]!.text);
  }
  return words;
}

/** `CREATE FUNCTION … LANGUAGE plpgsql`: Redshift's functions are SQL or Python (r_CREATE_FUNCTION); plpgsql is for procedures. */
function rejectFunctionLanguage(tokens: readonly SqlToken[]): RedshiftRejection | undefined {
  for (let i = 0; i < tokens.length; i++) {
    if (keywordOf(tokens[i]) !== 'language') continue;
    const language = keywordOf(tokens[nextSignificant(tokens, i + 1)]) ?? tokens[nextSignificant(tokens, i + 1)]?.text.replace(/'/g, '');
    if (language && !['sql', 'plpythonu'].includes(language.toLowerCase())) {
      return { message: `language "${language}" is not supported for functions: use LANGUAGE sql or plpythonu (plpgsql is for stored procedures)`, doc: `${DOCS}r_CREATE_FUNCTION.html` };
    }
  }
  return undefined;
}

/**
 * CREATE TABLE: column types Redshift lacks, table partitioning and inheritance (c_unsupported-postgresql-features),
 * `GENERATED ALWAYS AS IDENTITY` (Redshift has `GENERATED BY DEFAULT AS IDENTITY`, r_CREATE_TABLE_NEW).
 */
function rejectTableDefinition(tokens: readonly SqlToken[], start: number): RedshiftRejection | undefined {
  let depth = 0;
  let expectColumn = false;
  for (let i = start; i < tokens.length; i++) {
    const token = tokens[i]!;
    const keyword = keywordOf(token);
    if (depth === 0 && keyword === 'as') return undefined; // CTAS: the query follows
    if (isPunctuation(token, '(')) {
      depth++;
      if (depth === 1) expectColumn = true;
      continue;
    }
    if (isPunctuation(token, ')')) {
      depth--;
      continue;
    }
    if (depth === 1 && isPunctuation(token, ',')) {
      expectColumn = true;
      continue;
    }
    if (depth === 0 && (keyword === 'partition' || keyword === 'inherits')) {
      return { message: `${keyword === 'partition' ? 'table partitioning (PARTITION BY)' : 'table inheritance (INHERITS)'} is not supported`, doc: `${DOCS}c_unsupported-postgresql-features.html` };
    }
    if (depth === 1 && keyword === 'generated' && keywordOf(tokens[nextSignificant(tokens, i + 1)]) === 'always') {
      return syntaxError(tokens[nextSignificant(tokens, i + 1)], `${DOCS}r_CREATE_TABLE_NEW.html`);
    }
    if (depth === 1 && expectColumn && token.kind !== 'whitespace' && token.kind !== 'comment') {
      expectColumn = false;
      if (['like', 'constraint', 'primary', 'unique', 'foreign', 'check'].includes(keyword ?? '')) continue;
      const rejection = rejectType(tokens, nextSignificant(tokens, i + 1));
      if (rejection) return rejection;
    }
  }
  return undefined;
}

/** A type at `typeIndex` that Redshift lacks, or an array type (`int[]`). */
function rejectType(tokens: readonly SqlToken[], typeIndex: number): RedshiftRejection | undefined {
  const type = keywordOf(tokens[typeIndex]);
  if (type === undefined) return undefined;
  const doc = `${DOCS}c_unsupported-postgresql-datatypes.html`;
  if (UNSUPPORTED_TYPES.has(type)) return { message: `type "${type}" does not exist`, doc };
  let after = nextSignificant(tokens, typeIndex + 1);
  if (isPunctuation(tokens[after], '(')) after = nextSignificant(tokens, matchingParen(tokens, after) + 1);
  if (isPunctuation(tokens[after], '[')) return { message: `array types are not supported (${type}[])`, doc };
  return undefined;
}
