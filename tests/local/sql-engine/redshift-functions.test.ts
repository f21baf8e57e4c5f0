/**
 * Redshift SQL running unchanged on the local engine: each statement goes through rewriteRedshiftSql and
 * runs on PGlite with the shims installed; results are Redshift's (examples from its documentation).
 */
import { openPGliteEngine, prepareTemplate, sharedTemplateDir } from '../../../src/local/sql-engine/pglite-engine';
import { rewriteRedshiftSql } from '../../../src/local/sql-engine/redshift-compat';
import type { SqlEngine } from '../../../src/local/sql-engine/sql-engine';

let engine: SqlEngine;

beforeAll(async () => {
  engine = await openPGliteEngine({ inMemory: true, template: await prepareTemplate(sharedTemplateDir()) });
  await engine.query(`
    create table sales (region text, seller text, amount int, sold_at timestamp, payload varchar(200));
    insert into sales values
      ('eu', 'ann', 10, '2024-03-31 10:30:00', '{"item":{"sku":"A1","tags":["x","y"]}}'),
      ('eu', 'bob', 30, '2024-04-30 23:00:00', '{"item":{"sku":"B2"}}'),
      ('us', 'cat', 20, '2024-05-15 08:00:00', 'not json'),
      ('us', 'dan', 40, '2024-05-16 09:00:00', null)`);
});

afterAll(async () => {
  await engine?.close();
});

const redshift = async (sql: string) => (await engine.query(rewriteRedshiftSql(sql))).rows;
const typesOf = async (sql: string) => (await engine.query(rewriteRedshiftSql(sql))).columns.map((c) => c.typeName);

