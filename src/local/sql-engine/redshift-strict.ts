/**
 * Running Redshift SQL on the local engine: the Redshift rewrites always, and in **strict Redshift mode** also
 * what Redshift refuses, with its error text (redshift-strict-syntax.ts for the rules on tokens, this file for the
 * ones that need the catalog), plus two Redshift behaviours PostgreSQL lacks:
 *
 * - DISTKEY/SORTKEY columns are remembered (as column comments, which follow renames and die with the table) so
 *   that dropping one fails as on Redshift ("You can't drop a column that is the distribution key (DISTKEY) or a
 *   sort key (SORTKEY)", https://docs.aws.amazon.com/redshift/latest/dg/r_ALTER_TABLE.html).
 * - Late-binding views (`with no schema binding`) do not hold on to what they read: dropping or altering a table or
 *   view they read does not drop them nor is refused because of them; they bind again by name, as Redshift's do
 *   (https://docs.aws.amazon.com/redshift/latest/dg/r_CREATE_VIEW.html). PostgreSQL binds every view, so the
 *   view's definition is kept in its comment, and such a view is dropped before and recreated after the statement
 *   (in a savepoint: one that cannot bind any more is gone, where Redshift would fail when it is queried).
 * - `create or replace view` must produce the identical columns (r_CREATE_VIEW): PostgreSQL lets a view gain
 *   columns at the end, Redshift does not.
 */
import { rewriteRedshiftSql } from './redshift-compat';
import { findRedshiftRejection, significantWords, skipQualifiedName, splitStatements } from './redshift-strict-syntax';
import { type SqlEngine, type SqlResult, type SqlSession, SqlStatementError } from './sql-engine';
import { type SqlToken, isTrivia, keywordOf, matchingParen, nextSignificant, splitArguments, tokenizeSql } from './sql-tokenizer';

export interface RedshiftStatementContext {
  /** Reject what Redshift rejects (strict Redshift mode). */
  strict: boolean;
  /** The statement runs inside a transaction block (a BatchExecuteStatement is one transaction). */
  inTransactionBlock: boolean;
}

const KEY_COMMENT = /^landfall:(distkey|sortkey)(,(distkey|sortkey))?$/;
const LATE_BINDING_PREFIX = 'landfall:late-binding:';
const DEFINITION_TAG = '$landfall_view$';

/** The error Redshift would answer with (SQLSTATE XX000, as Redshift reports most refusals). */
function refuse(message: string): SqlStatementError {
  return new SqlStatementError(message, 'XX000');
}

/**
 * Runs one Data API statement on a session of the local engine.
 *
 * @example
 * await runRedshiftStatement(engine, 'select getdate()', [], { strict: true, inTransactionBlock: false });
 */
export async function runRedshiftStatement(session: SqlSession, sql: string, params: readonly string[], context: RedshiftStatementContext): Promise<SqlResult> {
  const stored = RUN_STORED_STATEMENTS.exec(sql);
  if (stored) return runStoredStatements(session, stored[1]!, context);
  const design = /^\s*alter\s+table\b/i.test(sql) ? physicalDesignChange(sql) : undefined;
  if (design) return changePhysicalDesign(session, design, context.strict);
  const rewritten = rewriteRedshiftSql(sql);
  if (!context.strict) return session.query(rewritten, params);
  const rejection = findRedshiftRejection(sql, context);
  if (rejection) throw refuse(rejection.message);
  const statements = splitStatements(tokenizeSql(sql));
  const shape = statements.length === 1 ? shapeOf(statements[0]!) : undefined;
  if (!shape) return session.query(rewritten, params);
  if (shape.kind === 'alter-table') await refuseKeyColumnDrop(session, shape);
  if (shape.kind === 'create-view' && shape.orReplace) await refuseChangedViewColumns(session, shape, rewritten);
  if (shape.kind === 'merge') await refuseViewAsMergeSource(session, shape.source);
  const touched = shape.kind === 'drop' ? shape.names : shape.kind === 'alter-table' && shape.altersColumns ? [shape.name] : [];
  const run = async (s: SqlSession): Promise<SqlResult> => {
    const detached = await detachLateBindingViews(s, touched);
    const result = await s.query(rewritten, params);
    await reattachLateBindingViews(s, detached);
    await recordRedshiftProperties(s, shape, rewritten);
    return result;
  };
  const engine = session as Partial<SqlEngine>;
  // Outside a transaction, the statement and its bookkeeping commit together (or not at all).
  if (!context.inTransactionBlock && engine.transaction && (touched.length > 0 || shape.kind === 'create-table' || shape.kind === 'create-view')) return engine.transaction(run);
  return run(session);
}

