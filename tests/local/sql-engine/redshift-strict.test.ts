/**
 * Strict Redshift mode of the local Data API: what Redshift refuses fails with Redshift's error text, what it
 * accepts runs. Statements go through the StatementStore (the local Data API's core), as single statements
 * (ExecuteStatement, autocommit) or batches (BatchExecuteStatement, one transaction).
 */
import { StatementStore } from '../../../src/local/data-api/statement-store';
import type { StatementRecord } from '../../../src/local/data-api/statement-submission';
import { openPGliteEngine, prepareTemplate, sharedTemplateDir } from '../../../src/local/sql-engine/pglite-engine';
import { findRedshiftRejection } from '../../../src/local/sql-engine/redshift-strict-syntax';
import { installRedshiftCompat } from '../../../src/local/sql-engine/install-redshift-compat';
import type { SqlEngine } from '../../../src/local/sql-engine/sql-engine';

let engine: SqlEngine;
let store: StatementStore;

beforeAll(async () => {
  engine = await openPGliteEngine({ inMemory: true, template: await prepareTemplate(sharedTemplateDir()) });
  await installRedshiftCompat(engine);
  store = new StatementStore({ engine, redshiftStrict: true, start: 'at-once' });
  await engine.query(`create schema s;
    create table s.src (id int, kind int, name varchar(10), amount int);
    insert into s.src values (1, 1, 'a', 10), (2, 1, 'b', 20), (3, 2, 'c', 30)`);
});

afterAll(async () => {
  await engine?.close();
});

const connection = { WorkgroupName: 'local', Database: 'dev' };

async function run(sqls: string | string[]): Promise<StatementRecord> {
  const record = store.accept({ sqls: typeof sqls === 'string' ? [sqls] : sqls, isBatch: Array.isArray(sqls), connection });
  await store.waitForEnd(record, 60_000);
  return record;
}

/** The statement's error (`ERROR: …`), or 'FINISHED'. */
async function outcome(sqls: string | string[]): Promise<string> {
  const record = await run(sqls);
  return record.status === 'FINISHED' ? 'FINISHED' : record.error ?? record.status;
}

const rows = async (sql: string) => (await engine.query(sql)).rows;