describe('Redshift SQL on PGlite', () => {
  describe('CONVERT_TIMEZONE', () => {
    it('converts a timestamp from the source zone to the target zone, following daylight saving time', async () => {
      expect(await redshift("select convert_timezone('UTC', 'America/New_York', '2024-07-01 12:00:00'), convert_timezone('Europe/London', 'Asia/Tokyo', timestamp '2024-01-15 09:00')")).toEqual([
        ['2024-07-01 08:00:00', '2024-01-15 18:00:00'],
      ]);
    });

    it('reads the timestamp as UTC in the two-argument form and returns a timestamp without time zone', async () => {
      expect(await redshift("select convert_timezone('Europe/Paris', sold_at) from sales where seller = 'ann'")).toEqual([['2024-03-31 12:30:00']]);
      expect(await typesOf("select convert_timezone('Europe/Paris', sold_at), convert_timezone('UTC', 'PST', sold_at) from sales")).toEqual(['timestamp', 'timestamp']);
    });
  });

  describe('dates', () => {
    it('DATE_TRUNC and DATE_PART accept bare and abbreviated date parts', async () => {
      expect(await redshift("select date_trunc(qtr, sold_at), datepart(dow, sold_at), date_part(dayofyear, sold_at), date_part('mon', sold_at) from sales where seller = 'cat'")).toEqual([
        ['2024-04-01 00:00:00', '3', '136', '5'],
      ]);
    });

    it('TRUNC(timestamp) is a date and TRUNC(number) is still a number', async () => {
      expect(await redshift("select trunc(sold_at), trunc(12.789, 1), trunc(7) from sales where seller = 'ann'")).toEqual([['2024-03-31', '12.7', '7']]);
      expect(await typesOf("select trunc(sold_at), trunc(12.789, 1) from sales")).toEqual(['date', 'numeric']);
    });

    it('ADD_MONTHS keeps month ends at month ends, LAST_DAY finds them', async () => {
      expect(await redshift("select add_months('2008-03-31', 1), add_months('2008-04-30', 1), add_months('2008-01-01 05:07:30', 1), last_day(date '2024-02-10')")).toEqual([
        ['2008-04-30 00:00:00', '2008-05-31 00:00:00', '2008-02-01 05:07:30', '2024-02-29'],
      ]);
    });

    it('MONTHS_BETWEEN counts whole months and a 31-day-month fraction', async () => {
      expect(await redshift("select months_between('1969-01-18', '1969-03-18'), months_between('2014-09-30', '2014-08-31'), round(months_between(timestamp '2008-12-25 15:00', timestamp '2008-01-21 19:30')::numeric, 2)")).toEqual([
        ['-2', '1', '11.12'],
      ]);
    });
  });

  describe('aggregates and windows', () => {
    it('APPROXIMATE COUNT(DISTINCT …), MEDIAN and RATIO_TO_REPORT', async () => {
      expect(await redshift('select region, approximate count(distinct seller), median(amount) from sales group by region order by region')).toEqual([
        ['eu', '2', '20'],
        ['us', '2', '30'],
      ]);
      expect(await redshift('select seller, ratio_to_report(amount) over (partition by region) from sales order by seller')).toEqual([
        ['ann', '0.25'],
        ['bob', '0.75'],
        ['cat', '0.3333333333333333'],
        ['dan', '0.6666666666666666'],
      ]);
    });

    it('SELECT TOP n returns the first n rows of the ordered result', async () => {
      expect(await redshift('select top 2 seller from sales order by amount desc')).toEqual([['dan'], ['bob']]);
    });

    it('MINUS is EXCEPT', async () => {
      expect(await redshift("select region from sales minus select 'us'")).toEqual([['eu']]);
    });
  });

  describe('strings and JSON', () => {
    it('STRTOL reads numbers in bases 2 to 36', async () => {
      expect(await redshift("select strtol('0xf', 16), strtol('abcd1234', 16), strtol('1234567', 8), strtol('110101', 2), strtol('  -42xyz', 10), strtol('', 10)")).toEqual([
        ['15', '2882343476', '342391', '53', '-42', '0'],
      ]);
    });

    it('JSON_EXTRACT_PATH_TEXT reads VARCHAR JSON; null_if_invalid turns bad JSON into NULL', async () => {
      expect(await redshift("select seller, json_extract_path_text(payload, 'item', 'sku', true) from sales order by seller")).toEqual([
        ['ann', 'A1'],
        ['bob', 'B2'],
        ['cat', null],
        ['dan', null],
      ]);
      await expect(redshift("select json_extract_path_text(payload, 'item') from sales where seller = 'cat'")).rejects.toThrow(/invalid input syntax for type json/);
    });

    it('IS_VALID_JSON accepts objects only, IS_VALID_JSON_ARRAY arrays only; array helpers work on text', async () => {
      expect(await redshift(`select is_valid_json('{"a":2}'), is_valid_json('[1,2,3]'), is_valid_json('{{}}'), is_valid_json_array('["a","b"]'), is_valid_json_array('[1,2,]'),
        json_array_length('[1,2,[3]]'), json_extract_array_element_text('["a",["b",1]]', 1)`)).toEqual([['t', 'f', 'f', 't', 'f', '3', '["b",1]']]);
    });

    it('REGEXP_SUBSTR returns an empty string on no match and honours the e parameter', async () => {
      expect(await redshift("select regexp_substr('x@example.com', '@[^.]*'), regexp_substr('abc', 'z'), regexp_substr('This is a cat', 'this is a (\\w+)', 1, 1, 'ie')")).toEqual([
        ['@example', '', 'cat'],
      ]);
    });

    it("REGEXP_REPLACE replaces every match (PostgreSQL's replaces the first) and keeps PostgreSQL's flags form", async () => {
      expect(await redshift("select regexp_replace('a.b.c', '\\.', '-'), regexp_replace('the fox', 'FOX', 'quick brown fox', 1, 'i'), regexp_replace('a1b2', '[0-9]'), regexp_replace('a.b.c', '\\.', '-', 'g')")).toEqual([
        ['a-b-c', 'the quick brown fox', 'ab', 'a-b-c'],
      ]);
    });

    it('CONVERT(type, expr) casts', async () => {
      expect(await redshift("select convert(integer, '42') + 1")).toEqual([['43']]);
    });
  });

  describe('DDL', () => {
    it('creates VARCHAR(MAX), NVARCHAR, SUPER and IDENTITY(seed, step) columns', async () => {
      await redshift(`create table public.docs (
        id bigint identity(100, 10), title varchar(max) encode zstd, lang nvarchar(5), body super
      ) diststyle even`);
      await redshift(`insert into public.docs (title, lang, body) values ('a', 'en', json_parse('{"k":[1,2]}')), ('b', 'fr', null)`);
      expect(await redshift("select id, title, lang, json_serialize(body) from public.docs order by id")).toEqual([
        ['100', 'a', 'en', '{"k": [1, 2]}'],
        ['110', 'b', 'fr', null],
      ]);
      expect((await engine.query("select data_type, character_maximum_length from information_schema.columns where table_name = 'docs' order by ordinal_position")).rows).toEqual([
        ['bigint', null],
        ['character varying', '65535'],
        ['character varying', '5'],
        ['jsonb', null],
      ]);
    });

    it('creates a GENERATED BY DEFAULT AS IDENTITY(seed, step) column', async () => {
      await redshift('create table public.seq_check (id int generated by default as identity(0, 5), v text)');
      await redshift("insert into public.seq_check (v) values ('x'), ('y')");
      expect(await redshift('select id from public.seq_check order by id')).toEqual([['0'], ['5']]);
    });
  });
});