/**
 * `call landfall.lf_run_statements_v1('<temp table>')` (engine/materializations/partitioned/one-transaction.ts): on
 * Redshift the procedure runs the stored statements natively; here each goes through the same rewrites and strict
 * checks as a statement submitted in the batch, in the same transaction, as Redshift's procedure would run them.
 */
const RUN_STORED_STATEMENTS = /^\s*call\s+"landfall"\."lf_run_statements_v1"\('([a-z0-9_]+)'\)\s*$/i;

async function runStoredStatements(session: SqlSession, table: string, context: RedshiftStatementContext): Promise<SqlResult> {
  const { rows } = await session.query(`select statement_text from ${table} order by seq`);
  for (const [statement] of rows) await runRedshiftStatement(session, String(statement), [], { ...context, inTransactionBlock: true });
  return { command: 'CALL', columns: [], rows: [], rowCount: null };
}

type Shape =
  | { kind: 'create-table'; name: string; keys: Map<string, Set<string>>; like?: string }
  | { kind: 'create-view'; name: string; orReplace: boolean; lateBinding: boolean }
  | { kind: 'drop'; names: string[] }
  | { kind: 'alter-table'; name: string; droppedColumns: string[]; altersColumns: boolean }
  | { kind: 'merge'; source: string }
  | { kind: 'other' };

const textOf = (tokens: readonly SqlToken[], from: number, to: number) => tokens.slice(from, to).filter((t) => !isTrivia(t)).map((t) => t.text).join('');

/** A column name as the catalog stores it: quoted as written, unquoted folded to lower case. */
function columnName(token: SqlToken | undefined): string {
  if (!token) return '';
  return token.kind === 'quoted-identifier' ? token.text.slice(1, -1).replace(/""/g, '"') : token.text.toLowerCase();
}

function shapeOf(tokens: SqlToken[]): Shape {
  const words = significantWords(tokens, 0, 6);
  const start = nextSignificant(tokens, 0);
  if (words[0] === 'create') {
    let i = nextSignificant(tokens, start + 1);
    let orReplace = false;
    if (keywordOf(tokens[i]) === 'or') {
      orReplace = true;
      i = nextSignificant(tokens, nextSignificant(tokens, i + 1) + 1);
    }
    while (['temp', 'temporary', 'local'].includes(keywordOf(tokens[i]) ?? '')) i = nextSignificant(tokens, i + 1);
    const what = keywordOf(tokens[i]);
    if (what !== 'table' && what !== 'view') return { kind: 'other' };
    let nameStart = nextSignificant(tokens, i + 1);
    if (keywordOf(tokens[nameStart]) === 'if') nameStart = nextSignificant(tokens, nextSignificant(tokens, nextSignificant(tokens, nameStart + 1) + 1) + 1);
    const nameEnd = skipQualifiedName(tokens, nameStart);
    const name = textOf(tokens, nameStart, nameEnd);
    if (what === 'view') {
      const last = significantWords(tokens, 0, 10_000).slice(-4).join(' ');
      return { kind: 'create-view', name, orReplace, lateBinding: last === 'with no schema binding' };
    }
    return { kind: 'create-table', name, ...tableKeys(tokens, nameEnd) };
  }
  if (words[0] === 'drop' && (words[1] === 'table' || words[1] === 'view')) {
    let i = nextSignificant(tokens, nextSignificant(tokens, start + 1) + 1);
    if (keywordOf(tokens[i]) === 'if') i = nextSignificant(tokens, nextSignificant(tokens, i + 1) + 1);
    const names: string[] = [];
    for (;;) {
      const end = skipQualifiedName(tokens, i);
      names.push(textOf(tokens, i, end));
      if (tokens[end]?.text !== ',') break;
      i = nextSignificant(tokens, end + 1);
    }
    return { kind: 'drop', names };
  }
  if (words[0] === 'merge') {
    const into = nextSignificant(tokens, start + 1);
    const using = skipQualifiedName(tokens, into + 1);
    const sourceStart = nextSignificant(tokens, using + 1);
    return { kind: 'merge', source: textOf(tokens, sourceStart, skipQualifiedName(tokens, sourceStart)) };
  }
  if (words[0] === 'alter' && words[1] === 'table') {
    const nameStart = nextSignificant(tokens, nextSignificant(tokens, start + 1) + 1);
    const nameEnd = skipQualifiedName(tokens, nameStart);
    const droppedColumns: string[] = [];
    let altersColumns = false;
    for (let i = nameEnd; i < tokens.length; i = nextSignificant(tokens, i + 1)) {
      const keyword = keywordOf(tokens[i]);
      if (keyword === 'drop' || keyword === 'alter') {
        let at = nextSignificant(tokens, i + 1);
        const target = keywordOf(tokens[at]);
        if (['constraint', 'distkey', 'diststyle', 'sortkey', 'encode'].includes(target ?? '')) continue;
        if (target === 'column') at = nextSignificant(tokens, at + 1);
        if (keywordOf(tokens[at]) === 'if') at = nextSignificant(tokens, nextSignificant(tokens, at + 1) + 1);
        altersColumns = true;
        if (keyword === 'drop') droppedColumns.push(columnName(tokens[at]));
      }
    }
    return { kind: 'alter-table', name: textOf(tokens, nameStart, nameEnd), droppedColumns, altersColumns };
  }
  return { kind: 'other' };
}

