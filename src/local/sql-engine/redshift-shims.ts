/**
 * Redshift functions that PostgreSQL lacks (or has with other semantics), written as SQL functions in the
 * `landfall_compat` schema. {@link rewriteRedshiftSql} schema-qualifies calls to them, so they win over
 * PostgreSQL's own functions of the same name (`trunc`, `regexp_replace`, `json_extract_path_text`).
 */

/** The schema that holds the shim functions. Calls to them are schema-qualified by the rewrite. */
export const COMPAT_SCHEMA = 'landfall_compat';

/**
 * Redshift's date part names and abbreviations, by the PostgreSQL unit they mean. Used by the
 * `date_part_unit` shim (DATEADD/DATEDIFF) and by the rewrite, which quotes these words when they are
 * written bare (`date_trunc(month, d)`).
 */
export const DATE_PART_ALIASES: Readonly<Record<string, readonly string[]>> = {
  millennium: ['millennium', 'millennia', 'mil', 'mils'],
  century: ['century', 'centuries', 'c', 'cent', 'cents'],
  decade: ['decade', 'decades', 'dec', 'decs'],
  year: ['year', 'years', 'y', 'yr', 'yrs'],
  quarter: ['quarter', 'quarters', 'qtr', 'qtrs'],
  month: ['month', 'months', 'mon', 'mons'],
  week: ['week', 'weeks', 'w'],
  day: ['day', 'days', 'd'],
  hour: ['hour', 'hours', 'h', 'hr', 'hrs'],
  minute: ['minute', 'minutes', 'm', 'min', 'mins'],
  second: ['second', 'seconds', 's', 'sec', 'secs'],
  millisecond: ['millisecond', 'milliseconds', 'ms', 'msec', 'msecs', 'msecond', 'mseconds', 'millisec', 'millisecs', 'millisecon'],
  microsecond: ['microsecond', 'microseconds', 'microsec', 'microsecs', 'usecond', 'useconds', 'us', 'usec', 'usecs'],
};

/** Date parts only DATE_PART/EXTRACT know, with Redshift's synonyms mapped to PostgreSQL's names. */
export const EXTRACT_ONLY_DATE_PARTS: Readonly<Record<string, string>> = {
  dow: 'dow', dayofweek: 'dow', dw: 'dow', weekday: 'dow',
  doy: 'doy', dayofyear: 'doy', dy: 'doy', yearday: 'doy',
  epoch: 'epoch', isodow: 'isodow', isoyear: 'isoyear', julian: 'julian',
  timezone: 'timezone', timezone_hour: 'timezone_hour', timezone_minute: 'timezone_minute',
};

const s = COMPAT_SCHEMA;

const datePartCases = Object.entries(DATE_PART_ALIASES)
  .map(([unit, names]) => `    WHEN ${names.map((name) => `'${name}'`).join(', ')} THEN RETURN '${unit}';`)
  .join('\n');

/**
 * The shim functions, idempotent (CREATE OR REPLACE). Run once per database on open.
 * Bodies call PostgreSQL's functions as `pg_catalog.x` so a shim never calls itself.
 */