describe('strict Redshift mode refuses what Redshift refuses', () => {
  it.each([
    ['a target alias in MERGE', 'merge into s.src as t using s.src as d on t.id = d.id when matched then update set amount = d.amount', 'syntax error at or near "as"'],
    ['a subquery as the MERGE source', 'merge into s.src using (select * from s.src) as d on s.src.id = d.id when matched then delete', 'syntax error at or near "("'],
    ['a multi-column IN subquery', 'delete from s.src where (id, kind) in (select id, kind from s.src)', 'This type of IN/NOT IN query is not supported'],
    ['generate_series over a table', 'select generate_series(1, 3), id from s.src', 'Specified types or functions (one per INFO message) not supported on Redshift tables.'],
    ['generate_series into a table', 'create table s.g as select generate_series(1, 3) as n', 'Specified types or functions (one per INFO message) not supported on Redshift tables.'],
    ['string_agg', "select string_agg(name, ',') from s.src", 'function string_agg does not exist'],
    ['array_agg', 'select array_agg(id) from s.src', 'function array_agg does not exist'],
    ['FILTER (WHERE …)', 'select count(*) filter (where kind = 1) from s.src', 'syntax error at or near "("'],
    ['ON CONFLICT', 'insert into s.src (id) values (1) on conflict do nothing', 'syntax error at or near "on"'],
    ['RETURNING', 'insert into s.src (id) values (9) returning id', 'syntax error at or near "returning"'],
    ['IS DISTINCT FROM', 'select id from s.src where kind is distinct from 1', 'IS DISTINCT FROM is not supported'],
    ['DISTINCT ON', 'select distinct on (kind) id from s.src', 'syntax error at or near "on"'],
    ['an ARRAY[…] constructor', 'select array[1, 2]', 'array constructors are not supported'],
    ['VALUES as a table', 'select * from (values (1), (2)) as v(x)', 'VALUES lists used as constant tables are not supported'],
    ['a PostgreSQL-only type', "select '{}'::jsonb", 'type "jsonb" does not exist'],
    ['CREATE INDEX', 'create index src_id on s.src (id)', 'CREATE INDEX is not supported'],
    ['a plpgsql function', "create function s.f() returns int language plpgsql as $$ begin return 1; end $$", 'language "plpgsql" is not supported for functions'],
    ['a multi-column NOT IN subquery', 'select 1 from s.src where (id, kind) not in (select id, kind from s.src)', 'This type of IN/NOT IN query is not supported'],
    ['CREATE SEQUENCE', 'create sequence s.seq', 'CREATE SEQUENCE is not supported'],
    ['a PostgreSQL-only column type', 'create table s.j (id int, doc jsonb)', 'type "jsonb" does not exist'],
    ['a SERIAL column', 'create table s.ser (id serial, name varchar(5))', 'type "serial" does not exist'],
    ['table partitioning', 'create table s.p (id int) partition by range (id)', 'table partitioning (PARTITION BY) is not supported'],
    ['GENERATED ALWAYS AS IDENTITY', 'create table s.ga (id bigint generated always as identity, x int)', 'syntax error at or near "always"'],
    ['regexp_matches', "select regexp_matches(name, 'a') from s.src", 'function regexp_matches does not exist'],
    ['ALTER COLUMN TYPE to a non-VARCHAR type', 'alter table s.src alter column amount type bigint', 'ALTER COLUMN TYPE changes only the size of a VARCHAR column'],
  ])('%s', async (_what, sql, message) => {
    expect(await outcome(sql)).toContain(`ERROR: ${message}`);
  });

  it('ALTER COLUMN TYPE inside a transaction block (a batch is one), but not as its own statement', async () => {
    await engine.query('create table s.widen (code varchar(5))');
    expect(await outcome(['select 1', 'alter table s.widen alter column code type varchar(50)'])).toBe('ERROR: ALTER TABLE ALTER COLUMN cannot run inside a transaction block');
    expect(await outcome('begin; alter table s.widen alter column code type varchar(50); commit')).toBe('ERROR: ALTER TABLE ALTER COLUMN cannot run inside a transaction block');
    expect(await outcome('alter table s.widen alter column code type varchar(50)')).toBe('FINISHED');
    expect(await rows(`select format_type(atttypid, atttypmod) from pg_attribute where attrelid = 's.widen'::regclass and attname = 'code'`)).toEqual([['character varying(50)']]);
  });

  it('dropping a DISTKEY or SORTKEY column, known from CREATE TABLE, CTAS and LIKE, and after renames', async () => {
    expect(await outcome('create table s.keyed (id int distkey, day date, note varchar(10)) compound sortkey(day)')).toBe('FINISHED');
    expect(await outcome('alter table s.keyed drop column id')).toContain('ERROR: cannot drop column "id": it is the distribution key (DISTKEY)');
    expect(await outcome('alter table s.keyed drop column day cascade')).toContain('sort key (SORTKEY)');
    expect(await outcome('alter table s.keyed drop column note')).toBe('FINISHED');
    expect(await outcome(['create table s.ctas__new diststyle key distkey("kind") as (select id, kind from s.src)', 'alter table s.ctas__new rename to ctas'])).toBe('FINISHED');
    expect(await outcome('alter table s.ctas drop column "kind"')).toContain('distribution key');
    expect(await outcome('create table s.liked (like s.keyed)')).toBe('FINISHED');
    expect(await outcome('alter table s.liked drop column day')).toContain('sort key');
  });

  it('a view as the MERGE source (the source must be a table)', async () => {
    await engine.query('create view s.src_view as select * from s.src');
    expect(await outcome('merge into s.src using s.src_view as d on s.src.id = d.id when matched then delete')).toContain('ERROR: MERGE source s.src_view is a view');
  });

  it('runs ALTER DISTKEY/SORTKEY/DISTSTYLE/ENCODE (physical design only) and follows the new keys', async () => {
    expect(await outcome('create table s.design (id int, k varchar(10), d date) diststyle key distkey(id) sortkey(d)')).toBe('FINISHED');
    for (const sql of ['alter table s.design alter distkey k', 'alter table s.design alter compound sortkey (id)', 'alter table s.design alter column k encode zstd', 'alter table s.design alter encode auto']) {
      expect([sql, await outcome(sql)]).toEqual([sql, 'FINISHED']);
    }
    expect(await outcome('alter table s.design drop column d')).toBe('FINISHED');
    expect(await outcome('alter table s.design drop column k')).toContain('distribution key');
    expect(await outcome('alter table s.design alter diststyle even')).toBe('FINISHED');
    expect(await outcome('alter table s.design drop column k')).toBe('FINISHED');
    expect(await outcome('alter table s.design drop column id')).toContain('sort key');
    expect(await outcome('alter table s.missing alter distkey k')).toContain('does not exist');
  });

  it('create or replace view with other columns (identical columns are accepted)', async () => {
    expect(await outcome('create view s.v as select id, name from s.src')).toBe('FINISHED');
    expect(await outcome('create or replace view s.v as select id, name from s.src where kind = 1')).toBe('FINISHED');
    expect(await outcome('create or replace view s.v as select id, name, kind from s.src')).toBe('ERROR: cannot change number of columns in view');
    expect(await outcome('create or replace view s.v as select id, name as label from s.src')).toBe('ERROR: cannot change name of view column "name" to "label"');
    expect(await outcome('create or replace view s.v as select id, amount as name from s.src')).toContain('ERROR: cannot change data type of view column "name"');
    expect(await rows('select count(*) from s.v')).toEqual([['2']]);
  });
});