/** DISTKEY/SORTKEY columns of a CREATE TABLE (table attributes and column attributes), and its `LIKE` source. */
function tableKeys(tokens: readonly SqlToken[], from: number): { keys: Map<string, Set<string>>; like?: string } {
  const keys = new Map<string, Set<string>>();
  const add = (column: string, role: string) => {
    if (!keys.has(column)) keys.set(column, new Set());
    keys.get(column)!.add(role);
  };
  let like: string | undefined;
  let depth = 0;
  let columnStart: SqlToken | undefined;
  for (let i = from; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token.kind === 'punctuation' && token.text === '(') {
      depth++;
      if (depth === 1) columnStart = tokens[nextSignificant(tokens, i + 1)];
      continue;
    }
    if (token.kind === 'punctuation' && token.text === ')') {
      depth--;
      continue;
    }
    if (depth === 1 && token.kind === 'punctuation' && token.text === ',') {
      columnStart = tokens[nextSignificant(tokens, i + 1)];
      continue;
    }
    const keyword = keywordOf(token);
    if (keyword === 'as' && depth === 0) break; // CTAS: the query follows
    if (depth === 1 && keyword === 'like' && columnStart === token) {
      const start = nextSignificant(tokens, i + 1);
      like = textOf(tokens, start, skipQualifiedName(tokens, start));
    }
    if (keyword !== 'distkey' && keyword !== 'sortkey') continue;
    const next = nextSignificant(tokens, i + 1);
    if (depth === 0 && tokens[next]?.text === '(') {
      const close = matchingParen(tokens, next);
      for (const arg of splitArguments(tokens, next, close)) add(columnName(arg.find((t) => !isTrivia(t))), keyword);
      i = close;
    } else if (depth === 1 && columnStart) {
      add(columnName(columnStart), keyword);
    }
  }
  return { keys, like };
}

async function refuseKeyColumnDrop(session: SqlSession, shape: Extract<Shape, { kind: 'alter-table' }>): Promise<void> {
  for (const column of shape.droppedColumns) {
    const result = await session.query(
      `select col_description(a.attrelid, a.attnum) from pg_attribute a where a.attrelid = to_regclass($1) and a.attname = $2 and not a.attisdropped`,
      [shape.name, column],
    );
    const comment = result.rows[0]?.[0] ?? '';
    if (!KEY_COMMENT.test(comment)) continue;
    const role = comment.includes('distkey') ? 'distribution key (DISTKEY)' : 'sort key (SORTKEY)';
    throw refuse(`cannot drop column "${column}": it is the ${role} of the table; recreate the table instead`);
  }
}

/** MERGE's source_table is "the temporary or permanent table supplying the rows" (r_MERGE): not a view. */
async function refuseViewAsMergeSource(session: SqlSession, source: string): Promise<void> {
  const kind = await session.query(`select relkind from pg_class where oid = to_regclass($1)`, [source]);
  if (kind.rows[0]?.[0] === 'v') throw refuse(`MERGE source ${source} is a view: the source must be a table (stage the rows into a temporary table first)`);
}

const COLUMNS_SQL = `select a.attname, format_type(a.atttypid, a.atttypmod) from pg_attribute a
 where a.attrelid = to_regclass($1) and a.attnum > 0 and not a.attisdropped order by a.attnum`;