export const REDSHIFT_COMPAT_SHIMS_SQL = `
CREATE SCHEMA IF NOT EXISTS ${s};

CREATE OR REPLACE FUNCTION ${s}.date_part_unit(part text) RETURNS text
LANGUAGE plpgsql IMMUTABLE AS $fn$
BEGIN
  CASE lower(trim(part))
${datePartCases}
    ELSE RAISE EXCEPTION 'date part "%" is not supported', part;
  END CASE;
END
$fn$;

CREATE OR REPLACE FUNCTION ${s}.date_part_interval(part text) RETURNS interval
LANGUAGE sql IMMUTABLE AS $fn$
  SELECT CASE ${s}.date_part_unit(part)
    WHEN 'quarter' THEN interval '3 months'
    ELSE ('1 ' || ${s}.date_part_unit(part))::interval
  END
$fn$;

CREATE OR REPLACE FUNCTION ${s}.getdate() RETURNS timestamp
LANGUAGE sql STABLE AS $fn$ SELECT date_trunc('second', statement_timestamp() AT TIME ZONE 'UTC') $fn$;

-- DEFAULT_IAM_ROLE(): the cluster's default IAM role, none when no role is associated
-- (https://docs.aws.amazon.com/redshift/latest/dg/r_DEFAULT_IAM_ROLE.html). The local cluster has no role unless
-- one is put in cluster_iam_roles, so a check that needs one fails locally as on a cluster without one.
CREATE TABLE IF NOT EXISTS ${s}.cluster_iam_roles (role_arn text PRIMARY KEY, is_default boolean NOT NULL DEFAULT false);

CREATE OR REPLACE FUNCTION ${s}.default_iam_role() RETURNS varchar
LANGUAGE sql STABLE AS $fn$ SELECT role_arn::varchar FROM ${s}.cluster_iam_roles WHERE is_default LIMIT 1 $fn$;

CREATE OR REPLACE FUNCTION ${s}.len(value text) RETURNS integer
LANGUAGE sql IMMUTABLE AS $fn$ SELECT length(value) $fn$;

CREATE OR REPLACE FUNCTION ${s}.charindex(needle text, haystack text) RETURNS integer
LANGUAGE sql IMMUTABLE AS $fn$ SELECT strpos(haystack, needle) $fn$;

CREATE OR REPLACE FUNCTION ${s}.dateadd(part text, amount bigint, value timestamp) RETURNS timestamp
LANGUAGE sql IMMUTABLE AS $fn$ SELECT value + amount * ${s}.date_part_interval(part) $fn$;

CREATE OR REPLACE FUNCTION ${s}.dateadd(part text, amount bigint, value date) RETURNS timestamp
LANGUAGE sql IMMUTABLE AS $fn$ SELECT value::timestamp + amount * ${s}.date_part_interval(part) $fn$;

-- A text overload makes untyped literals ('2024-01-01') resolve to timestamp, as in Redshift, not timestamptz.
CREATE OR REPLACE FUNCTION ${s}.dateadd(part text, amount bigint, value text) RETURNS timestamp
LANGUAGE sql STABLE AS $fn$ SELECT value::timestamp + amount * ${s}.date_part_interval(part) $fn$;

CREATE OR REPLACE FUNCTION ${s}.dateadd(part text, amount bigint, value timestamptz) RETURNS timestamptz
LANGUAGE sql STABLE AS $fn$ SELECT value + amount * ${s}.date_part_interval(part) $fn$;

CREATE OR REPLACE FUNCTION ${s}.datediff(part text, start_value timestamp, end_value timestamp) RETURNS bigint
LANGUAGE sql IMMUTABLE AS $fn$
  SELECT (CASE ${s}.date_part_unit(part)
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

CREATE OR REPLACE FUNCTION ${s}.datediff(part text, start_value date, end_value date) RETURNS bigint
LANGUAGE sql IMMUTABLE AS $fn$ SELECT ${s}.datediff(part, start_value::timestamp, end_value::timestamp) $fn$;

CREATE OR REPLACE FUNCTION ${s}.datediff(part text, start_value text, end_value text) RETURNS bigint
LANGUAGE sql STABLE AS $fn$ SELECT ${s}.datediff(part, start_value::timestamp, end_value::timestamp) $fn$;

CREATE OR REPLACE FUNCTION ${s}.datediff(part text, start_value timestamptz, end_value timestamptz) RETURNS bigint
LANGUAGE sql STABLE AS $fn$
  SELECT ${s}.datediff(part, start_value AT TIME ZONE 'UTC', end_value AT TIME ZONE 'UTC')
$fn$;

-- CONVERT_TIMEZONE(['source',] 'target', ts): a timestamp without time zone read in the source zone
-- (UTC when omitted) and returned as the wall-clock time in the target zone.
CREATE OR REPLACE FUNCTION ${s}.convert_timezone(source_zone text, target_zone text, value timestamp) RETURNS timestamp
LANGUAGE sql STABLE AS $fn$ SELECT (value AT TIME ZONE source_zone) AT TIME ZONE target_zone $fn$;

CREATE OR REPLACE FUNCTION ${s}.convert_timezone(source_zone text, target_zone text, value date) RETURNS timestamp
LANGUAGE sql STABLE AS $fn$ SELECT (value::timestamp AT TIME ZONE source_zone) AT TIME ZONE target_zone $fn$;

CREATE OR REPLACE FUNCTION ${s}.convert_timezone(source_zone text, target_zone text, value text) RETURNS timestamp
LANGUAGE sql STABLE AS $fn$ SELECT (value::timestamp AT TIME ZONE source_zone) AT TIME ZONE target_zone $fn$;

-- A timestamptz already names its instant: the source zone does not apply.
CREATE OR REPLACE FUNCTION ${s}.convert_timezone(source_zone text, target_zone text, value timestamptz) RETURNS timestamp
LANGUAGE sql STABLE AS $fn$ SELECT value AT TIME ZONE target_zone $fn$;

CREATE OR REPLACE FUNCTION ${s}.convert_timezone(target_zone text, value timestamp) RETURNS timestamp
LANGUAGE sql STABLE AS $fn$ SELECT ${s}.convert_timezone('UTC', target_zone, value) $fn$;

CREATE OR REPLACE FUNCTION ${s}.convert_timezone(target_zone text, value date) RETURNS timestamp
LANGUAGE sql STABLE AS $fn$ SELECT ${s}.convert_timezone('UTC', target_zone, value) $fn$;

CREATE OR REPLACE FUNCTION ${s}.convert_timezone(target_zone text, value text) RETURNS timestamp
LANGUAGE sql STABLE AS $fn$ SELECT ${s}.convert_timezone('UTC', target_zone, value) $fn$;

CREATE OR REPLACE FUNCTION ${s}.convert_timezone(target_zone text, value timestamptz) RETURNS timestamp
LANGUAGE sql STABLE AS $fn$ SELECT value AT TIME ZONE target_zone $fn$;

-- TRUNC(timestamp) is a date in Redshift; the numeric forms keep PostgreSQL's behaviour.
CREATE OR REPLACE FUNCTION ${s}.trunc(value timestamp) RETURNS date
LANGUAGE sql IMMUTABLE AS $fn$ SELECT value::date $fn$;

CREATE OR REPLACE FUNCTION ${s}.trunc(value timestamptz) RETURNS date
LANGUAGE sql STABLE AS $fn$ SELECT value::date $fn$;

CREATE OR REPLACE FUNCTION ${s}.trunc(value date) RETURNS date
LANGUAGE sql IMMUTABLE AS $fn$ SELECT value $fn$;

CREATE OR REPLACE FUNCTION ${s}.trunc(value numeric) RETURNS numeric
LANGUAGE sql IMMUTABLE AS $fn$ SELECT pg_catalog.trunc(value) $fn$;

CREATE OR REPLACE FUNCTION ${s}.trunc(value numeric, places integer) RETURNS numeric
LANGUAGE sql IMMUTABLE AS $fn$ SELECT pg_catalog.trunc(value, places) $fn$;

CREATE OR REPLACE FUNCTION ${s}.trunc(value double precision) RETURNS double precision
LANGUAGE sql IMMUTABLE AS $fn$ SELECT pg_catalog.trunc(value) $fn$;

CREATE OR REPLACE FUNCTION ${s}.trunc(value macaddr) RETURNS macaddr
LANGUAGE sql IMMUTABLE AS $fn$ SELECT pg_catalog.trunc(value) $fn$;

-- LAST_DAY: the month's last day, always a date.
CREATE OR REPLACE FUNCTION ${s}.last_day(value timestamp) RETURNS date
LANGUAGE sql IMMUTABLE AS $fn$ SELECT (date_trunc('month', value) + interval '1 month - 1 day')::date $fn$;

CREATE OR REPLACE FUNCTION ${s}.last_day(value date) RETURNS date
LANGUAGE sql IMMUTABLE AS $fn$ SELECT ${s}.last_day(value::timestamp) $fn$;

CREATE OR REPLACE FUNCTION ${s}.last_day(value text) RETURNS date
LANGUAGE sql STABLE AS $fn$ SELECT ${s}.last_day(value::timestamp) $fn$;

-- ADD_MONTHS: like DATEADD(month, …), except that a month's last day maps to the result month's last day.
CREATE OR REPLACE FUNCTION ${s}.add_months(value timestamp, months integer) RETURNS timestamp
LANGUAGE sql IMMUTABLE AS $fn$
  SELECT CASE
    WHEN value::date = ${s}.last_day(value)
      THEN date_trunc('month', value) + (months + 1) * interval '1 month' - interval '1 day' + (value - date_trunc('day', value))
    ELSE value + months * interval '1 month'
  END
$fn$;

CREATE OR REPLACE FUNCTION ${s}.add_months(value date, months integer) RETURNS timestamp
LANGUAGE sql IMMUTABLE AS $fn$ SELECT ${s}.add_months(value::timestamp, months) $fn$;

CREATE OR REPLACE FUNCTION ${s}.add_months(value text, months integer) RETURNS timestamp
LANGUAGE sql STABLE AS $fn$ SELECT ${s}.add_months(value::timestamp, months) $fn$;

-- MONTHS_BETWEEN: whole months from year and month; same day of month or both month ends give a whole
-- number, otherwise the day and time difference is added as a fraction of a 31-day month.
CREATE OR REPLACE FUNCTION ${s}.months_between(later timestamp, earlier timestamp) RETURNS double precision
LANGUAGE sql IMMUTABLE AS $fn$
  SELECT (
    (extract(year FROM later) - extract(year FROM earlier)) * 12 + extract(month FROM later) - extract(month FROM earlier)
    + CASE
        WHEN extract(day FROM later) = extract(day FROM earlier)
          OR (later::date = ${s}.last_day(later) AND earlier::date = ${s}.last_day(earlier)) THEN 0
        ELSE (extract(day FROM later) - extract(day FROM earlier)
              + (extract(epoch FROM later::time) - extract(epoch FROM earlier::time)) / 86400) / 31
      END
  )::double precision
$fn$;

CREATE OR REPLACE FUNCTION ${s}.months_between(later date, earlier date) RETURNS double precision
LANGUAGE sql IMMUTABLE AS $fn$ SELECT ${s}.months_between(later::timestamp, earlier::timestamp) $fn$;

CREATE OR REPLACE FUNCTION ${s}.months_between(later text, earlier text) RETURNS double precision
LANGUAGE sql STABLE AS $fn$ SELECT ${s}.months_between(later::timestamp, earlier::timestamp) $fn$;

-- STRTOL(num_string, base): C's strtol — leading blanks, a sign, '0x' in base 16, digits up to the first
-- character that is not one; no digits give 0.
CREATE OR REPLACE FUNCTION ${s}.strtol(num_string text, base integer) RETURNS bigint
LANGUAGE plpgsql IMMUTABLE STRICT AS $fn$
DECLARE
  rest text := lower(regexp_replace(num_string, '^[[:space:]]+', ''));
  negative boolean := false;
  result numeric := 0;
  digit integer;
BEGIN
  IF base < 2 OR base > 36 THEN
    RAISE EXCEPTION 'STRTOL base % is not between 2 and 36', base;
  END IF;
  IF left(rest, 1) IN ('+', '-') THEN
    negative := left(rest, 1) = '-';
    rest := substr(rest, 2);
  END IF;
  IF base = 16 AND left(rest, 2) = '0x' THEN
    rest := substr(rest, 3);
  END IF;
  FOR i IN 1 .. length(rest) LOOP
    digit := strpos('0123456789abcdefghijklmnopqrstuvwxyz', substr(rest, i, 1)) - 1;
    EXIT WHEN digit < 0 OR digit >= base;
    result := result * base + digit;
  END LOOP;
  RETURN (CASE WHEN negative THEN -result ELSE result END)::bigint;
END
$fn$;

-- JSON kept in VARCHAR columns, as Redshift's JSON functions read it.
CREATE OR REPLACE FUNCTION ${s}.json_or_null(value text) RETURNS json
LANGUAGE plpgsql IMMUTABLE AS $fn$
BEGIN
  RETURN value::json;
EXCEPTION WHEN others THEN
  RETURN NULL;
END
$fn$;

CREATE OR REPLACE FUNCTION ${s}.json_of(value text, null_if_invalid boolean) RETURNS json
LANGUAGE sql IMMUTABLE AS $fn$ SELECT CASE WHEN null_if_invalid THEN ${s}.json_or_null(value) ELSE value::json END $fn$;

CREATE OR REPLACE FUNCTION ${s}.is_valid_json(value text) RETURNS boolean
LANGUAGE sql IMMUTABLE STRICT AS $fn$ SELECT coalesce(json_typeof(${s}.json_or_null(value)) = 'object', false) $fn$;

CREATE OR REPLACE FUNCTION ${s}.is_valid_json_array(value text) RETURNS boolean
LANGUAGE sql IMMUTABLE STRICT AS $fn$ SELECT coalesce(json_typeof(${s}.json_or_null(value)) = 'array', false) $fn$;

-- The rewrite moves Redshift's trailing null_if_invalid flag in front of the variadic path.
CREATE OR REPLACE FUNCTION ${s}.json_extract_path_text(value text, null_if_invalid boolean, VARIADIC path text[]) RETURNS text
LANGUAGE sql IMMUTABLE AS $fn$ SELECT ${s}.json_of(value, null_if_invalid) #>> path $fn$;

CREATE OR REPLACE FUNCTION ${s}.json_extract_path_text(value json, null_if_invalid boolean, VARIADIC path text[]) RETURNS text
LANGUAGE sql IMMUTABLE AS $fn$ SELECT value #>> path $fn$;

CREATE OR REPLACE FUNCTION ${s}.json_extract_path_text(value jsonb, null_if_invalid boolean, VARIADIC path text[]) RETURNS text
LANGUAGE sql IMMUTABLE AS $fn$ SELECT value #>> path $fn$;

CREATE OR REPLACE FUNCTION ${s}.json_extract_array_element_text(value text, index integer, null_if_invalid boolean DEFAULT false) RETURNS text
LANGUAGE sql IMMUTABLE AS $fn$ SELECT CASE WHEN index >= 0 THEN ${s}.json_of(value, null_if_invalid) ->> index END $fn$;

CREATE OR REPLACE FUNCTION ${s}.json_array_length(value text, null_if_invalid boolean DEFAULT false) RETURNS integer
LANGUAGE sql IMMUTABLE AS $fn$ SELECT pg_catalog.json_array_length(${s}.json_of(value, null_if_invalid)) $fn$;

CREATE OR REPLACE FUNCTION ${s}.json_array_length(value json) RETURNS integer
LANGUAGE sql IMMUTABLE AS $fn$ SELECT pg_catalog.json_array_length(value) $fn$;

-- SUPER is stored as jsonb locally.
CREATE OR REPLACE FUNCTION ${s}.json_parse(value text) RETURNS jsonb
LANGUAGE sql IMMUTABLE AS $fn$ SELECT value::jsonb $fn$;

CREATE OR REPLACE FUNCTION ${s}.json_serialize(value jsonb) RETURNS text
LANGUAGE sql IMMUTABLE AS $fn$ SELECT value::text $fn$;

-- Regular expressions: Redshift's parameters are c (case-sensitive), i (insensitive), e (first
-- subexpression) and p (PCRE, whose common syntax PostgreSQL's engine also reads).
CREATE OR REPLACE FUNCTION ${s}.regexp_flags(parameters text) RETURNS text
LANGUAGE sql IMMUTABLE AS $fn$ SELECT translate(coalesce(parameters, ''), 'ep', '') $fn$;

-- REGEXP_SUBSTR returns '' (not NULL) when nothing matches.
CREATE OR REPLACE FUNCTION ${s}.regexp_substr(source text, pattern text, start_position integer DEFAULT 1, occurrence integer DEFAULT 1, parameters text DEFAULT '') RETURNS text
LANGUAGE sql IMMUTABLE AS $fn$
  SELECT CASE
    WHEN source IS NULL OR pattern IS NULL THEN NULL
    WHEN occurrence < 1 OR start_position > length(source) THEN ''
    ELSE coalesce(pg_catalog.regexp_substr(source, pattern, greatest(start_position, 1), occurrence,
                    ${s}.regexp_flags(parameters), CASE WHEN strpos(parameters, 'e') > 0 THEN 1 ELSE 0 END), '')
  END
$fn$;

-- REGEXP_REPLACE replaces every match; the replacement defaults to ''.
CREATE OR REPLACE FUNCTION ${s}.regexp_replace(source text, pattern text) RETURNS text
LANGUAGE sql IMMUTABLE AS $fn$ SELECT pg_catalog.regexp_replace(source, pattern, '', 'g') $fn$;

CREATE OR REPLACE FUNCTION ${s}.regexp_replace(source text, pattern text, replacement text) RETURNS text
LANGUAGE sql IMMUTABLE AS $fn$ SELECT pg_catalog.regexp_replace(source, pattern, replacement, 'g') $fn$;

CREATE OR REPLACE FUNCTION ${s}.regexp_replace(source text, pattern text, replacement text, start_position integer, parameters text DEFAULT '') RETURNS text
LANGUAGE sql IMMUTABLE AS $fn$
  SELECT CASE WHEN start_position <= 1
    THEN pg_catalog.regexp_replace(source, pattern, replacement, 'g' || ${s}.regexp_flags(parameters))
    ELSE left(source, start_position - 1)
      || pg_catalog.regexp_replace(substr(source, start_position), pattern, replacement, 'g' || ${s}.regexp_flags(parameters))
  END
$fn$;

-- PG_GET_LATE_BINDING_VIEW_COLS(), read with a column list (view_schema name, view_name name, col_name name,
-- col_type varchar, col_num int): the columns of late-binding views. Locally every view is bound (the rewrite
-- drops WITH NO SCHEMA BINDING), so information_schema.columns lists its columns and this returns none.
CREATE OR REPLACE FUNCTION ${s}.pg_get_late_binding_view_cols() RETURNS SETOF record
LANGUAGE sql STABLE AS $fn$ SELECT NULL::name, NULL::name, NULL::name, NULL::varchar, NULL::int WHERE false $fn$;

-- SVV_TABLE_INFO (https://docs.aws.amazon.com/redshift/latest/dg/r_SVV_TABLE_INFO.html): a row per user table that
-- holds at least one row (the view "doesn't return any information for empty tables"), tbl_rows counted, size in
-- 1 MB blocks. Only the columns landfall reads (the docs catalog, src/artifacts/catalog-queries.ts).
CREATE OR REPLACE FUNCTION ${s}.svv_table_info_rows() RETURNS TABLE(database text, schema text, table_id oid, "table" text, tbl_rows numeric, size bigint)
LANGUAGE plpgsql STABLE AS $fn$
DECLARE
  rel record;
  counted bigint;
BEGIN
  FOR rel IN SELECT c.oid AS relid, ns.nspname, c.relname FROM pg_class c JOIN pg_namespace ns ON ns.oid = c.relnamespace
              WHERE c.relkind IN ('r', 'p') AND ns.nspname NOT IN ('pg_catalog', 'information_schema', '${s}') AND ns.nspname NOT LIKE 'pg\_%'
  LOOP
    EXECUTE format('SELECT count(*) FROM %I.%I', rel.nspname, rel.relname) INTO counted;
    IF counted > 0 THEN
      database := current_database(); schema := rel.nspname; table_id := rel.relid; "table" := rel.relname; tbl_rows := counted;
      size := greatest(1, ceil(pg_total_relation_size(rel.relid) / 1048576.0))::bigint;
      RETURN NEXT;
    END IF;
  END LOOP;
END
$fn$;
CREATE OR REPLACE VIEW ${s}.svv_table_info AS SELECT * FROM ${s}.svv_table_info_rows();

-- PostgreSQL's own form, regexp_replace(source, pattern, replacement, flags), keeps its meaning.
CREATE OR REPLACE FUNCTION ${s}.regexp_replace(source text, pattern text, replacement text, flags text) RETURNS text
LANGUAGE sql IMMUTABLE AS $fn$ SELECT pg_catalog.regexp_replace(source, pattern, replacement, flags) $fn$;
`;

/** Changes whenever the shims change, so an engine can skip reinstalling shims that are already current. */
export const REDSHIFT_COMPAT_SHIMS_VERSION = String(
  [...REDSHIFT_COMPAT_SHIMS_SQL].reduce((hash, char) => (hash * 31 + char.charCodeAt(0)) >>> 0, 7),
);