describe('strict Redshift mode runs what Redshift accepts', () => {
  it.each([
    ['MERGE with a source alias, the target by name', 'merge into s.src using s.src as d on s.src.id = d.id when matched then update set amount = d.amount when not matched then insert (id) values (d.id)'],
    ['delete … using for a key list', 'delete from s.src using s.src as d where s.src.id = d.id and s.src.kind = d.kind and d.id > 100'],
    ['a one-column IN subquery', 'select id from s.src where (id) in (select id from s.src)'],
    ['generate_series without tables', 'select generate_series(1, 3)'],
    ['LISTAGG … WITHIN GROUP', "select listagg(name, ',') within group (order by name) from s.src"],
    ['a CASE with a FILTER column name', 'select 1 as filter'],
    ['SUPER and JSON_PARSE', `select json_parse('{"a": 1}')`],
    ['INSERT … VALUES', "insert into s.src (id, kind, name) values (7, 3, 'g'), (8, 3, 'h')"],
    ['string functions Redshift has', "select split_part('a,b', ',', 2), btrim(' x '), left('abc', 1), nvl(null, 2), decode(1, 1, 'one', 'other')"],
    ['a late-binding view', 'create view s.lb as select id from s.src with no schema binding'],
    ['IS NULL, IS TRUE', 'select id from s.src where name is not null and (kind = 1) is true'],
    ['a string literal that mentions string_agg(', "select 'string_agg(x) on conflict returning'"],
    ['LISTAGG(DISTINCT x) … ORDER BY x', "select listagg(distinct cast(id as varchar), ',') within group (order by cast(id as varchar)) from s.src"],
    ['GENERATED BY DEFAULT AS IDENTITY, DISTKEY, SORTKEY, ENCODE', 'create table s.ident (id bigint generated by default as identity(1, 1), name varchar(10) encode zstd) diststyle key distkey(id) sortkey(id)'],
    ['COPY-style FORMAT words and a stored procedure', "create or replace procedure s.p() language plpgsql as $$ begin null; end $$"],
    ['a column IN a list and NOT IN a one-column subquery', 'select id from s.src where kind in (1, 2) and id not in (select id from s.src where kind = 9)'],
    ['generate_series as the only FROM item', 'select n from generate_series(1, 3) as n'],
  ])('%s', async (_what, sql) => {
    expect(await outcome(sql)).toBe('FINISHED');
  });

  it('keeps late-binding views when what they read is dropped and swapped (Redshift binds them by name)', async () => {
    await engine.query('create table s.base (id int, label varchar(5)); insert into s.base values (1, \'x\')');
    expect(await outcome('create view s.over_base as select id, label from s.base with no schema binding')).toBe('FINISHED');
    expect(await outcome('create view s.over_over as select id from s.over_base with no schema binding')).toBe('FINISHED');
    // The Redshift dialect's swap: new table staged, old renamed away and dropped, all in one batch.
    expect(await outcome([
      'create table s.base__lf_new_0a0b0c0d as (select 2 as id, \'y\'::varchar(5) as label)',
      'drop table if exists s.base__lf_old_0a0b0c0d cascade',
      'alter table s.base rename to base__lf_old_0a0b0c0d',
      'alter table s.base__lf_new_0a0b0c0d rename to base',
      'drop table s.base__lf_old_0a0b0c0d',
    ])).toBe('FINISHED');
    expect(await rows('select id, label from s.over_base')).toEqual([['2', 'y']]);
    expect(await rows('select id from s.over_over')).toEqual([['2']]);
  });
});

describe('findRedshiftRejection', () => {
  it('looks at code only: literals, quoted identifiers and comments are never matched', () => {
    expect(findRedshiftRejection(`select 'array_agg(x)', "string_agg" from t -- on conflict`, { inTransactionBlock: false })).toBeUndefined();
  });

  it('names the documentation page of each rule', () => {
    expect(findRedshiftRejection('merge into t as x using s on x.id = s.id when matched then delete', { inTransactionBlock: false })?.doc).toMatch(/r_MERGE\.html$/);
  });
});