/** `create or replace view` over a view: the new query must give the identical columns (names and types). */
async function refuseChangedViewColumns(session: SqlSession, shape: Extract<Shape, { kind: 'create-view' }>, rewritten: string): Promise<void> {
  const kind = await session.query(`select relkind from pg_class where oid = to_regclass($1)`, [shape.name]);
  if (kind.rows[0]?.[0] !== 'v') return;
  const probe = 'landfall_strict_view_probe';
  await session.query(`drop view if exists pg_temp.${probe}`);
  await session.query(`create temporary view ${probe} ${viewBody(rewritten)}`);
  const [before, after] = [await session.query(COLUMNS_SQL, [shape.name]), await session.query(COLUMNS_SQL, [`pg_temp.${probe}`])];
  await session.query(`drop view if exists pg_temp.${probe}`);
  if (before.rows.length !== after.rows.length) throw refuse('cannot change number of columns in view');
  for (const [i, [name, type]] of before.rows.entries()) {
    const [newName, newType] = after.rows[i]!;
    if (name !== newName) throw refuse(`cannot change name of view column "${name}" to "${newName}"`);
    if (type !== newType) throw refuse(`cannot change data type of view column "${name}" from ${type} to ${newType}`);
  }
}

/** What follows `create [or replace] view <name>` in a (rewritten) CREATE VIEW: `[(columns)] as <query>`. */
function viewBody(rewrittenSql: string): string {
  const tokens = tokenizeSql(rewrittenSql);
  let i = nextSignificant(tokens, 0);
  while (i < tokens.length && keywordOf(tokens[i]) !== 'view') i = nextSignificant(tokens, i + 1);
  const end = skipQualifiedName(tokens, i + 1);
  return tokens.slice(end).map((t) => t.text).join('').trim().replace(/;\s*$/, '');
}

interface DetachedView {
  name: string;
  comment: string;
}

/** Drops the late-binding views that read `names` (directly or through each other), deepest first, and returns them. */
async function detachLateBindingViews(session: SqlSession, names: string[]): Promise<DetachedView[]> {
  const detached: DetachedView[] = [];
  for (const name of names) {
    const dependents = await session.query(`with recursive deps(oid, depth) as (
  select r.ev_class, 1 from pg_depend d join pg_rewrite r on r.oid = d.objid where d.refobjid = to_regclass($1) and r.ev_class <> d.refobjid
  union all
  select r.ev_class, deps.depth + 1 from deps join pg_depend d on d.refobjid = deps.oid join pg_rewrite r on r.oid = d.objid
   where r.ev_class <> deps.oid and deps.depth < 32
)
select format('%I.%I', n.nspname, c.relname), max(deps.depth), obj_description(c.oid, 'pg_class')
  from deps join pg_class c on c.oid = deps.oid join pg_namespace n on n.oid = c.relnamespace
 group by c.oid, n.nspname, c.relname order by 2`, [name]);
    for (const [view, , comment] of dependents.rows) {
      if (comment?.startsWith(LATE_BINDING_PREFIX) && !detached.some((d) => d.name === view)) detached.push({ name: view!, comment });
    }
  }
  for (const view of [...detached].reverse()) await session.query(`drop view if exists ${view.name}`);
  return detached;
}

/** Recreates detached late-binding views from their kept definitions; one that no longer binds stays dropped. */
async function reattachLateBindingViews(session: SqlSession, detached: DetachedView[]): Promise<void> {
  for (const view of detached) {
    const body = view.comment.slice(LATE_BINDING_PREFIX.length);
    await session.query('savepoint landfall_late_binding');
    try {
      await session.query(`create view ${view.name} ${body}`);
      await session.query(`comment on view ${view.name} is ${DEFINITION_TAG}${view.comment}${DEFINITION_TAG}`);
      await session.query('release savepoint landfall_late_binding');
    } catch {
      await session.query('rollback to savepoint landfall_late_binding');
    }
  }
}

/** After a CREATE: remember the table's DISTKEY/SORTKEY columns, or a late-binding view's definition. */
async function recordRedshiftProperties(session: SqlSession, shape: Shape, rewritten: string): Promise<void> {
  if (shape.kind === 'create-table') {
    const keys = new Map(shape.keys);
    if (shape.like) {
      // LIKE copies the distribution and sort keys (r_CREATE_TABLE_NEW).
      const inherited = await session.query(
        `select a.attname, col_description(a.attrelid, a.attnum) from pg_attribute a where a.attrelid = to_regclass($1) and a.attnum > 0 and not a.attisdropped`,
        [shape.like],
      );
      for (const [column, comment] of inherited.rows) {
        if (comment && KEY_COMMENT.test(comment)) keys.set(column!, new Set(comment.slice('landfall:'.length).split(',')));
      }
    }
    for (const [column, roles] of keys) {
      await session.query(`comment on column ${shape.name}.${quoteName(column)} is 'landfall:${[...roles].sort().join(',')}'`);
    }
  } else if (shape.kind === 'create-view' && shape.lateBinding) {
    const body = viewBody(rewritten);
    if (!body.includes(DEFINITION_TAG)) {
      await session.query(`comment on view ${shape.name} is ${DEFINITION_TAG}${LATE_BINDING_PREFIX}${body}${DEFINITION_TAG}`);
    }
  }
}

/**
 * `ALTER TABLE t ALTER DISTKEY c | ALTER [COMPOUND] SORTKEY (c, …) | ALTER SORTKEY AUTO|NONE | ALTER DISTSTYLE … |
 * ALTER ENCODE AUTO | ALTER COLUMN c ENCODE e` (r_ALTER_TABLE): physical design only, which PostgreSQL has no
 * syntax for. The table and its rows are unchanged; in strict mode the remembered DISTKEY/SORTKEY columns follow.
 */
interface PhysicalDesignChange {
  table: string;
  distkey?: string | null;
  sortkeys?: string[];
}

function physicalDesignChange(sql: string): PhysicalDesignChange | undefined {
  const statements = splitStatements(tokenizeSql(sql));
  if (statements.length !== 1) return undefined;
  const tokens = statements[0]!;
  const words = significantWords(tokens, 0, 3);
  if (words[0] !== 'alter' || words[1] !== 'table') return undefined;
  const nameStart = nextSignificant(tokens, nextSignificant(tokens, nextSignificant(tokens, 0) + 1) + 1);
  const nameEnd = skipQualifiedName(tokens, nameStart);
  const change: PhysicalDesignChange = { table: textOf(tokens, nameStart, nameEnd) };
  let i = nameEnd;
  if (keywordOf(tokens[i]) !== 'alter') return undefined;
  i = nextSignificant(tokens, i + 1);
  const what = keywordOf(tokens[i]);
  if (what === 'column') {
    const encode = nextSignificant(tokens, nextSignificant(tokens, i + 1) + 1);
    return keywordOf(tokens[encode]) === 'encode' ? change : undefined;
  }
  if (what === 'encode' || what === 'diststyle') {
    const style = keywordOf(tokens[nextSignificant(tokens, i + 1)]);
    if (what === 'diststyle') {
      const distkey = nextSignificant(tokens, nextSignificant(tokens, i + 1) + 1);
      change.distkey = style === 'key' && keywordOf(tokens[distkey]) === 'distkey' ? columnName(tokens[nextSignificant(tokens, distkey + 1)]) : null;
    }
    return change;
  }
  if (what === 'distkey') {
    change.distkey = columnName(tokens[nextSignificant(tokens, i + 1)]);
    return change;
  }
  if (what === 'compound' || what === 'interleaved') i = nextSignificant(tokens, i + 1);
  if (keywordOf(tokens[i]) !== 'sortkey') return undefined;
  const open = nextSignificant(tokens, i + 1);
  change.sortkeys = tokens[open]?.text === '('
    ? splitArguments(tokens, open, matchingParen(tokens, open)).map((arg) => columnName(arg.find((t) => !isTrivia(t))))
    : []; // AUTO or NONE
  return change;
}

async function changePhysicalDesign(session: SqlSession, change: PhysicalDesignChange, strict: boolean): Promise<SqlResult> {
  const exists = await session.query('select to_regclass($1) is not null', [change.table]);
  if (exists.rows[0]?.[0] !== 't') throw new SqlStatementError(`relation "${change.table}" does not exist`, '42P01');
  if (strict && (change.distkey !== undefined || change.sortkeys !== undefined)) {
    const columns = await session.query(
      'select a.attname, col_description(a.attrelid, a.attnum) from pg_attribute a where a.attrelid = to_regclass($1) and a.attnum > 0 and not a.attisdropped',
      [change.table],
    );
    for (const [column, comment] of columns.rows) {
      const roles = new Set(comment && KEY_COMMENT.test(comment) ? comment.slice('landfall:'.length).split(',') : []);
      if (change.distkey !== undefined) (column === change.distkey ? roles.add('distkey') : roles.delete('distkey'));
      if (change.sortkeys !== undefined) (change.sortkeys.includes(column!) ? roles.add('sortkey') : roles.delete('sortkey'));
      const text = roles.size ? `'landfall:${[...roles].sort().join(',')}'` : 'null';
      await session.query(`comment on column ${change.table}.${quoteName(column!)} is ${text}`);
    }
  }
  return { command: 'ALTER', columns: [], rows: [], rowCount: null };
}

function quoteName(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
